// sigv4 — AWS Signature Version 4 for HTTP requests (header form).
//
// One job: turn a request description into the canonical request, the
// string to sign and the Authorization header, exactly as AWS computes
// them. Proven against the published AWS test suite and against
// @smithy/signature-v4 on generated requests (tests/unit/sigv4_test.cpp).
// Presigned URLs are not provided.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nexus::plugins::aws::sigv4 {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// Hex SHA-256 of the empty string: the payload hash of a body-less request.
inline constexpr std::string_view kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
};

struct Request {
  std::string method;  // "GET"
  // The path NOT percent-encoded ("/bucket/a b+c.txt"): the signer encodes
  // it, so the wire path and the signed path cannot drift apart. Build the
  // URL with uri_encode_path() of the same string.
  std::string path;
  Pairs query;    // decoded names and values, any order, duplicates allowed
  Pairs headers;  // as sent; must contain Host. Names in any case.
  // Hex SHA-256 of the body, or kUnsignedPayload. Empty means: the body is
  // empty (kEmptySha256).
  std::string payload_hash;
};

struct Options {
  std::string region;   // "us-east-1"
  std::string service;  // "s3"
  // S3 signs the path as sent: encoded once, never normalised ("a//b/../c"
  // is a valid key). Every other service normalises the path (drops empty
  // and "." segments, resolves "..") and encodes it twice.
  bool s3_path_rules = true;
  // Add x-amz-content-sha256 with the payload hash (S3 requires it).
  bool add_content_sha256 = true;
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // hex
  std::string authorization;  // value of the Authorization header
  // Headers the caller must send in addition to Request::headers:
  // x-amz-date, x-amz-security-token (when a session token is set),
  // x-amz-content-sha256 (when asked), then authorization. Never log them:
  // the last two are secrets.
  Pairs added_headers;
};

// Signs `request` at `amz_date` ("20150830T123600Z", UTC). An x-amz-date
// (or x-amz-security-token) header in the request is replaced by the one
// the signer adds, so the signed value and the sent value are one value.
Signature sign(const Request& request, const Credentials& credentials, const Options& options,
               std::string_view amz_date);

// The pieces, exposed for tests and diagnostics.
std::string canonical_request(const Request& request, const Options& options, std::string* signed_headers = nullptr);
std::string string_to_sign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request);
std::string signing_key(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service);

// RFC 3986 percent-encoding as AWS specifies it: A-Z a-z 0-9 - . _ ~ stay,
// every other byte becomes %XX (upper-case hex); '/' stays only when
// `keep_slash` (paths), never in query names and values.
std::string uri_encode(std::string_view bytes, bool keep_slash);
inline std::string uri_encode_path(std::string_view path) {
  return uri_encode(path, true);
}
// Canonical query string: names and values encoded, sorted by encoded
// name, then by encoded value; "name=" for an empty value.
std::string canonical_query(const Pairs& query);
// The same string is a valid URL query ('&'-joined), so URLs use it too.

// Hashing helpers (OpenSSL EVP / HMAC).
std::string sha256_hex(std::span<const std::uint8_t> bytes);
std::string sha256_hex(std::string_view text);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string to_hex(std::string_view bytes);

// "20150830T123600Z" for a Unix time in seconds.
std::string amz_date_of(std::int64_t unix_seconds);

}  // namespace nexus::plugins::aws::sigv4
