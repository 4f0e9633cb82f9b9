// http/range.hpp — the Range request header (RFC 9110 §14.2), single byte
// ranges only. Anything the server may ignore is ignored (the reply is then
// a plain 200): another unit, a malformed spec, several ranges.
#pragma once

#include <nexus/storage.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nexus::host::http {

enum class RangeKind {
  none,           // no Range header, or one to ignore
  single,         // `range` holds it, in nexus_byte_range terms
  unsatisfiable,  // "bytes=-0": selects no byte of any object → 416
};

struct ParsedRange {
  RangeKind kind = RangeKind::none;
  nexus_byte_range range{sizeof(nexus_byte_range), 0, -1};
};

ParsedRange parse_range_header(std::optional<std::string_view> header);

// "bytes FIRST-LAST/SIZE" for a 206 whose body has `body_size` bytes.
std::string content_range(const nexus_byte_range& requested, std::uint64_t object_size, std::uint64_t body_size);

}  // namespace nexus::host::http
