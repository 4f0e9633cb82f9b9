// s3_list_cursor — what a Nexus list cursor means to ListObjectsV2.
//
// Two kinds of cursor, both opaque to callers:
//   "s3c1:" + base64url(token)  S3's own NextContinuationToken, sent back as
//                               ContinuationToken. Used when the plugin
//                               returned the whole page S3 answered.
//   "v1:" + base64url(key)      the SDK's shared cursor (storage_util.hpp):
//                               the next page starts strictly after `key`,
//                               sent as StartAfter. Used when the plugin ends
//                               a page where S3 did not (or S3 gave no usable
//                               token), and accepted from clients holding one
//                               from before continuation tokens or from
//                               another backend.
// Both keep the storage contract: the next page starts after the last key
// S3 listed, so a key added behind the cursor is not seen and one ahead is.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nexus::plugins::s3 {

inline constexpr std::string_view kContinuationCursorTag = "s3c1:";

// Longest continuation token carried in a cursor. S3's tokens are a few
// hundred base64 characters; the cap keeps a forged cursor from making a
// request line of any size.
inline constexpr std::size_t kMaxContinuationTokenBytes = 4096;

struct ListCursor {
  enum class Kind { first_page, start_after, continuation };
  Kind kind = Kind::first_page;
  std::string value;  // the key (start_after) or the token (continuation)
};

// The cursor a client passed, decoded; Error(INVALID_ARGUMENT) with a
// message saying to pass next_cursor back unchanged when it is malformed.
ListCursor decode_list_cursor(std::string_view cursor);

// True when `token` can travel in a cursor and back as a query parameter:
// 1..kMaxContinuationTokenBytes printable ASCII characters.
bool is_usable_continuation_token(std::string_view token) noexcept;

// "s3c1:" + base64url(token); `token` must be usable.
std::string encode_continuation_cursor(std::string_view token);

}  // namespace nexus::plugins::s3
