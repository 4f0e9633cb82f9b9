// ddb_client — one DynamoDB JSON-protocol operation: the body as
// application/x-amz-json-1.0 with X-Amz-Target DynamoDB_20120810.<Op>,
// signed with SigV4 (service "dynamodb"), sent on the instance's pool, and
// retried (throttling, 5xx, connection errors) within the call's deadline.
#pragma once

#include <nexus/sdk/context.hpp>

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <nexus_aws/credentials.hpp>
#include <nexus_aws/http.hpp>

#include "ddb_config.hpp"
#include "ddb_errors.hpp"

namespace nexus::plugins::dynamodb {

struct SendOptions {
  bool retry = true;    // false: one attempt (health checks)
  long timeout_ms = 0;  // 0: the instance's timeout_ms
};

// [any-thread]
class DdbClient {
 public:
  DdbClient(const DdbConfig& config, aws::CredentialProvider& credentials, aws::http::Pool& pool) noexcept
      : config_(config), credentials_(credentials), pool_(pool) {}

  // Sends operation `op` ("PutItem") with `request`; `what` names it in
  // messages ("PutItem 'a/b.wav'"). Returns the final answer whatever it
  // says, unless it is still retryable after the last attempt (throws
  // Error UNAVAILABLE); throws on transport failures, cancellation and
  // deadline. The table name is added to `request` here.
  Answer send(const sdk::CallContext* ctx, std::string_view op, nlohmann::json request, const std::string& what,
              SendOptions options = {}) const;
  // send() for callers that expect success: the answer's body, or the
  // mapped error.
  nlohmann::json call(const sdk::CallContext* ctx, std::string_view op, nlohmann::json request, const std::string& what,
                      SendOptions options = {}) const;

  sdk::Error error(const Answer& a, const std::string& what) const { return error_from_answer(a, scope(what)); }
  ErrorScope scope(const std::string& what) const;

 private:
  aws::http::Response attempt(const sdk::CallContext* ctx, std::string_view op, const std::string& body,
                              long timeout_ms) const;

  const DdbConfig& config_;
  aws::CredentialProvider& credentials_;
  aws::http::Pool& pool_;
};

}  // namespace nexus::plugins::dynamodb
