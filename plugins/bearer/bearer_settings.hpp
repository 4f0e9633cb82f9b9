// bearer_settings — the bearer plugin's config block, parsed and checked at
// create. Secrets are read here (from the config or the environment) and
// live only in SigningKey::secret afterwards; no message ever shows one.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nexus/sdk/config.hpp>

namespace nexus::plugins::bearer {

struct SigningKey {
  std::string kid;
  std::string secret;  // HMAC-SHA256 key, at least kMinSecretBytes
};

struct Settings {
  std::string issuer = "nexus";
  std::vector<SigningKey> keys;  // keys[0] signs; every key verifies
  std::int64_t max_ttl_seconds = 900;
  std::int64_t default_ttl_seconds = 300;
  std::set<std::string> revoked_token_ids;
  std::optional<std::filesystem::path> revocation_file;
  std::optional<std::string> audience;  // default audience of minted tokens
};

inline constexpr std::size_t kMinSecretBytes = 32;
// Clock skew tolerated on exp and iat. Small: these tokens are minted by a
// host of the same deployment, whose clocks are synchronised.
inline constexpr std::int64_t kLeewaySeconds = 30;

Settings read_settings(const sdk::Config& config);

}  // namespace nexus::plugins::bearer
