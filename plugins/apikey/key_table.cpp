#include "key_table.hpp"

#include <cstdlib>
#include <cstring>
#include <set>

#include <nexus/sdk/auth.hpp>
#include <nexus/sdk/error.hpp>

namespace nexus::plugins::apikey {
namespace {

using sdk::invalid_argument;

bool is_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

bool is_env_name(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// RFC 9110 token characters: what a header name may be made of.
bool is_header_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr)))
      return false;
  return true;
}

Digest digest_from_env(const std::string& path, const std::string& var) {
  const char* value = std::getenv(var.c_str());
  if (value == nullptr || *value == '\0')
    throw invalid_argument(path + ".env: environment variable '" + var + "' is not set (or empty); set it before starting nexusd, e.g. `export " +
                           var + "=$(openssl rand -hex 32)`, or give " + path + ".sha256 instead");
  const std::size_t len = std::strlen(value);
  if (len < kMinKeyBytes)
    throw invalid_argument(path + ".env: the key in '" + var + "' is " + std::to_string(len) + " bytes, a weak key; use at least " +
                           std::to_string(kMinKeyBytes) + " random bytes, e.g. `openssl rand -hex 32`");
  return sha256(std::string_view(value, len));  // hashed straight from the environment: no copy of the key to wipe
}

KeyEntry read_entry(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) throw invalid_argument(path + " must be an object {\"id\", \"sha256\" or \"env\", \"scopes\"}");
  for (const auto& [k, v] : j.items())
    if (k != "id" && k != "sha256" && k != "env" && k != "scopes")
      throw invalid_argument(path + "." + k + " is not a key setting; known: id, sha256, env, scopes");
  const sdk::Config c(j, path);
  KeyEntry e;
  e.id = c.get<std::string>("id");
  if (!is_id(e.id)) throw invalid_argument(path + ".id '" + e.id + "' must match [a-z0-9_-]+ (at most 64 characters)");

  const bool has_hash = c.has("sha256"), has_env = c.has("env");
  if (has_hash == has_env)
    throw invalid_argument(path + " needs exactly one of \"sha256\" (hex SHA-256 of the key) or \"env\" (name of a variable holding the key)");
  if (has_hash) {
    // Not echoed: a plaintext key pasted here by mistake must not reach a log.
    const auto d = parse_hex_digest(c.get<std::string>("sha256"));
    if (!d) throw invalid_argument(path + ".sha256 must be 64 hex digits, the SHA-256 of the key (`printf %s KEY | sha256sum`)");
    e.digest = *d;
  } else {
    const auto var = c.get<std::string>("env");
    if (!is_env_name(var)) throw invalid_argument(path + ".env '" + var + "' is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
    e.digest = digest_from_env(path, var);
  }

  e.scopes = c.get<std::vector<std::string>>("scopes");
  for (std::size_t i = 0; i < e.scopes.size(); ++i)
    if (e.scopes[i].empty()) throw invalid_argument(path + ".scopes[" + std::to_string(i) + "] is empty; write a scope like \"storage:*\"");
  sdk::Principal p;
  p.subject = "apikey:" + e.id;
  p.scopes = e.scopes;
  p.claims = {{"key_id", e.id}};
  e.principal_json = p.to_json().dump();
  return e;
}

}  // namespace

KeyTable read_key_table(const sdk::Config& config) {
  for (const auto& [k, v] : config.json().items())
    if (k != "keys" && k != "header") throw invalid_argument(config.path() + "." + k + " is not an apikey setting; known: keys, header");
  KeyTable t;
  t.header = config.get_or<std::string>("header", "x-api-key");
  for (char& ch : t.header)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');  // the host hands header names over in lower case
  if (!is_header_name(t.header)) throw invalid_argument(config.path() + ".header '" + t.header + "' is not a valid HTTP header name");

  if (!config.has("keys")) throw invalid_argument(config.path() + ".keys is required: a list of {\"id\", \"sha256\" or \"env\", \"scopes\"}");
  const nlohmann::json& keys = config.json().at("keys");
  if (!keys.is_array() || keys.empty()) throw invalid_argument(config.path() + ".keys must be a non-empty array of keys");
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string path = config.path() + ".keys[" + std::to_string(i) + "]";
    KeyEntry e = read_entry(keys[i], path);
    for (std::size_t j = 0; j < t.keys.size(); ++j) {
      const std::string other = config.path() + ".keys[" + std::to_string(j) + "]";
      if (t.keys[j].id == e.id) throw invalid_argument(path + ".id '" + e.id + "' is also the id of " + other + "; ids must be unique");
      if (digests_equal(t.keys[j].digest, e.digest))
        throw invalid_argument(path + " is the same key as " + other + "; give each id its own key");
    }
    t.keys.push_back(std::move(e));
  }
  return t;
}

}  // namespace nexus::plugins::apikey
