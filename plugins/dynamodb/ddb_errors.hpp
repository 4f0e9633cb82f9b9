// ddb_errors — DynamoDB answers and transport failures as Nexus statuses,
// with messages that say what was wrong, where, and how to fix it. Never
// includes a secret or a request header.
#pragma once

#include <nexus/sdk/error.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include <nexus_aws/http.hpp>

namespace nexus::plugins::dynamodb {

// What a message needs to point at the right place.
struct ErrorScope {
  std::string operation;  // "PutItem 'a/b.wav'", "Query 'recordings/'"
  std::string table;
  std::string region;
  std::string endpoint;
  std::string credentials_source;  // "env AWS_ACCESS_KEY_ID", never the key itself
};

// One DynamoDB answer: HTTP status, the error type without its namespace
// ("ConditionalCheckFailedException"), the message, and the JSON body.
struct Answer {
  long status = 0;
  std::string type;
  std::string message;
  nlohmann::json body;
  bool ok() const noexcept { return status == 200; }
};
Answer parse_answer(const aws::http::Response& r);

// Worth another try: 5xx, throttling (ProvisionedThroughputExceededException,
// ThrottlingException, RequestLimitExceeded). Never another 4xx.
bool is_retryable(const Answer& a);

// The status and message for an answer the caller did not expect.
sdk::Error error_from_answer(const Answer& a, const ErrorScope& scope);
// The status and message for a request that got no answer.
sdk::Error error_from_transport(const aws::http::TransportError& e, const ErrorScope& scope, int attempts);

}  // namespace nexus::plugins::dynamodb
