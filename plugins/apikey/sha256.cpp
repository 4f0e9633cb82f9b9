#include "sha256.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <nexus/sdk/error.hpp>

namespace nexus::plugins::apikey {

namespace {

// OpenSSL 3 looks EVP_sha256() up in its provider tables on every use (an
// implicit fetch, with locks: a few percent of an MCP call's CPU); fetched
// once, the same digest serves every call. Never freed: process lifetime.
const EVP_MD* sha256_md() {
  static EVP_MD* const fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return fetched ? fetched : EVP_sha256();
}

}  // namespace

Digest sha256(std::string_view data) {
  Digest d{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), d.data(), &len, sha256_md(), nullptr) != 1 || len != d.size())
    throw nexus::sdk::internal("SHA-256 failed in OpenSSL; the crypto library is misconfigured");
  return d;
}

std::optional<Digest> parse_hex_digest(std::string_view hex) noexcept {
  if (hex.size() != 64) return std::nullopt;
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Digest d{};
  for (std::size_t i = 0; i < d.size(); ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    d[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return d;
}

bool digests_equal(const Digest& a, const Digest& b) noexcept { return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0; }

void wipe(Digest& d) noexcept { OPENSSL_cleanse(d.data(), d.size()); }

}  // namespace nexus::plugins::apikey
