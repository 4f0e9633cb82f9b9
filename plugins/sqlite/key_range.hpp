// The key range a prefix listing scans: [prefix, prefix_upper_bound(prefix)).
// Header-only so the unit test can check the edge cases directly.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nexus::plugins::sqlite {

// The smallest byte string greater than every string that starts with
// `prefix`, or nullopt when there is none (empty prefix, or only 0xFF
// bytes): drop trailing 0xFF bytes, then increment the last byte. E.g.
// "a/b" → "a/c", "a\xFF" → "b", "\xFF\xFF" → none. Bytes compare unsigned,
// as SQLite's BINARY collation (memcmp) does.
inline std::optional<std::string> prefix_upper_bound(std::string_view prefix) {
  std::string bound(prefix);
  while (!bound.empty() && static_cast<unsigned char>(bound.back()) == 0xFF) bound.pop_back();
  if (bound.empty()) return std::nullopt;
  bound.back() = static_cast<char>(static_cast<unsigned char>(bound.back()) + 1);
  return bound;
}

}  // namespace nexus::plugins::sqlite
