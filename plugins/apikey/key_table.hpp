// The configured API keys, as digests: parsed and checked once at create.
#pragma once

#include <string>
#include <vector>

#include <nexus/sdk/config.hpp>

#include "sha256.hpp"

namespace nexus::plugins::apikey {

struct KeyEntry {
  std::string id;
  Digest digest;  // SHA-256 of the key; the key itself is never kept
  std::vector<std::string> scopes;
  std::string principal_json;  // what an ALLOW for this key writes, serialised once at create
};

struct KeyTable {
  std::vector<KeyEntry> keys;
  std::string header = "x-api-key";  // lower-case
};

// Reads config.keys and config.header. A key given by "env" is read from
// the environment now, hashed, and forgotten. Error(INVALID_ARGUMENT) naming
// the offending path (config.keys[2].env) and the fix; never the key.
KeyTable read_key_table(const sdk::Config& config);

// Shortest key accepted from the environment, in bytes.
inline constexpr std::size_t kMinKeyBytes = 16;

}  // namespace nexus::plugins::apikey
