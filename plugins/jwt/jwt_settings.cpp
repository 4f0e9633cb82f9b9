#include "jwt_settings.hpp"

#include <unistd.h>

#include <set>

#include <nexus/sdk/error.hpp>

namespace nexus::plugins::jwt {
namespace {

using sdk::invalid_argument;

bool is_http_url(const std::string& s) {
  return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
}

std::vector<std::string> string_or_list(const sdk::Config& c, const char* key) {
  const auto& v = c.json().at(key);
  if (v.is_string()) return {v.get<std::string>()};
  if (!v.is_array()) throw invalid_argument(c.path() + "." + key + " must be a string or an array of strings");
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string() || e.get<std::string>().empty())
      throw invalid_argument(c.path() + "." + key + " must contain only non-empty strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::int64_t positive(const sdk::Config& c, const char* key, std::int64_t fallback, std::int64_t min) {
  const auto v = c.get_or<std::int64_t>(key, fallback);
  if (v < min)
    throw invalid_argument(c.path() + "." + key + " is " + std::to_string(v) + "; it must be at least " +
                           std::to_string(min));
  return v;
}

}  // namespace

Settings read_settings(const sdk::Config& c) {
  static const std::set<std::string> kKnown = {"issuer",
                                               "audience",
                                               "client_id",
                                               "token_use",
                                               "jwks_uri",
                                               "algorithms",
                                               "leeway_seconds",
                                               "jwks_refresh_min_interval_seconds",
                                               "jwks_cache_seconds",
                                               "scope_claims",
                                               "scope_map",
                                               "map_only",
                                               "subject_claim",
                                               "timeout_ms",
                                               "ca_file"};
  for (const auto& [k, v] : c.json().items())
    if (!kKnown.count(k))
      throw invalid_argument(c.path() + "." + k + " is not a jwt setting; see `nexusd plugins describe jwt`");

  Settings s;
  if (!c.has("issuer"))
    throw invalid_argument(c.path() + ".issuer is required: the issuer URL exactly as in the tokens' \"iss\"");
  s.issuer = c.get<std::string>("issuer");
  if (!is_http_url(s.issuer))
    throw invalid_argument(c.path() + ".issuer '" + s.issuer +
                           "' must be an https:// (or http:// for local tests) URL");

  if (c.has("audience")) s.audiences = string_or_list(c, "audience");
  if (c.has("client_id")) s.client_id = c.get<std::string>("client_id");
  if (c.has("token_use")) {
    s.token_use = c.get<std::string>("token_use");
    if (*s.token_use != "access" && *s.token_use != "id")
      throw invalid_argument(c.path() + ".token_use is '" + *s.token_use + "'; use \"access\" or \"id\"");
  }
  // Without any audience check, any token this issuer ever signed for any
  // application would be accepted here: refuse that configuration.
  if (s.audiences.empty() && !s.client_id)
    throw invalid_argument(c.path() +
                           " needs \"audience\" (the API's audience) or \"client_id\" (Cognito app client, with "
                           "\"token_use\"): without one, tokens issued for other applications would be accepted");

  if (c.has("jwks_uri")) {
    s.jwks_uri = c.get<std::string>("jwks_uri");
    if (!is_http_url(*s.jwks_uri))
      throw invalid_argument(c.path() + ".jwks_uri '" + *s.jwks_uri + "' must be an https:// or http:// URL");
  }

  const auto algs = c.get_or<std::vector<std::string>>("algorithms", {"RS256", "PS256", "ES256"});
  if (algs.empty())
    throw invalid_argument(c.path() + ".algorithms is empty; allow at least one of RS256, PS256, ES256");
  for (const auto& a : algs) {
    const auto alg = alg_from_name(a);
    if (!alg)
      throw invalid_argument(c.path() + ".algorithms contains '" + a +
                             "'; only RS256, PS256 and ES256 are supported (" + "HMAC and none are refused by design)");
    s.algorithms.push_back(*alg);
  }

  s.leeway_seconds = positive(c, "leeway_seconds", 60, 0);
  if (s.leeway_seconds > 600)
    throw invalid_argument(c.path() + ".leeway_seconds is over 600; clock skew beyond minutes is a clock problem");
  s.refresh_min_interval = std::chrono::seconds(positive(c, "jwks_refresh_min_interval_seconds", 60, 1));
  s.cache_lifetime = std::chrono::seconds(positive(c, "jwks_cache_seconds", 3600, 1));
  s.timeout = std::chrono::milliseconds(positive(c, "timeout_ms", 5000, 1));

  s.scope_claims = c.get_or<std::vector<std::string>>("scope_claims", {"scope", "scp", "cognito:groups"});
  if (c.has("scope_map")) {
    const auto& m = c.json().at("scope_map");
    if (!m.is_object())
      throw invalid_argument(c.path() + ".scope_map must be an object: claim value → list of Nexus scopes");
    for (const auto& [value, scopes] : m.items()) {
      if (!scopes.is_array()) throw invalid_argument(c.path() + ".scope_map." + value + " must be an array of scopes");
      auto& out = s.scope_map[value];
      for (const auto& sc : scopes) {
        if (!sc.is_string() || sc.get<std::string>().empty())
          throw invalid_argument(c.path() + ".scope_map." + value + " must contain non-empty scope strings");
        out.push_back(sc.get<std::string>());
      }
    }
  }
  s.map_only = c.get_or<bool>("map_only", false);
  if (c.has("ca_file")) {
    s.ca_file = c.get<std::string>("ca_file");
    // Checked now: a typo would otherwise surface only as "keys not loaded".
    if (s.ca_file.empty() || ::access(s.ca_file.c_str(), R_OK) != 0)
      throw invalid_argument(c.path() + ".ca_file '" + s.ca_file +
                             "' cannot be read; give a PEM file of CA certificates, or leave the setting out to "
                             "trust the system's CAs");
  }
  s.subject_claim = c.get_or<std::string>("subject_claim", "sub");
  if (s.subject_claim.empty())
    throw invalid_argument(c.path() + ".subject_claim is empty; name a string claim such as \"sub\"");
  return s;
}

}  // namespace nexus::plugins::jwt
