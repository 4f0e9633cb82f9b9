// http/auth_guard.hpp — who is calling (the route group's auth chain) and
// may they do this (scopes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/exchange.hpp"

namespace nexus::host {
class Runtime;
}

namespace nexus::host::http {

struct Principal {
  bool authenticated = false;  // false: the route group is public (no auth, no scope checks)
  std::string json;            // principal JSON for CallOptions, with "auth": "<instance>" added
  std::string subject;         // "key:ops"; for messages
  std::string auth_instance;   // which instance of the chain allowed it
  std::vector<std::string> scopes;
};

// Runs config().routes[group]: the first ALLOW wins, a DENY or all-ABSTAIN
// is a 401, an auth instance that cannot decide is a 503. A group missing
// from config is a 404 explaining how to enable it ("health" is public by
// default).
// `deadline_unix_ms` (0: none) goes into every auth call's context.
std::variant<Principal, Reply> authenticate(const Runtime& runtime, const HttpRequest& request,
                                            const std::string& group, std::int64_t deadline_unix_ms = 0);

// nullopt when `principal` holds a scope allowing `required` (always for a
// public group); otherwise the 403 reply naming the missing scope.
std::optional<Reply> require_scope(const Principal& principal, std::string_view required, const HttpRequest& request);

// An auth plugin's principal JSON (`text`, which parsed to the object
// `parsed`) with "auth": `auth_name` added: the member is spliced in after
// the opening brace instead of serialising the object again (a few percent
// of a small request's CPU); a principal that already has an "auth" member
// gets it replaced, through `parsed`.
std::string principal_json_with_auth(const std::string& text, nlohmann::json& parsed, const std::string& auth_name);

}  // namespace nexus::host::http
