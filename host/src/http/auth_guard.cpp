// http/auth_guard.cpp — see auth_guard.hpp. Never logs or echoes credential
// header values: they go to the auth plugin and nowhere else.
#include "http/auth_guard.hpp"

#include <nexus/auth.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "http/errors.hpp"
#include "http/principal_cache.hpp"
#include "http/protected_resource.hpp"
#include "http/scopes.hpp"
#include "nexus/host/runtime.hpp"

namespace nexus::host::http {
namespace {

constexpr const char* kChallenge = "Bearer realm=\"nexus\"";

// The 401 challenge; for MCP it names the RFC 9728 metadata when configured,
// which is how MCP clients discover the authorization server.
Reply unauthenticated(const Runtime& runtime, const std::string& group, const std::string& message) {
  Reply r = error_reply(NEXUS_UNAUTHENTICATED, message);
  std::string challenge = kChallenge;
  if (group == "mcp") {
    if (auto url = protected_resource_url(runtime.config()->mcp)) challenge += ", resource_metadata=\"" + *url + "\"";
  }
  r.header("WWW-Authenticate", challenge);
  return r;
}

Reply group_not_enabled(const Runtime& runtime, const std::string& group, const char* why) {
  const auto auth_instances = runtime.instances_providing(NEXUS_AUTH_V1);
  const std::string example = auth_instances.empty() ? "<auth instance>" : auth_instances.front();
  return error_reply(NEXUS_NOT_FOUND, "route group '" + group + "' " + why + "; add \"routes\": {\"" + group +
                                          "\": {\"auth\": [\"" + example + "\"]}} to the config");
}

AuthRequest to_auth_request(const HttpRequest& request, const std::string& group) {
  AuthRequest a;
  a.method = request.method;
  a.path = request.path;
  a.query = request.query;
  a.remote_address = request.remote_address;
  a.route_group = group;
  a.headers.reserve(request.headers.size());
  for (const auto& [name, value] : request.headers) a.headers.push_back({name, value});
  return a;
}

// Parses the plugin's principal JSON and records which instance allowed it.
std::variant<Principal, Reply> to_principal(const std::string& auth_name, const std::string& text,
                                            const HttpRequest& request) {
  thread_local PrincipalCache recent;
  if (const Principal* known = recent.find(auth_name, text)) return *known;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) {
    spdlog::error("request {}: auth instance '{}' allowed the request but its principal is not a JSON object",
                  request.request_id, auth_name);
    return error_reply(NEXUS_INTERNAL, "auth instance '" + auth_name +
                                           "' allowed the request but wrote a principal that is not a JSON object; "
                                           "this is a bug in its plugin (see the server log, request " +
                                           request.request_id + ")");
  }
  Principal p;
  p.authenticated = true;
  p.auth_instance = auth_name;
  if (auto s = j.find("subject"); s != j.end() && s->is_string()) p.subject = s->get<std::string>();
  if (auto sc = j.find("scopes"); sc != j.end() && sc->is_array()) {
    for (const auto& v : *sc) {
      if (v.is_string()) p.scopes.push_back(v.get<std::string>());
    }
  }
  p.json = principal_json_with_auth(text, j, auth_name);
  recent.remember(auth_name, text, p);
  return p;
}

}  // namespace

// Spliced, not re-serialised: see auth_guard.hpp.
std::string principal_json_with_auth(const std::string& text, nlohmann::json& parsed, const std::string& auth_name) {
  const std::string member = "\"auth\":" + nlohmann::json(auth_name).dump();
  const std::size_t brace = text.find('{');
  if (parsed.contains("auth") || brace == std::string::npos) {
    parsed["auth"] = auth_name;
    return parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string out;
  out.reserve(text.size() + member.size() + 1);
  out.append(text, 0, brace + 1).append(member);
  if (!parsed.empty()) out += ',';
  out.append(text, brace + 1, std::string::npos);
  return out;
}

std::variant<Principal, Reply> authenticate(const Runtime& runtime, const HttpRequest& request,
                                            const std::string& group, std::int64_t deadline_unix_ms) {
  // One config for the whole chain, even if a reload swaps it meanwhile.
  const auto config = runtime.config();
  const auto& routes = config->routes;
  const auto it = routes.find(group);
  if (it == routes.end()) {
    if (group == "health") return Principal{};  // liveness/readiness probes are public unless configured
    return group_not_enabled(runtime, group, "is not enabled");
  }
  const RouteGroupConfig& cfg = it->second;
  if (cfg.is_public) return Principal{};
  if (cfg.auth.empty()) return group_not_enabled(runtime, group, "has no auth instances and is not public");

  const AuthRequest auth_request = to_auth_request(request, group);
  CallOptions options;
  options.request_id = request.request_id;
  options.deadline_unix_ms = deadline_unix_ms;
  for (const std::string& name : cfg.auth) {
    nexus_auth_decision decision = NEXUS_AUTH_ABSTAIN;
    std::string principal_json;
    CallOutcome outcome;
    try {
      outcome = runtime.auth(name).authenticate(options, auth_request, &decision, &principal_json);
    } catch (const std::exception& e) {
      // The runtime checks route auth names at start-up; reaching this is a bug.
      spdlog::error("request {}: route group '{}': auth instance '{}': {}", request.request_id, group, name, e.what());
      return error_reply(NEXUS_INTERNAL, "route group '" + group + "' names auth instance '" + name +
                                             "', which is not usable: " + e.what());
    }
    if (!outcome.ok()) {
      spdlog::warn("request {}: auth instance '{}' could not decide: {} {}", request.request_id, name,
                   nexus_status_name(outcome.status), outcome.message);
      return error_reply(503, nexus_status_name(NEXUS_UNAVAILABLE),
                         "auth instance '" + name + "' could not decide (" + nexus_status_name(outcome.status) +
                             (outcome.message.empty() ? std::string() : ": " + outcome.message) + "); retry later");
    }
    if (decision == NEXUS_AUTH_ALLOW) return to_principal(name, principal_json, request);
    if (decision == NEXUS_AUTH_DENY) {
      return unauthenticated(runtime, group, outcome.message.empty() ? "credentials rejected by auth instance '" + name + "'"
                                                     : outcome.message);
    }
    // ABSTAIN (or an unknown decision, treated alike): ask the next one.
  }
  if (request.header("authorization")) {
    // Credentials came, but no provider knew them (e.g. a token of another
    // issuer): saying "no credentials" would send the caller looking for
    // the wrong problem. The header's value is never echoed.
    std::string chain;
    for (const std::string& name : cfg.auth) chain += (chain.empty() ? "" : ", ") + name;
    return unauthenticated(runtime, group,
                           "no auth instance of route group '" + group + "' (" + chain +
                               ") recognised the Authorization header's credentials: check the token's issuer and "
                               "audience, or send an API key");
  }
  return unauthenticated(runtime, group, "no credentials: send Authorization: Bearer <key> or X-API-Key");
}

std::optional<Reply> require_scope(const Principal& principal, std::string_view required, const HttpRequest& request) {
  if (!principal.authenticated) return std::nullopt;
  if (any_scope_allows(principal.scopes, required)) return std::nullopt;
  const std::string scope(required);
  Reply r = error_reply(NEXUS_PERMISSION_DENIED, "principal '" + principal.subject + "' (auth '" +
                                                     principal.auth_instance + "') may not " + request.method + " " +
                                                     request.path + ": needs scope '" + scope + "'");
  r.header("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"" + scope + "\"");
  return r;
}

}  // namespace nexus::host::http
