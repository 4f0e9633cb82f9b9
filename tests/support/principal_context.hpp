// support/principal_context.hpp — a call context carrying an authenticated
// caller's principal JSON, as nexusd passes it to a plugin called on that
// caller's behalf (TestContext carries none: an anonymous caller).
#pragma once

#include <nexus/nexus.h>

#include <string>

#include <nlohmann/json.hpp>

#include "support/tools_harness.hpp"

namespace nexus::test {

class PrincipalContext {
 public:
  // `principal` as the auth plugin wrote it, e.g. {"subject": "agent",
  // "scopes": ["tools:*", "storage:a:read"]}; a string is passed as raw
  // text (to send what is not JSON at all).
  explicit PrincipalContext(const nlohmann::json& principal)
      : text_(principal.is_string() ? principal.get<std::string>() : principal.dump()) {
    ctx_ = *base_.get();  // the base's callbacks, so set_error lands in error()
    ctx_.principal_json = nexus_str{text_.data(), text_.size()};
  }
  PrincipalContext(const PrincipalContext&) = delete;
  PrincipalContext& operator=(const PrincipalContext&) = delete;

  // An agent's principal holding `scopes` (plus every tool's scope).
  static nlohmann::json with_scopes(nlohmann::json scopes) {
    scopes.push_back("tools:*");
    return {{"subject", "agent"}, {"scopes", std::move(scopes)}, {"auth", "keys"}};
  }

  const nexus_call_context* get() const { return &ctx_; }
  const std::string& error() const { return base_.error(); }

 private:
  TestContext base_;
  std::string text_;
  nexus_call_context ctx_{};
};

}  // namespace nexus::test
