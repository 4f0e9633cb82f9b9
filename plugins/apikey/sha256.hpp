// SHA-256 through OpenSSL EVP, and the constant-time pieces around it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace nexus::plugins::apikey {

using Digest = std::array<std::uint8_t, 32>;

// SHA-256 of `data`; Error(INTERNAL) if OpenSSL fails.
Digest sha256(std::string_view data);

// The digest written as 64 hex digits (either case); nothing otherwise.
std::optional<Digest> parse_hex_digest(std::string_view hex) noexcept;

// True if the two digests are equal, in time independent of their content.
bool digests_equal(const Digest& a, const Digest& b) noexcept;

// Overwrites `d` in a way the compiler may not optimise away.
void wipe(Digest& d) noexcept;

}  // namespace nexus::plugins::apikey
