// nexus/sdk/storage_util.hpp — small helpers every storage backend needs the
// same way: list cursors, etags, and the list-window rule.
//
// Cursors are opaque to callers, but backends that agree on one format let a
// client switch backends (fs on a laptop, memory in tests) without its saved
// cursors meaning something else. The format is "v1:" + base64url (no
// padding) of the last key of the page; the next page starts strictly after
// that key, so a key added behind the cursor is never seen and one added
// ahead of it is.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "nexus/sdk/base64url.hpp"
#include "nexus/sdk/error.hpp"
#include "nexus/sdk/storage.hpp"

namespace nexus::sdk {

namespace detail {
inline constexpr std::string_view kCursorTag = "v1:";
}  // namespace detail

// The cursor that makes the next page start strictly after `last_key`.
inline std::string encode_cursor(std::string_view last_key) {
  return std::string(detail::kCursorTag) + base64url_encode(last_key);
}

// The key a cursor from encode_cursor() names; Error(INVALID_ARGUMENT) when
// the cursor was not made by encode_cursor (truncated, edited, other backend).
inline std::string decode_cursor(std::string_view cursor) {
  const auto malformed = [&](std::string_view why) {
    return invalid_argument("list cursor is malformed (" + std::string(why) +
                            "); pass back the next_cursor of the previous page unchanged, or no cursor to start over");
  };
  if (cursor.substr(0, detail::kCursorTag.size()) != detail::kCursorTag) throw malformed("unknown version tag");
  std::string key;
  if (!base64url_decode(cursor.substr(detail::kCursorTag.size()), key)) throw malformed("not base64url");
  if (nexus_storage_key_problem(to_nexus_str(key)) != nullptr) throw malformed("it does not name a valid key");
  return key;
}

// 64-bit FNV-1a over the little-endian bytes of `parts`: a cheap, stable
// fingerprint, not a cryptographic hash. Etags only need to change when the
// object changes.
inline std::uint64_t fingerprint(std::initializer_list<std::uint64_t> parts) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  for (std::uint64_t p : parts)
    for (int i = 0; i < 8; ++i) {
      h ^= (p >> (8 * i)) & 0xff;
      h *= 1099511628211ull;
    }
  return h;
}

// Lower-case hex of a 64-bit value, always 16 characters.
inline std::string hex64(std::uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = kDigits[v & 0xf];
  return out;
}

// The etag of an object version identified by `parts` (e.g. inode, size,
// mtime in ns for a file; generation, size for a map entry).
inline std::string make_etag(std::initializer_list<std::uint64_t> parts) { return hex64(fingerprint(parts)); }

// RFC 3339 text of a time in nanoseconds since the Unix epoch.
inline std::string format_rfc3339_ns(std::int64_t unix_ns) {
  return format_rfc3339(std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(unix_ns))));
}

// True if `key` belongs on a page that lists `prefix` after `after` (the
// decoded cursor, empty for the first page). string_view compares bytes as
// unsigned, which is the byte-wise order storage.h promises.
inline bool in_list_window(std::string_view key, std::string_view prefix, std::string_view after) noexcept {
  return key.substr(0, prefix.size()) == prefix && (after.empty() || key > after);
}

}  // namespace nexus::sdk
