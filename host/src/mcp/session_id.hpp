// mcp/session_id.hpp — MCP-Session-Id values any replica can verify.
//
// id = hex(nonce[16] || issued_unix_ms[8, big-endian]) || hex(HMAC-SHA256(key, those 24 bytes))
//
// Unguessable (128 random bits) and unforgeable without the key, so a
// session does not pin a client to the replica that issued it: every
// nexusd sharing mcp.session_key accepts it. Only visible ASCII (hex), as
// the transport spec requires.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nexus::host::mcp {

class SessionIds {
 public:
  // `key`: the secret (any bytes, at least 16).
  explicit SessionIds(std::string key) : key_(std::move(key)) {}
  std::string issue() const;
  // The issue time (ms since the epoch) when `id` carries a valid
  // signature; nullopt for anything forged, truncated or malformed.
  std::optional<std::int64_t> verify(std::string_view id) const;

 private:
  std::string key_;
};

// 32 random bytes, for a process without mcp.session_key.
std::string random_session_key();

}  // namespace nexus::host::mcp
