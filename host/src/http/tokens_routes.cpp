// http/tokens_routes.cpp — see tokens_routes.hpp. The issuer decides what
// may be minted (never more than the caller's own scopes); this route picks
// the issuer, passes the caller's principal, and never logs the token.
#include "http/tokens_routes.hpp"

#include <nlohmann/json.hpp>

#include "http/errors.hpp"
#include "nexus/host/runtime.hpp"

namespace nexus::host::http {
namespace {

// The issuer instance: the request's "issuer", or the only one configured.
std::variant<std::string, Reply> choose_issuer(const Runtime& runtime, nlohmann::json& request) {
  const auto issuers = runtime.instances_providing(NEXUS_TOKENS_V1);
  if (request.contains("issuer")) {
    if (!request["issuer"].is_string())
      return error_reply(NEXUS_INVALID_ARGUMENT, "\"issuer\" must be the name of a token-issuing instance");
    std::string name = request["issuer"].get<std::string>();
    request.erase("issuer");
    if (std::find(issuers.begin(), issuers.end(), name) == issuers.end())
      return error_reply(NEXUS_NOT_FOUND, "no token-issuing instance named '" + name + "'");
    return name;
  }
  if (issuers.size() == 1) return issuers.front();
  if (issuers.empty())
    return error_reply(NEXUS_NOT_FOUND, "no instance issues tokens; add an instance of the 'bearer' plugin to the config");
  std::string names;
  for (const auto& n : issuers) names += (names.empty() ? "" : ", ") + n;
  return error_reply(NEXUS_INVALID_ARGUMENT, "several instances issue tokens (" + names + "); say which with \"issuer\"");
}

}  // namespace

Reply handle_tokens(const RouteContext& ctx, const Route&) {
  nlohmann::json request = nlohmann::json::parse(ctx.request.body, nullptr, false);
  if (!request.is_object())
    return error_reply(NEXUS_INVALID_ARGUMENT,
                       "the body must be a JSON object like {\"scopes\": [\"storage:recordings:read\"], \"ttl_seconds\": 300}");
  auto issuer = choose_issuer(ctx.runtime, request);
  if (auto* reply = std::get_if<Reply>(&issuer)) return std::move(*reply);

  std::string token_json;
  const CallOutcome out = ctx.runtime.tokens(std::get<std::string>(issuer)).mint(ctx.call, request.dump(), &token_json);
  if (!out.ok()) return error_reply(out, "minting a token");
  Reply reply = json_reply(200, std::move(token_json));
  // RFC 6749 §5.1: responses carrying tokens must not be cached.
  reply.header("Cache-Control", "no-store").header("Pragma", "no-cache");
  return reply;
}

}  // namespace nexus::host::http
