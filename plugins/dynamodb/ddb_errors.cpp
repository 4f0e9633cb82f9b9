#include "ddb_errors.hpp"

namespace nexus::plugins::dynamodb {
namespace {

std::string where(const ErrorScope& s) {
  return "table '" + s.table + "' (region " + s.region + ", endpoint " + s.endpoint + ")";
}

std::string detail(const Answer& a) {
  std::string d = "HTTP " + std::to_string(a.status);
  if (!a.type.empty()) d += " " + a.type;
  if (!a.message.empty()) d += ": " + a.message;
  return d;
}

}  // namespace

Answer parse_answer(const aws::http::Response& r) {
  Answer a;
  a.status = r.status;
  a.body = nlohmann::json::parse(r.body, nullptr, false);
  if (a.body.is_discarded()) a.body = nlohmann::json::object();
  if (a.ok() || !a.body.is_object()) return a;
  // "__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
  if (const auto t = a.body.find("__type"); t != a.body.end() && t->is_string()) {
    const std::string full = t->get<std::string>();
    a.type = full.substr(full.find('#') == std::string::npos ? 0 : full.find('#') + 1);
  }
  for (const char* field : {"message", "Message"})
    if (const auto m = a.body.find(field); m != a.body.end() && m->is_string()) a.message = m->get<std::string>();
  return a;
}

bool is_retryable(const Answer& a) {
  if (a.status >= 500) return true;
  return a.type == "ProvisionedThroughputExceededException" || a.type == "ThrottlingException" ||
         a.type == "RequestLimitExceeded";
}

sdk::Error error_from_transport(const aws::http::TransportError& e, const ErrorScope& s, int attempts) {
  if (e.aborted()) return sdk::cancelled(s.operation + " was cancelled");
  return sdk::unavailable(
      s.operation + " on " + where(s) + " got no answer after " + std::to_string(attempts) +
      (attempts == 1 ? " attempt: " : " attempts: ") + e.what() +
      "; check that the endpoint is reachable (config.endpoint, AWS_ENDPOINT_URL) and the region is right");
}

sdk::Error error_from_answer(const Answer& a, const ErrorScope& s) {
  const std::string d = detail(a);
  const std::string& t = a.type;
  if (t == "ResourceNotFoundException")
    return sdk::failed_precondition(
        "table '" + s.table + "' does not exist (region " + s.region + ", endpoint " + s.endpoint +
        "): " + s.operation + " answered " + d +
        ". Create the table (partition and sort key of type S), fix config.table / config.region, or set "
        "config.create_table to true for development");
  if (t == "UnrecognizedClientException" || t == "InvalidSignatureException" ||
      t == "MissingAuthenticationTokenException" || t == "IncompleteSignatureException" ||
      t == "ExpiredTokenException" || t == "InvalidClientTokenId" || a.status == 401)
    return sdk::unauthenticated(
        s.operation + " on " + where(s) + " was refused: " + d + ". The credentials came from " + s.credentials_source +
        "; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or config.access_key_id / secret_access_key, "
        "AWS_PROFILE) and, for temporary keys, AWS_SESSION_TOKEN, and that the region is right");
  if (t == "AccessDeniedException" || a.status == 403)
    return sdk::permission_denied(s.operation + " on " + where(s) + " was denied: " + d + ". The identity from " +
                                  s.credentials_source +
                                  " lacks the DynamoDB permission for it; grant it in the IAM policy");
  if (t == "ValidationException" && a.message.find("Item size") != std::string::npos)
    return sdk::resource_exhausted(s.operation + ": the item is larger than DynamoDB's 400 KB limit (" + d + ")");
  if (t == "ValidationException")
    return sdk::invalid_argument(
        s.operation + " on " + where(s) + " was rejected as invalid: " + d +
        ". If the table was not made by this plugin, check that its key attributes match config.partition_key / "
        "config.sort_key and are of type S");
  if (t == "ConditionalCheckFailedException")
    return sdk::failed_precondition(s.operation + ": the item changed (" + d + "); read it again and retry");
  if (is_retryable(a))
    return sdk::unavailable(s.operation + " on " + where(s) + " kept failing (" + d +
                            ") after the configured retries (max_retries); retry later");
  if (a.status >= 400 && a.status < 500)
    return sdk::invalid_argument(s.operation + " on " + where(s) + " was rejected: " + d);
  return sdk::internal(s.operation + " on " + where(s) + " got an unexpected answer: " + d);
}

}  // namespace nexus::plugins::dynamodb
