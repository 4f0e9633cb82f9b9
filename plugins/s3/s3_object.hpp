// s3_object — how Nexus object info maps onto S3 headers and back:
// metadata as x-amz-meta-*, etags without quotes, HTTP dates as RFC 3339.
#pragma once

#include <nexus/sdk/storage.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "aws.hpp"

namespace nexus::plugins::s3 {

// x-amz-meta-<key> headers for `metadata`. HTTP header values cannot carry
// every UTF-8 string intact (non-ASCII, leading/trailing or repeated
// spaces, empty), so such values travel RFC 2047-encoded ("=?UTF-8?B?...?="), the
// form S3 itself uses for non-ASCII metadata; decode_metadata_value undoes it.
http::Headers metadata_headers(const sdk::Metadata& metadata);
std::string encode_metadata_value(std::string_view value);
std::string decode_metadata_value(std::string_view value);

// Object info from HEAD/GET response headers. `key` is the caller's key
// (without the instance prefix). For a 206 answer the size is the total
// from Content-Range.
sdk::ObjectInfo info_from_headers(std::string_view key, const http::Response& r);

// S3 etags are quoted ("\"abc\""); Nexus etags are opaque text without them.
std::string unquote_etag(std::string_view etag);
std::string quote_etag(std::string_view etag);

// "Wed, 21 Oct 2015 07:28:00 GMT" → "2015-10-21T07:28:00Z"; "" if unreadable.
std::string http_date_to_rfc3339(std::string_view date);
// "2015-10-21T07:28:00.000Z" → "2015-10-21T07:28:00Z".
std::string iso_to_rfc3339(std::string_view iso);

}  // namespace nexus::plugins::s3
