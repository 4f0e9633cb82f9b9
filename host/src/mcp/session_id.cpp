// mcp/session_id.cpp — see session_id.hpp.
#include "mcp/session_id.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <chrono>
#include <stdexcept>

namespace nexus::host::mcp {

namespace {

constexpr std::size_t kNonce = 16, kPayload = kNonce + 8, kMac = 32;

std::string hex(const unsigned char* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[p[i] >> 4]);
    out.push_back(digits[p[i] & 15]);
  }
  return out;
}

bool unhex(std::string_view text, unsigned char* out) {
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size() / 2; ++i) {
    const int hi = value(text[2 * i]), lo = value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

void mac(const std::string& key, const unsigned char* payload, unsigned char* out) {
  unsigned int len = kMac;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), payload, kPayload, out, &len) || len != kMac)
    throw std::runtime_error("mcp: HMAC-SHA256 failed (OpenSSL)");
}

}  // namespace

std::string SessionIds::issue() const {
  unsigned char payload[kPayload];
  if (RAND_bytes(payload, kNonce) != 1) throw std::runtime_error("mcp: no random bytes for a session id (OpenSSL RAND_bytes)");
  const auto now = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  for (int i = 0; i < 8; ++i) payload[kNonce + i] = static_cast<unsigned char>(now >> (56 - 8 * i));
  unsigned char m[kMac];
  mac(key_, payload, m);
  return hex(payload, kPayload) + hex(m, kMac);
}

std::optional<std::int64_t> SessionIds::verify(std::string_view id) const {
  if (id.size() != 2 * (kPayload + kMac)) return std::nullopt;
  unsigned char raw[kPayload + kMac];
  if (!unhex(id, raw)) return std::nullopt;
  unsigned char expected[kMac];
  mac(key_, raw, expected);
  if (CRYPTO_memcmp(expected, raw + kPayload, kMac) != 0) return std::nullopt;
  std::uint64_t issued = 0;
  for (int i = 0; i < 8; ++i) issued = issued << 8 | raw[kNonce + i];
  return static_cast<std::int64_t>(issued);
}

std::string random_session_key() {
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1)
    throw std::runtime_error("mcp: no random bytes for the session key (OpenSSL RAND_bytes)");
  return key;
}

}  // namespace nexus::host::mcp
