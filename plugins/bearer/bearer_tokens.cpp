#include "bearer_tokens.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

#include <nexus/sdk/jose.hpp>

#include "hmac_sha256.hpp"

namespace nexus::plugins::bearer {
namespace {

using sdk::AuthResult;
namespace jose = sdk::jose;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string iso8601(std::int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool is_route_group_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

BearerTokens::BearerTokens(const sdk::InstanceArgs& args) : settings_(read_settings(args.config)) {
  const sdk::Host host = args.host;
  revoked_ = std::make_unique<RevocationList>(settings_.revoked_token_ids, settings_.revocation_file,
                                              args.config.path() + ".revocation_file",
                                              [host](nexus_log_level l, const std::string& m) { host.log(l, m); });
  std::vector<std::string> kids;
  for (const auto& k : settings_.keys) kids.push_back(k.kid);
  host.info("bearer: issuer '" + settings_.issuer + "', signing key '" + kids.front() + "', verifying keys " +
            join(kids, ", ") + "; ttl default " + std::to_string(settings_.default_ttl_seconds) + " s, max " +
            std::to_string(settings_.max_ttl_seconds) + " s");
}

BearerTokens::~BearerTokens() {
  for (auto& k : settings_.keys) wipe(k.secret);
}

const SigningKey* BearerTokens::key_by_kid(const std::string& kid) const {
  for (const auto& k : settings_.keys)
    if (k.kid == kid) return &k;
  return nullptr;
}

nlohmann::json BearerTokens::mint(sdk::CallContext& ctx, const nlohmann::json& principal,
                                  const nlohmann::json& request) {
  for (const auto& [k, v] : request.items())
    if (k != "scopes" && k != "ttl_seconds" && k != "audience")
      throw sdk::invalid_argument(
          "token request field '" + k +
          "' is not known; send {\"scopes\": [...], \"ttl_seconds\": N, \"audience\": \"mcp\"}");

  const auto subject = jose::string_claim(principal, "subject");
  if (!subject || subject->empty())
    throw sdk::Error(NEXUS_UNAUTHENTICATED, "minting a token needs a caller with a subject");
  std::vector<std::string> held;
  if (principal.contains("scopes") && principal["scopes"].is_array())
    for (const auto& s : principal["scopes"])
      if (s.is_string()) held.push_back(s.get<std::string>());

  if (!request.contains("scopes") || !request["scopes"].is_array() || request["scopes"].empty())
    throw sdk::invalid_argument(
        "token request needs \"scopes\": a non-empty array of scopes the caller holds, e.g. "
        "[\"storage:recordings:read\"]");
  std::vector<std::string> scopes;
  for (const auto& s : request["scopes"]) {
    if (!s.is_string() || s.get<std::string>().empty() || s.get<std::string>().find(' ') != std::string::npos)
      throw sdk::invalid_argument("token request \"scopes\" must contain non-empty scope strings without spaces");
    const std::string scope = s.get<std::string>();
    // Never more than the caller has: each requested scope, wildcards
    // included, must be covered by one the caller holds.
    if (!jose::any_scope_covers(held, scope))
      throw sdk::permission_denied("scope '" + scope + "' is not covered by the caller's scopes (" +
                                   (held.empty() ? "none" : join(held, ", ")) +
                                   "); a token can carry only scopes its minter holds");
    if (std::find(scopes.begin(), scopes.end(), scope) == scopes.end()) scopes.push_back(scope);
  }

  std::int64_t ttl = settings_.default_ttl_seconds;
  if (request.contains("ttl_seconds")) {
    const auto& t = request["ttl_seconds"];
    if (!t.is_number_integer() || t.get<std::int64_t>() < 1)
      throw sdk::invalid_argument("token request \"ttl_seconds\" must be a positive integer (at most " +
                                  std::to_string(settings_.max_ttl_seconds) + ")");
    ttl = t.get<std::int64_t>();
  }
  ttl = std::min(ttl, settings_.max_ttl_seconds);

  std::optional<std::string> audience = settings_.audience;
  if (request.contains("audience")) {
    if (!request["audience"].is_string() || !is_route_group_name(request["audience"].get<std::string>()))
      throw sdk::invalid_argument(
          "token request \"audience\" must be a route group name such as \"mcp\" or \"storage\"");
    audience = request["audience"].get<std::string>();
  }

  const std::int64_t now = unix_now();
  std::int64_t exp = now + ttl;
  // A token minted with a token must not outlive it, or holders could renew
  // themselves forever.
  const nlohmann::json parent_claims =
      principal.contains("claims") && principal["claims"].is_object() ? principal["claims"] : nlohmann::json::object();
  if (const auto parent_exp = jose::time_claim(parent_claims, "exp"); parent_exp && *parent_exp < exp)
    exp = std::max(now, *parent_exp);

  nlohmann::json parent = {{"sub", *subject}};
  if (const auto auth = jose::string_claim(principal, "auth")) parent["auth"] = *auth;
  if (const auto jti = jose::string_claim(parent_claims, "jti")) parent["jti"] = *jti;

  const SigningKey& key = settings_.keys.front();
  const std::string jti = jose::base64url_encode(random_bytes(16));
  nlohmann::json claims = {{"iss", settings_.issuer},
                           {"sub", *subject},
                           {"scope", join(scopes, " ")},
                           {"iat", now},
                           {"exp", exp},
                           {"jti", jti},
                           {"nexus_parent", parent}};
  if (audience) claims["aud"] = *audience;
  const nlohmann::json header = {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", key.kid}};
  const std::string input = jose::signing_input(header, claims);
  const std::string token = input + "." + jose::base64url_encode(hmac_sha256(key.secret, input));

  ctx.log(NEXUS_LOG_INFO, "bearer: minted token id " + jti + " for '" + *subject + "' (" + std::to_string(exp - now) +
                              " s, scopes " + join(scopes, " ") +
                              (audience ? ", audience " + *audience : std::string()) + ")");
  nlohmann::json out = {{"token", token},          {"token_type", "Bearer"},
                        {"expires_in", exp - now}, {"expires_at", iso8601(exp)},
                        {"scopes", scopes},        {"token_id", jti}};
  if (audience) out["audience"] = *audience;
  return out;
}

sdk::AuthResult BearerTokens::authenticate(sdk::CallContext&, const sdk::RequestView& request) {
  const auto token = request.bearer_token();
  if (!token || token->size() > 16 * 1024) return AuthResult::abstain();
  const auto jws = jose::parse_jwt(*token);
  if (!jws) return AuthResult::abstain();
  const nlohmann::json& claims = jws->payload;
  if (jose::string_claim(claims, "iss") != settings_.issuer)
    return AuthResult::abstain();  // an OIDC token, say: not ours

  if (jose::string_claim(jws->header, "alg") != "HS256")
    return AuthResult::deny("token of issuer '" + settings_.issuer + "' must be HS256");
  if (jws->header.contains("typ") && jose::string_claim(jws->header, "typ") != "JWT")
    return AuthResult::deny("token typ must be 'JWT'");
  if (jws->header.contains("crit"))
    return AuthResult::deny("token has a \"crit\" header this verifier does not understand");
  const auto kid = jose::string_claim(jws->header, "kid");
  const SigningKey* key = kid ? key_by_kid(*kid) : nullptr;
  // Same reason whether the kid is unknown or the MAC is wrong: the answer
  // should not help an attacker map which key ids exist.
  if (!key) return AuthResult::deny("token signature does not verify (unknown or retired signing key)");
  if (!equal_constant_time(hmac_sha256(key->secret, jws->parts.signing_input), jws->signature))
    return AuthResult::deny("token signature does not verify (unknown or retired signing key)");

  const std::int64_t now = unix_now();
  const auto exp = jose::time_claim(claims, "exp");
  if (!exp) return AuthResult::deny("token has no numeric exp");
  if (now > *exp + kLeewaySeconds)
    return AuthResult::deny("token expired " + std::to_string(now - *exp) + " s ago; mint a new one");
  const auto iat = jose::time_claim(claims, "iat");
  if (!iat || *iat > now + kLeewaySeconds) return AuthResult::deny("token iat is missing or in the future");

  const auto jti = jose::string_claim(claims, "jti");
  if (!jti || jti->empty()) return AuthResult::deny("token has no jti");
  if (revoked_->revoked(*jti)) return AuthResult::deny("token id " + *jti + " is revoked");

  std::optional<std::string> aud;
  if (claims.contains("aud")) {
    aud = jose::string_claim(claims, "aud");
    if (!aud) return AuthResult::deny("token aud must be a string");
    if (*aud != request.route_group)
      return AuthResult::deny("token is restricted to audience '" + *aud + "', not the '" +
                              std::string(request.route_group) + "' routes; mint one with \"audience\": \"" +
                              std::string(request.route_group) + "\"");
  }
  const auto sub = jose::string_claim(claims, "sub");
  if (!sub || sub->empty()) return AuthResult::deny("token has no sub");

  sdk::Principal p;
  p.subject = *sub;
  p.scopes = jose::split_scopes(jose::string_claim(claims, "scope").value_or(""));
  p.claims = {{"jti", *jti}, {"exp", *exp}};
  if (aud) p.claims["aud"] = *aud;
  if (claims.contains("nexus_parent")) p.claims["minted_by"] = claims["nexus_parent"];
  return AuthResult::allow(std::move(p));
}

}  // namespace nexus::plugins::bearer
