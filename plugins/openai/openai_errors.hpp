// openai_errors — the provider's answers and transport failures as Nexus
// statuses, with messages that carry OpenAI's own words and the HTTP
// status, say where the request went and how to fix it, and never contain
// the API key (every message passes through redact()).
#pragma once

#include <nexus/sdk/error.hpp>

#include <string>
#include <string_view>

#include "http_client.hpp"

namespace nexus::plugins::openai {

// {"error": {"message", "type", "param", "code"}}; fields absent or null
// are empty. `message` is cut to a sane length.
struct OpenAiError {
  std::string message;
  std::string type;
  std::string param;
  std::string code;
};
OpenAiError parse_error_body(std::string_view body);

// `text` with every occurrence of `secret` replaced by "***". Compatible
// servers are not all careful: some echo the key they were sent.
std::string redact(std::string text, std::string_view secret);

// Where a failed request went, for messages.
struct ErrorScope {
  std::string endpoint;  // "POST https://api.openai.com/v1/audio/transcriptions"
  std::string model;
  std::string api_key;  // only to redact it
  int attempts = 1;
};

// The status and message for a non-2xx answer that will not be retried
// (any more). Mapping (docs/transcription.md):
//   400, 404, 415, 422, other 4xx   INVALID_ARGUMENT (404: unknown model or wrong path)
//   401                             UNAUTHENTICATED
//   403                             PERMISSION_DENIED
//   413, 429 insufficient_quota     RESOURCE_EXHAUSTED
//   408, 429, 5xx                   UNAVAILABLE
//   3xx                             FAILED_PRECONDITION (redirects are not followed)
sdk::Error error_from_response(const http::Response& r, const ErrorScope& scope);

// The status and message for a request that got no answer: UNAVAILABLE,
// DEADLINE_EXCEEDED for a timeout, CANCELLED for an aborted transfer.
sdk::Error error_from_transport(const http::TransportError& e, const ErrorScope& scope);

}  // namespace nexus::plugins::openai
