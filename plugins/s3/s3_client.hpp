// s3_client — one signed S3 request with retries: builds the URL
// (path-style or virtual-host style), signs it with SigV4, sends it on the
// instance's connection pool, and retries what is worth retrying within
// the call's deadline.
#pragma once

#include <nexus/sdk/context.hpp>

#include <span>
#include <string>

#include "aws.hpp"
#include "s3_config.hpp"
#include "s3_errors.hpp"

namespace nexus::plugins::s3 {

struct S3Call {
  std::string method = "GET";
  std::string object_key;  // full key in the bucket (instance prefix included); empty: the bucket itself
  sigv4::Pairs query;      // decoded
  http::Headers headers;   // extra headers (content-type, range, x-amz-meta-*, if-match ...)
  std::span<const std::uint8_t> body;
  bool retry = true;       // false: one attempt (health checks)
  long timeout_ms = 0;     // 0: the instance's timeout_ms
};

// [any-thread]
class S3Client {
 public:
  S3Client(const S3Config& config, CredentialProvider& credentials, http::Pool& pool) noexcept
      : config_(config), credentials_(credentials), pool_(pool) {}

  // Sends `call`, retrying 5xx / 429 / connection errors with backoff up to
  // config.max_retries times and never past the call's deadline
  // (aws::send_with_retries). Returns
  // the final response whatever its status, unless it is still retryable
  // after the last attempt (then throws Error(UNAVAILABLE)); throws on
  // transport failures, cancellation and deadline.
  http::Response send(const sdk::CallContext* ctx, const S3Call& call, const std::string& operation) const;

  // Error for a response the caller did not expect.
  sdk::Error error(const http::Response& r, const std::string& operation) const {
    return error_from_response(r, scope(operation));
  }
  ErrorScope scope(const std::string& operation) const;
  const S3Config& config() const noexcept { return config_; }

 private:
  http::Response attempt(const sdk::CallContext* ctx, const S3Call& call, const std::string& payload_hash, long timeout_ms) const;

  const S3Config& config_;
  CredentialProvider& credentials_;
  http::Pool& pool_;
};

}  // namespace nexus::plugins::s3
