// http/object_headers.hpp — storage object info (storage.h JSON) to and
// from HTTP headers: Content-Type, ETag, Last-Modified, x-nexus-meta-*.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "http/exchange.hpp"

namespace nexus::host::http {

inline constexpr std::string_view kMetaHeaderPrefix = "x-nexus-meta-";

struct ObjectInfo {
  std::uint64_t size = 0;
  std::string content_type, etag, last_modified;
  std::vector<std::pair<std::string, std::string>> metadata;
};

// nullopt when `json` is not an object info (a plugin bug).
std::optional<ObjectInfo> parse_object_info(std::string_view json);

// Adds Content-Type, ETag (quoted), Last-Modified (HTTP-date),
// x-nexus-meta-<name> and Accept-Ranges. A value that could not be sent
// safely (control characters: header injection) is left out.
void add_object_headers(Reply& reply, const ObjectInfo& info);

// The metadata JSON for a put from x-nexus-meta-<name> request headers
// ("" when there are none), or a 400 naming the bad header.
std::variant<std::string, Reply> metadata_from_headers(const HttpRequest& request);

// "Fri, 02 Jan 2026 03:04:05 GMT" from "2026-01-02T03:04:05Z" (fractions
// and offsets allowed); "" when it cannot be read.
std::string http_date_from_rfc3339(std::string_view text);

// `"etag"` for a header, or nullopt when the etag cannot be quoted.
std::optional<std::string> quoted_etag(std::string_view etag);
// The opaque etag from an If-Match value: quotes and a W/ prefix removed.
std::string unquote_etag(std::string_view value);

// True when `value` can be sent as a header value as is.
bool is_safe_header_value(std::string_view value);

}  // namespace nexus::host::http
