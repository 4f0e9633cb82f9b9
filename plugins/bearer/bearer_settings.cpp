#include "bearer_settings.hpp"

#include <cstdlib>
#include <cstring>

#include <nexus/sdk/error.hpp>

#include "hmac_sha256.hpp"

namespace nexus::plugins::bearer {
namespace {

using sdk::invalid_argument;

bool is_kid(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
          c == '.'))
      return false;
  return true;
}

bool is_env_name(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

SigningKey read_key(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) throw invalid_argument(path + " must be an object {\"kid\", \"secret\" or \"secret_env\"}");
  for (const auto& [k, v] : j.items())
    if (k != "kid" && k != "secret" && k != "secret_env")
      throw invalid_argument(path + "." + k + " is not a key setting; known: kid, secret, secret_env");
  const sdk::Config c(j, path);
  SigningKey key;
  key.kid = c.get<std::string>("kid");
  if (!is_kid(key.kid))
    throw invalid_argument(path + ".kid '" + key.kid + "' must match [A-Za-z0-9._-]+ (at most 64 characters)");
  const bool has_secret = c.has("secret"), has_env = c.has("secret_env");
  if (has_secret == has_env)
    throw invalid_argument(
        path + " needs exactly one of \"secret\" (the HMAC key) or \"secret_env\" (name of a variable holding it)");
  std::string where;
  if (has_secret) {
    if (!j.at("secret").is_string()) throw invalid_argument(path + ".secret must be a string");
    key.secret = j.at("secret").get<std::string>();
    where = path + ".secret";
  } else {
    const auto var = c.get<std::string>("secret_env");
    if (!is_env_name(var))
      throw invalid_argument(path + ".secret_env '" + var + "' is not an environment variable name");
    const char* value = std::getenv(var.c_str());
    if (value == nullptr || *value == '\0')
      throw invalid_argument(path + ".secret_env: environment variable '" + var +
                             "' is not set (or empty); set it before starting nexusd, " + "e.g. `export " + var +
                             "=$(openssl rand -base64 48)`");
    key.secret.assign(value, std::strlen(value));
    where = path + ".secret_env ('" + var + "')";
  }
  if (key.secret.size() < kMinSecretBytes) {
    const std::size_t n = key.secret.size();
    wipe(key.secret);
    throw invalid_argument(where + " is a weak key of " + std::to_string(n) +
                           " bytes; HMAC-SHA256 keys need at least " + std::to_string(kMinSecretBytes) +
                           " random bytes, e.g. `openssl rand -base64 48`");
  }
  return key;
}

}  // namespace

Settings read_settings(const sdk::Config& c) {
  static const char* kKnown[] = {
      "issuer", "keys", "max_ttl_seconds", "default_ttl_seconds", "revoked_token_ids", "revocation_file", "audience"};
  for (const auto& [k, v] : c.json().items()) {
    bool known = false;
    for (const char* n : kKnown) known = known || k == n;
    if (!known)
      throw invalid_argument(c.path() + "." + k + " is not a bearer setting; see `nexusd plugins describe bearer`");
  }
  Settings s;
  s.issuer = c.get_or<std::string>("issuer", "nexus");
  if (s.issuer.empty())
    throw invalid_argument(c.path() + ".issuer is empty; leave it out for \"nexus\" or name this deployment");

  if (!c.has("keys"))
    throw invalid_argument(c.path() + ".keys is required: [{\"kid\": \"k1\", \"secret_env\": \"NEXUS_TOKEN_KEY\"}]");
  const auto& keys = c.json().at("keys");
  if (!keys.is_array() || keys.empty())
    throw invalid_argument(c.path() + ".keys must be a non-empty array; the first key signs");
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string path = c.path() + ".keys[" + std::to_string(i) + "]";
    SigningKey k = read_key(keys[i], path);
    for (std::size_t j = 0; j < s.keys.size(); ++j) {
      const std::string other = c.path() + ".keys[" + std::to_string(j) + "]";
      if (s.keys[j].kid == k.kid)
        throw invalid_argument(path + ".kid '" + k.kid + "' is also the kid of " + other + "; kids must be unique");
      if (equal_constant_time(s.keys[j].secret, k.secret))
        throw invalid_argument(path + " has the same secret as " + other + "; give each kid its own secret");
    }
    s.keys.push_back(std::move(k));
  }

  s.max_ttl_seconds = c.get_or<std::int64_t>("max_ttl_seconds", 900);
  s.default_ttl_seconds = c.get_or<std::int64_t>("default_ttl_seconds", 300);
  if (s.max_ttl_seconds < 1) throw invalid_argument(c.path() + ".max_ttl_seconds must be at least 1");
  if (s.default_ttl_seconds < 1) throw invalid_argument(c.path() + ".default_ttl_seconds must be at least 1");
  if (s.default_ttl_seconds > s.max_ttl_seconds)
    throw invalid_argument(c.path() + ".default_ttl_seconds (" + std::to_string(s.default_ttl_seconds) +
                           ") exceeds max_ttl_seconds (" + std::to_string(s.max_ttl_seconds) +
                           "); lower it or raise the maximum");

  for (const auto& id : c.get_or<std::vector<std::string>>("revoked_token_ids", {})) s.revoked_token_ids.insert(id);
  if (c.has("revocation_file")) {
    const auto f = c.get<std::string>("revocation_file");
    if (f.empty()) throw invalid_argument(c.path() + ".revocation_file is empty; give a path or leave the setting out");
    s.revocation_file = f;
  }
  if (c.has("audience")) {
    s.audience = c.get<std::string>("audience");
    if (s.audience->empty())
      throw invalid_argument(c.path() + ".audience is empty; name a route group such as \"mcp\" or leave it out");
  }
  return s;
}

}  // namespace nexus::plugins::bearer
