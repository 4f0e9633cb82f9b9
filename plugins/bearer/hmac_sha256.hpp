// hmac_sha256 — HS256 for the bearer plugin's own tokens, and the random
// token ids. OpenSSL 3 underneath.
#pragma once

#include <string>
#include <string_view>

namespace nexus::plugins::bearer {

// HMAC-SHA256(key, data): 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);
// Constant-time equality (CRYPTO_memcmp); false when the sizes differ.
bool equal_constant_time(std::string_view a, std::string_view b);
// `n` bytes from the OpenSSL CSPRNG; throws Error(INTERNAL) if it fails.
std::string random_bytes(std::size_t n);
// Overwrites `s` in a way the compiler may not drop (OPENSSL_cleanse).
void wipe(std::string& s);

}  // namespace nexus::plugins::bearer
