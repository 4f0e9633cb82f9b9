// nexus/sdk/jose.hpp — the small, crypto-free part of JOSE that token
// plugins share: base64url (RFC 4648 §5, unpadded, canonical only), compact
// JWS split and parse (RFC 7515 §7.1), claim helpers, and the host's scope
// grammar as `scope_covers`.
//
// Signatures are not verified here: that needs a crypto library, and the SDK
// stays free of one. A plugin verifies with its own (OpenSSL, libsodium)
// over `CompactJws::signing_input`.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nexus/sdk/base64url.hpp"

namespace nexus::sdk::jose {

// ---- base64url -----------------------------------------------------------

// One strict base64url for cursors and tokens alike (nexus/sdk/base64url.hpp).
using ::nexus::sdk::base64url_decode;
using ::nexus::sdk::base64url_encode;

// ---- compact JWS ---------------------------------------------------------

// The three dot-separated parts of a compact JWS, as views into the token.
struct JwsParts {
  std::string_view header_b64, payload_b64, signature_b64;
  // "<header>.<payload>": the bytes the signature covers.
  std::string_view signing_input;
};

// Splits "a.b.c" when it has exactly two dots, non-empty header and payload
// and only base64url characters; nullopt otherwise (another kind of token).
inline std::optional<JwsParts> split_compact(std::string_view token) {
  const std::size_t d1 = token.find('.');
  if (d1 == std::string_view::npos) return std::nullopt;
  const std::size_t d2 = token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) return std::nullopt;
  JwsParts p{token.substr(0, d1), token.substr(d1 + 1, d2 - d1 - 1), token.substr(d2 + 1), token.substr(0, d2)};
  if (p.header_b64.empty() || p.payload_b64.empty()) return std::nullopt;
  for (char c : token)
    if (c != '.' && ::nexus::sdk::detail::base64url_value(c) < 0) return std::nullopt;
  return p;
}

// A compact JWS whose header and payload are JSON objects (a JWT), decoded
// but NOT verified: nothing in it may be trusted before the signature is.
struct Jws {
  JwsParts parts;
  nlohmann::json header;   // object, has a string "alg"
  nlohmann::json payload;  // object (the claims)
  // Raw bytes. Empty when the token has none (alg "none") or when its
  // signature part is not canonical base64url: either way it cannot verify,
  // and the caller still sees the claims to decide whether the token is its.
  std::string signature;
};

// nullopt unless `token` is a compact JWS with a JSON-object header carrying
// a string "alg" and a JSON-object payload.
inline std::optional<Jws> parse_jwt(std::string_view token) {
  auto parts = split_compact(token);
  if (!parts) return std::nullopt;
  auto h = base64url_decode(parts->header_b64);
  auto p = base64url_decode(parts->payload_b64);
  if (!h || !p) return std::nullopt;
  Jws j{*parts, nlohmann::json::parse(*h, nullptr, false), nlohmann::json::parse(*p, nullptr, false),
        base64url_decode(parts->signature_b64).value_or(std::string())};
  if (!j.header.is_object() || !j.payload.is_object()) return std::nullopt;
  const auto alg = j.header.find("alg");
  if (alg == j.header.end() || !alg->is_string()) return std::nullopt;
  return j;
}

// "<b64url(header)>.<b64url(payload)>", ready to be signed.
inline std::string signing_input(const nlohmann::json& header, const nlohmann::json& payload) {
  return base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
}

// ---- claims --------------------------------------------------------------

// The string claim `name`, or nullopt when absent or not a string.
inline std::optional<std::string> string_claim(const nlohmann::json& claims, std::string_view name) {
  const auto it = claims.find(name);
  if (it == claims.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// A NumericDate claim (seconds since the epoch; fractions truncated), or
// nullopt when absent or not a number.
inline std::optional<std::int64_t> time_claim(const nlohmann::json& claims, std::string_view name) {
  const auto it = claims.find(name);
  if (it == claims.end() || !it->is_number()) return std::nullopt;
  if (it->is_number_float()) {
    const double d = it->get<double>();
    if (!(d > -9.0e15 && d < 9.0e15)) return std::nullopt;  // NaN, inf, absurd
    return static_cast<std::int64_t>(d);
  }
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  return it->get<std::int64_t>();
}

// Values of a claim that is either a string or an array of strings ("aud");
// other element types are skipped.
inline std::vector<std::string> string_or_array_claim(const nlohmann::json& claims, std::string_view name) {
  std::vector<std::string> out;
  const auto it = claims.find(name);
  if (it == claims.end()) return out;
  if (it->is_string()) out.push_back(it->get<std::string>());
  if (it->is_array())
    for (const auto& v : *it)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

// Splits a space-separated scope string ("a b  c") into its words.
inline std::vector<std::string> split_scopes(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// ---- scopes --------------------------------------------------------------

namespace detail {
inline std::vector<std::string_view> scope_segments(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t c = s.find(':', start);
    out.push_back(s.substr(start, c == std::string_view::npos ? std::string_view::npos : c - start));
    if (c == std::string_view::npos) return out;
    start = c + 1;
  }
}
}  // namespace detail

// True when holding scope `granted` implies holding every permission of
// `requested`, in the host's grammar (plugin-api/include/nexus/auth.h):
// colon-separated segments; a whole "*" segment matches exactly one segment;
// a trailing "*" matches one or more remaining segments. `requested` may
// itself contain wildcards — it is then covered only if everything it
// could match is matched by `granted`:
//   scope_covers("storage:*", "storage:recordings:read")  → true
//   scope_covers("storage:*", "storage:recordings:*")     → true
//   scope_covers("storage:recordings:read", "storage:*")  → false
//   scope_covers("storage:*:read", "storage:*")           → false
// Empty scopes and empty segments cover nothing and are never covered.
inline bool scope_covers(std::string_view granted, std::string_view requested) {
  if (granted.empty() || requested.empty()) return false;
  const auto g = detail::scope_segments(granted);
  const auto r = detail::scope_segments(requested);
  for (auto seg : g)
    if (seg.empty()) return false;
  for (auto seg : r)
    if (seg.empty()) return false;
  for (std::size_t i = 0;; ++i) {
    const bool g_last = i + 1 == g.size();
    if (g_last && g[i] == "*") return r.size() > i;  // trailing star: one or more segments left
    if (i >= g.size() || i >= r.size()) return g.size() == r.size();
    const bool r_trailing_star = i + 1 == r.size() && r[i] == "*";
    if (r_trailing_star) return false;  // "the rest" is wider than any single-segment match
    if (g[i] == "*") continue;          // one segment, whatever it is (a requested "*" included)
    if (g[i] != r[i]) return false;     // a literal covers only itself (not a requested "*")
  }
}

// True when some scope in `granted` covers `requested`.
template <typename Range>
bool any_scope_covers(const Range& granted, std::string_view requested) {
  for (const auto& g : granted)
    if (scope_covers(g, requested)) return true;
  return false;
}

}  // namespace nexus::sdk::jose
