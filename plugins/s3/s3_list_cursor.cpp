#include "s3_list_cursor.hpp"

#include <nexus/sdk/storage_util.hpp>

namespace nexus::plugins::s3 {
namespace {

sdk::Error malformed(std::string_view why) {
  return sdk::invalid_argument("list cursor is malformed (" + std::string(why) +
                               "); pass back the next_cursor of the previous page unchanged, or no cursor to start over");
}

bool starts_with(std::string_view s, std::string_view tag) { return s.substr(0, tag.size()) == tag; }

}  // namespace

bool is_usable_continuation_token(std::string_view token) noexcept {
  if (token.empty() || token.size() > kMaxContinuationTokenBytes) return false;
  for (const char c : token)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

std::string encode_continuation_cursor(std::string_view token) {
  return std::string(kContinuationCursorTag) + sdk::base64url_encode(token);
}

ListCursor decode_list_cursor(std::string_view cursor) {
  ListCursor out;
  if (cursor.empty()) return out;
  if (starts_with(cursor, kContinuationCursorTag)) {
    const std::string_view encoded = cursor.substr(kContinuationCursorTag.size());
    // Checked before decoding, so a huge forged cursor costs nothing.
    if (encoded.size() > (kMaxContinuationTokenBytes * 4 + 2) / 3) throw malformed("continuation token too long");
    if (!sdk::base64url_decode(encoded, out.value)) throw malformed("continuation token is not base64url");
    if (!is_usable_continuation_token(out.value)) throw malformed("not a continuation token S3 could have sent");
    out.kind = ListCursor::Kind::continuation;
    return out;
  }
  // The shared "v1:" format. Unlike sdk::decode_cursor this does not insist
  // on a valid Nexus key: a page may end on an object another tool wrote
  // under a name Nexus would refuse (those are skipped, not shown).
  if (!starts_with(cursor, "v1:")) throw malformed("unknown version tag");
  if (!sdk::base64url_decode(cursor.substr(3), out.value)) throw malformed("not base64url");
  if (out.value.empty() || out.value.size() > NEXUS_STORAGE_MAX_KEY_BYTES || out.value.find('\0') != std::string::npos)
    throw malformed("it does not name a key");
  out.kind = ListCursor::Kind::start_after;
  return out;
}

}  // namespace nexus::plugins::s3
