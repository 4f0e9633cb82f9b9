// nexus/sdk/base64url.hpp — base64url without padding (RFC 4648 §5), the one
// encoding list cursors and JWTs share. Decoding is strict: only canonical
// text decodes (no padding, no other alphabet, no set unused bits), so two
// different strings never decode to the same bytes — a tampered signature or
// cursor cannot pass as the original.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nexus::sdk {

namespace detail {

inline constexpr std::string_view kBase64UrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The 6-bit value of a base64url character, or -1.
inline int base64url_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace detail

inline std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) | (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) |
                            std::uint32_t(std::uint8_t(bytes[i + 2]));
    for (int shift = 18; shift >= 0; shift -= 6) out += detail::kBase64UrlAlphabet[(n >> shift) & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    out += detail::kBase64UrlAlphabet[(n >> 18) & 63];
    out += detail::kBase64UrlAlphabet[(n >> 12) & 63];
  } else if (rest == 2) {
    const std::uint32_t n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) | (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8);
    out += detail::kBase64UrlAlphabet[(n >> 18) & 63];
    out += detail::kBase64UrlAlphabet[(n >> 12) & 63];
    out += detail::kBase64UrlAlphabet[(n >> 6) & 63];
  }
  return out;
}

// The bytes `text` encodes, or nullopt when it is not canonical base64url.
inline std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = detail::base64url_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

// The same, into `out`; false (and `out` empty) when not canonical.
inline bool base64url_decode(std::string_view text, std::string& out) {
  auto decoded = base64url_decode(text);
  out = decoded ? std::move(*decoded) : std::string();
  return decoded.has_value();
}

}  // namespace nexus::sdk
