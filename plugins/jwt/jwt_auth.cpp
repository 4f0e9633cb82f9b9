#include "jwt_auth.hpp"

#include <algorithm>
#include <chrono>

#include <nexus/sdk/jose.hpp>

namespace nexus::plugins::jwt {
namespace {

using sdk::AuthResult;
namespace jose = sdk::jose;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto l = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (l(a[i]) != l(b[i])) return false;
  }
  return true;
}

// A header value the token chose, made safe for a reason: at most 40
// printable ASCII characters, so a hostile header cannot smuggle a whole
// token (or control characters) into logs through the DENY reason.
std::string shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return s.size() > 40 ? out + "..." : out;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Claims copied into the principal: facts about the caller, never the token.
constexpr const char* kPrincipalClaims[] = {"sub",
                                            "iss",
                                            "aud",
                                            "exp",
                                            "iat",
                                            "client_id",
                                            "token_use",
                                            "cognito:groups",
                                            "email",
                                            "username",
                                            "cognito:username",
                                            "azp",
                                            "jti"};

}  // namespace

JwtAuth::JwtAuth(const sdk::InstanceArgs& args) : settings_(read_settings(args.config)), host_(args.host) {
  keys_ =
      std::make_unique<JwksCache>(settings_, [h = args.host](nexus_log_level l, const std::string& m) { h.log(l, m); });
  // Warm the cache so the first request does not pay for discovery. An
  // unreachable issuer does not fail create: the host should start and serve
  // other routes; requests needing a key get 503 (UNAVAILABLE) until it is
  // reachable (checked again after jwks_refresh_min_interval_seconds).
  const bool ready = keys_->prefetch();
  host_.info("jwt: issuer " + settings_.issuer +
             (ready ? ", keys loaded" : ", keys NOT loaded yet (issuer unreachable); will retry"));
}

sdk::AuthResult JwtAuth::authenticate(sdk::CallContext&, const sdk::RequestView& request) {
  const auto token = request.bearer_token();
  if (!token) return AuthResult::abstain();
  if (token->size() > kMaxTokenBytes) return AuthResult::abstain();  // no issuer we know mints 16 KiB tokens
  auto jws = jose::parse_jwt(*token);
  if (!jws) return AuthResult::abstain();  // an API key, a JWE, an opaque token: not ours
  const nlohmann::json& claims = jws->payload;
  if (jose::string_claim(claims, "iss") != settings_.issuer)
    return AuthResult::abstain();  // another issuer in the chain

  // From here on the token claims to be ours: every failure is a DENY.
  const std::string alg_text = jws->header["alg"].get<std::string>();
  if (iequals(alg_text, "none"))
    return AuthResult::deny("JWT with alg 'none' refused: tokens from " + settings_.issuer + " must be signed");
  if (alg_text.size() >= 2 && iequals(alg_text.substr(0, 2), "HS"))
    return AuthResult::deny("JWT with HMAC alg '" + shown(alg_text) +
                            "' refused: this issuer's tokens are verified with public keys only");
  const auto alg = alg_from_name(alg_text);
  if (!alg || std::find(settings_.algorithms.begin(), settings_.algorithms.end(), *alg) == settings_.algorithms.end())
    return AuthResult::deny("JWT alg '" + shown(alg_text) + "' is not allowed by config.algorithms");
  if (jws->header.contains("crit"))
    return AuthResult::deny("JWT has a \"crit\" header this verifier does not understand");
  if (const auto typ = jose::string_claim(jws->header, "typ");
      jws->header.contains("typ") && (!typ || !(iequals(*typ, "JWT") || iequals(*typ, "at+jwt"))))
    return AuthResult::deny("JWT header typ must be 'JWT' or 'at+jwt'");

  std::optional<std::string> kid;
  if (jws->header.contains("kid")) {
    kid = jose::string_claim(jws->header, "kid");
    if (!kid) return AuthResult::deny("JWT header kid is not a string");
  }
  const auto found = keys_->find(kid);
  if (found.outcome == JwksCache::Lookup::Outcome::NothingCached)
    throw sdk::unavailable("jwt: no signing keys from " + settings_.issuer +
                           " yet (issuer or JWKS unreachable); retry later");
  if (found.outcome == JwksCache::Lookup::Outcome::UnknownKey)
    return AuthResult::deny("JWT signed with unknown key" + (kid ? " '" + shown(*kid) + "'" : std::string()) +
                            " for issuer " + settings_.issuer);

  bool verified = false;
  std::string refusal;
  for (const auto& key : found.keys) {
    if (!key.permits(*alg)) {
      refusal = key.refusal(*alg);
      continue;
    }
    if (key.verify(*alg, jws->parts.signing_input, jws->signature)) {
      verified = true;
      break;
    }
  }
  if (!verified)
    return AuthResult::deny(refusal.empty() || found.keys.size() > 1 ? "JWT signature does not verify"
                                                                     : "JWT refused: " + refusal);

  // Claims, now that they can be trusted.
  const std::int64_t now = unix_now(), leeway = settings_.leeway_seconds;
  const auto exp = jose::time_claim(claims, "exp");
  if (!exp) return AuthResult::deny("JWT has no numeric exp claim");
  if (now > *exp + leeway) return AuthResult::deny("JWT expired " + std::to_string(now - *exp) + " s ago");
  if (claims.contains("nbf")) {
    const auto nbf = jose::time_claim(claims, "nbf");
    if (!nbf) return AuthResult::deny("JWT nbf claim is not a number");
    if (*nbf > now + leeway)
      return AuthResult::deny("JWT not valid yet (nbf is " + std::to_string(*nbf - now) + " s in the future)");
  }
  if (claims.contains("iat")) {
    const auto iat = jose::time_claim(claims, "iat");
    if (!iat) return AuthResult::deny("JWT iat claim is not a number");
    if (*iat > now + leeway)
      return AuthResult::deny("JWT issued in the future (iat is " + std::to_string(*iat - now) + " s ahead)");
  }

  const auto aud = jose::string_or_array_claim(claims, "aud");
  bool audience_ok =
      std::any_of(aud.begin(), aud.end(), [&](const std::string& a) { return contains(settings_.audiences, a); });
  if (!audience_ok && settings_.client_id) {
    // Cognito access tokens carry the app client in "client_id" and no
    // "aud"; Cognito id tokens carry it in "aud".
    audience_ok =
        jose::string_claim(claims, "client_id") == *settings_.client_id || contains(aud, *settings_.client_id);
  }
  if (!audience_ok)
    return AuthResult::deny(std::string("JWT audience does not match: ") +
                            (settings_.audiences.empty() ? "" : "aud must contain one of config.audience") +
                            (settings_.audiences.empty() || !settings_.client_id ? "" : ", or ") +
                            (settings_.client_id ? "client_id (or aud) must equal config.client_id" : ""));
  if (settings_.token_use && jose::string_claim(claims, "token_use") != *settings_.token_use)
    return AuthResult::deny("JWT token_use must be '" + *settings_.token_use + "'");

  const auto subject = jose::string_claim(claims, settings_.subject_claim);
  if (!subject || subject->empty())
    return AuthResult::deny("JWT has no string '" + settings_.subject_claim + "' claim for the subject");
  return AuthResult::allow(principal_from(claims));
}

sdk::Principal JwtAuth::principal_from(const nlohmann::json& claims) const {
  sdk::Principal p;
  p.subject = *jose::string_claim(claims, settings_.subject_claim);
  auto add = [&](const std::string& s) {
    if (!s.empty() && !contains(p.scopes, s)) p.scopes.push_back(s);
  };
  for (const auto& name : settings_.scope_claims) {
    const auto it = claims.find(name);
    if (it == claims.end()) continue;
    std::vector<std::string> values;
    if (it->is_string()) values = jose::split_scopes(it->get<std::string>());
    if (it->is_array())
      for (const auto& v : *it)
        if (v.is_string()) values.push_back(v.get<std::string>());
    for (const auto& v : values) {
      const auto m = settings_.scope_map.find(v);
      if (m != settings_.scope_map.end())
        for (const auto& s : m->second) add(s);
      else if (!settings_.map_only)
        add(v);
    }
  }
  for (const char* name : kPrincipalClaims)
    if (claims.contains(name)) p.claims[name] = claims.at(name);
  if (claims.contains(settings_.subject_claim)) p.claims[settings_.subject_claim] = claims.at(settings_.subject_claim);
  return p;
}

}  // namespace nexus::plugins::jwt
