// nexus/sdk/scopes.hpp — may the caller of this call do something?
//
// The host checks only the scope of the entry point it routes (an MCP tool
// needs "tools:<name>"). A plugin that then acts on the caller's behalf —
// a tool reading or writing storage — must itself check the scope the
// host's REST route would require for the same operation, or the tool
// becomes a way around it. These helpers read the caller's scopes from the
// call context's principal and match them with the host's grammar
// (jose::scope_covers).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nexus/sdk/context.hpp"
#include "nexus/sdk/jose.hpp"

namespace nexus::sdk {

// The caller's scopes, or nullopt for an anonymous caller (a public route
// group, or the host calling on its own): no scope applies to it, exactly
// as the host treats public groups. An authenticated principal whose JSON
// has no readable "scopes" array holds no scopes, so it is refused rather
// than let through.
inline std::optional<std::vector<std::string>> caller_scopes(const CallContext& ctx) {
  const nlohmann::json principal = ctx.principal();
  if (principal.is_null()) return std::nullopt;
  std::vector<std::string> scopes;
  if (!principal.is_object()) return scopes;  // unparsable: fail closed
  const auto it = principal.find("scopes");
  if (it == principal.end() || !it->is_array()) return scopes;
  for (const auto& s : *it)
    if (s.is_string()) scopes.push_back(s.get<std::string>());
  return scopes;
}

// The first of `required` the caller lacks, or nullopt when it holds them
// all (always nullopt for an anonymous caller). The principal is read once.
inline std::optional<std::string> missing_scope(const CallContext& ctx,
                                                std::initializer_list<std::string_view> required) {
  const auto granted = caller_scopes(ctx);
  if (!granted) return std::nullopt;
  for (const std::string_view scope : required)
    if (!jose::any_scope_covers(*granted, scope)) return std::string(scope);
  return std::nullopt;
}

// True when the caller holds `scope` (or is anonymous).
inline bool caller_may(const CallContext& ctx, std::string_view scope) {
  return !missing_scope(ctx, {scope});
}

// The scope of the host's storage routes: "storage:<instance>:<operation>",
// operation one of read, write, delete, list (docs/auth.md).
inline std::string storage_scope(std::string_view instance, std::string_view operation) {
  return "storage:" + std::string(instance) + ":" + std::string(operation);
}

// The refusal a tool answers (as an isError result, for the model to read)
// when `doing` — e.g. "reading 'a.wav' in storage 'recordings'" — needs
// `scope`. The caller's own scopes are not listed: they can be many.
inline std::string not_allowed_text(std::string_view doing, std::string_view scope) {
  return "not allowed: " + std::string(doing) + " needs scope '" + std::string(scope) +
         "', which this caller lacks; call again with a key or token that has it";
}

}  // namespace nexus::sdk
