// s3_errors — S3 answers and transport failures as Nexus statuses, with
// messages that say what was wrong, where, and how to fix it. Never
// includes a secret or a request header.
#pragma once

#include <nexus/sdk/error.hpp>

#include <string>

#include "aws.hpp"

namespace nexus::plugins::s3 {

// What a message needs to point at the right place.
struct ErrorScope {
  std::string operation;  // "GET 'a/b.wav'", "list 'p/'", "HEAD bucket"
  std::string bucket;
  std::string region;
  std::string endpoint;
  std::string credentials_source;  // "env AWS_ACCESS_KEY_ID", never the key itself
};

// <Error><Code>..</Code><Message>..</Message></Error>, or empty fields for
// a body-less answer (HEAD).
struct S3ErrorBody {
  std::string code;
  std::string message;
};
S3ErrorBody parse_error_body(const http::Response& r);

// The status and message for a non-2xx answer (after retries, if any).
sdk::Error error_from_response(const http::Response& r, const ErrorScope& scope);
// The status and message for a request that got no answer.
sdk::Error error_from_transport(const http::TransportError& e, const ErrorScope& scope, int attempts);

// Worth another try: 5xx, 429, S3's 400 RequestTimeout.
bool is_retryable(const http::Response& r);

}  // namespace nexus::plugins::s3
