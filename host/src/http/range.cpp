// http/range.cpp — see range.hpp.
#include "http/range.hpp"

#include <algorithm>
#include <cctype>

namespace nexus::host::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Non-negative decimal that fits an int64 (18 digits keep it simple);
// nullopt otherwise.
std::optional<std::int64_t> parse_count(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

}  // namespace

ParsedRange parse_range_header(std::optional<std::string_view> header) {
  ParsedRange out;
  if (!header) return out;
  std::string_view h = trim(*header);
  if (!iequals_prefix(h, "bytes=")) return out;  // another unit: ignore
  h = trim(h.substr(6));
  if (h.find(',') != std::string_view::npos) return out;  // several ranges: a full 200 is allowed
  const std::size_t dash = h.find('-');
  if (dash == std::string_view::npos) return out;
  const std::string_view a = trim(h.substr(0, dash));
  const std::string_view b = trim(h.substr(dash + 1));
  if (a.empty()) {  // "-N": the last N bytes
    const auto n = parse_count(b);
    if (!n) return out;
    if (*n == 0) {
      out.kind = RangeKind::unsatisfiable;
      return out;
    }
    out.kind = RangeKind::single;
    out.range.first = -*n;
    out.range.last = -1;
    return out;
  }
  const auto first = parse_count(a);
  if (!first) return out;
  if (b.empty()) {  // "A-": from A to the end
    out.kind = RangeKind::single;
    out.range.first = *first;
    out.range.last = -1;
    return out;
  }
  const auto last = parse_count(b);
  if (!last || *last < *first) return out;  // invalid spec: ignore
  out.kind = RangeKind::single;
  out.range.first = *first;
  out.range.last = *last;
  return out;
}

std::string content_range(const nexus_byte_range& requested, std::uint64_t object_size, std::uint64_t body_size) {
  std::uint64_t first = 0;
  if (requested.first >= 0) {
    first = static_cast<std::uint64_t>(requested.first);
  } else {
    const auto n = static_cast<std::uint64_t>(-requested.first);
    first = n >= object_size ? 0 : object_size - n;
  }
  const std::uint64_t last = body_size == 0 ? first : first + body_size - 1;
  return "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" + std::to_string(object_size);
}

}  // namespace nexus::host::http
