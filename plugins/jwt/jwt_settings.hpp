// jwt_settings — the jwt plugin's config block, parsed and checked once at
// create. The schema in jwt_plugin.cpp is the contract; this is its typed
// mirror, with errors that name the key path and the fix.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nexus/sdk/config.hpp>

#include "public_key.hpp"

namespace nexus::plugins::jwt {

struct Settings {
  std::string issuer;                    // exact "iss"
  std::vector<std::string> audiences;    // "aud" must contain one of them (if any)
  std::optional<std::string> client_id;  // Cognito: "client_id" claim (or "aud" of an id token)
  std::optional<std::string> token_use;  // Cognito: "access" | "id"
  std::optional<std::string> jwks_uri;   // else from discovery
  std::vector<Alg> algorithms;           // allowed
  std::int64_t leeway_seconds = 60;
  std::chrono::seconds refresh_min_interval{60};
  std::chrono::seconds cache_lifetime{3600};
  std::vector<std::string> scope_claims;  // in order
  std::map<std::string, std::vector<std::string>> scope_map;
  bool map_only = false;
  std::string subject_claim = "sub";
  std::chrono::milliseconds timeout{5000};
  std::string ca_file;  // PEM CA bundle for the issuer's HTTPS; empty: the system's
};

// Largest token looked at, in bytes (larger Bearer tokens are not ours).
inline constexpr std::size_t kMaxTokenBytes = 16 * 1024;

Settings read_settings(const sdk::Config& config);

}  // namespace nexus::plugins::jwt
