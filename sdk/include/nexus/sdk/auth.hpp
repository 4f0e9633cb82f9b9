// nexus/sdk/auth.hpp — write a "nexus.auth/1" provider by deriving from
// nexus::sdk::Auth and overriding authenticate().
#pragma once

#include <nexus/auth.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "nexus/sdk/context.hpp"
#include "nexus/sdk/error.hpp"
#include "nexus/sdk/instance.hpp"
#include "nexus/sdk/io.hpp"

namespace nexus::sdk {

// What an auth provider sees of a request (borrowed for the call).
struct RequestView {
  std::string_view method, path, query, remote_address, route_group;
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // names lower-case

  // First value of header `lower_case_name`, if present.
  std::optional<std::string_view> header(std::string_view lower_case_name) const {
    for (const auto& [n, v] : headers)
      if (n == lower_case_name) return v;
    return std::nullopt;
  }
  // The token of "Authorization: Bearer <token>", if present.
  std::optional<std::string_view> bearer_token() const {
    const auto a = header("authorization");
    if (!a || a->size() < 7) return std::nullopt;
    const std::string_view scheme = a->substr(0, 7);
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    const char* want = "bearer ";
    for (std::size_t i = 0; i < 7; ++i)
      if (lower(scheme[i]) != want[i]) return std::nullopt;
    std::string_view t = a->substr(7);
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    if (t.empty()) return std::nullopt;
    return t;
  }
};

struct Principal {
  std::string subject;
  std::vector<std::string> scopes;
  nlohmann::json claims = nlohmann::json::object();
  nlohmann::json to_json() const { return {{"subject", subject}, {"scopes", scopes}, {"claims", claims}}; }
};

struct AuthResult {
  nexus_auth_decision decision = NEXUS_AUTH_ABSTAIN;
  Principal principal;
  std::string reason;  // for DENY: why, without the credential
  // For ALLOW: the principal already serialised (what Principal::to_json()
  // would give), written as is instead of `principal`. For a provider whose
  // principals are known in advance (one per configured key), built once at
  // create rather than on every request.
  std::string principal_json;

  static AuthResult allow(Principal p) { return {NEXUS_AUTH_ALLOW, std::move(p), {}, {}}; }
  static AuthResult allow_serialised(std::string principal_json) {
    return {NEXUS_AUTH_ALLOW, {}, {}, std::move(principal_json)};
  }
  static AuthResult deny(std::string why) { return {NEXUS_AUTH_DENY, {}, std::move(why), {}}; }
  static AuthResult abstain() { return {}; }
};

class Auth : public virtual Instance {
 public:
  virtual AuthResult authenticate(CallContext& ctx, const RequestView& request) = 0;
};

namespace detail {

template <typename P>
struct AuthAdapter {
  static nexus_status on_authenticate(void* inst, const nexus_call_context* c, const nexus_request_view* req,
                                      nexus_auth_decision* out_decision, const nexus_writer* principal_json) noexcept {
    CallContext ctx(c);
    return guard([&] {
      if (!req || !out_decision) throw invalid_argument("authenticate called without a request or decision slot");
      RequestView v{view(req->method), view(req->path), view(req->query), view(req->remote_address), view(req->route_group), {}};
      v.headers.reserve(req->header_count);
      for (std::size_t i = 0; i < req->header_count; ++i) v.headers.emplace_back(view(req->headers[i].name), view(req->headers[i].value));
      *out_decision = NEXUS_AUTH_ABSTAIN;
      const AuthResult r = static_cast<Auth&>(*static_cast<P*>(inst)).authenticate(ctx, v);
      if (r.decision == NEXUS_AUTH_ALLOW && !r.principal_json.empty()) Writer(principal_json).write(r.principal_json);
      else if (r.decision == NEXUS_AUTH_ALLOW) Writer(principal_json).write(r.principal.to_json().dump());
      if (r.decision == NEXUS_AUTH_DENY && !r.reason.empty()) ctx.set_error(r.reason);
      *out_decision = r.decision;
    }, [&](std::string_view m) { ctx.set_error(m); });
  }
  static constexpr nexus_auth_v1 table{sizeof(nexus_auth_v1), &on_authenticate};
};

}  // namespace detail
}  // namespace nexus::sdk
