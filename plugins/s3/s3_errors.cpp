#include "s3_errors.hpp"

#include <chrono>

#include "s3_object.hpp"
#include "xml.hpp"

namespace nexus::plugins::s3 {
namespace {

// S3 refuses a request whose x-amz-date is more than 15 minutes off its
// clock (RequestTimeTooSkewed).
constexpr std::chrono::minutes kMaxSkew{15};

// True when the answer's Date header (the server's clock) is further from
// this machine's clock than S3 tolerates.
bool server_clock_is_skewed(const http::Response& r) {
  const auto date = r.header("date");
  if (!date) return false;
  const auto server = aws::parse_iso8601(http_date_to_rfc3339(*date));
  if (!server) return false;
  const auto now = std::chrono::system_clock::now();
  return (*server > now ? *server - now : now - *server) > kMaxSkew;
}

std::string clock_skew_message(const std::string& operation, const std::string& detail) {
  return "clock skew: S3 refused " + operation + " because this machine's clock differs too much from the server's (" + detail +
         "); synchronise the clock (NTP)";
}

std::string where(const ErrorScope& s) {
  return "bucket '" + s.bucket + "' (region " + s.region + ", endpoint " + s.endpoint + ")";
}

std::string detail(const S3ErrorBody& b, long status) {
  std::string d = "HTTP " + std::to_string(status);
  if (!b.code.empty()) d += " " + b.code;
  if (!b.message.empty()) d += ": " + b.message;
  return d;
}

}  // namespace

S3ErrorBody parse_error_body(const http::Response& r) {
  S3ErrorBody b;
  if (auto code = xml::text(r.body, "Code")) b.code = *code;
  if (auto msg = xml::text(r.body, "Message")) b.message = *msg;
  // Some gateways put the code in a header on body-less (HEAD) answers.
  if (b.code.empty())
    if (auto h = r.header("x-amz-error-code")) b.code = *h;
  return b;
}

bool is_retryable(const http::Response& r) {
  if (r.status >= 500 || r.status == 429) return true;
  if (r.status == 400) return parse_error_body(r).code == "RequestTimeout";
  return false;
}

sdk::Error error_from_transport(const http::TransportError& e, const ErrorScope& s, int attempts) {
  if (e.aborted()) return sdk::cancelled(s.operation + " was cancelled");
  return sdk::unavailable(s.operation + " on " + where(s) + " got no answer after " + std::to_string(attempts) +
                          (attempts == 1 ? " attempt: " : " attempts: ") + e.what() + "; check that the endpoint is reachable");
}

sdk::Error error_from_response(const http::Response& r, const ErrorScope& s) {
  const S3ErrorBody b = parse_error_body(r);
  const std::string d = detail(b, r.status);
  const std::string& code = b.code;
  if (code == "NoSuchBucket" || (code.empty() && r.status == 404 && s.operation == "HEAD bucket"))
    return sdk::failed_precondition("bucket '" + s.bucket + "' does not exist (region " + s.region + ", endpoint " + s.endpoint +
                                    "); create it or fix config.bucket / config.region");
  if (code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || code == "InvalidToken" || code == "ExpiredToken" ||
      code == "TokenRefreshRequired" || r.status == 401)
    return sdk::Error(NEXUS_UNAUTHENTICATED, s.operation + " on " + where(s) + " was refused: " + d + ". The credentials came from " +
                                s.credentials_source +
                                "; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or config.access_key_id / secret_access_key, "
                                "AWS_PROFILE) and, for temporary keys, AWS_SESSION_TOKEN");
  if (code == "RequestTimeTooSkewed") return sdk::failed_precondition(clock_skew_message(s.operation, d));
  // A HEAD answer has no body, so its 403 carries no code: the server's Date
  // header tells a skewed clock from missing permissions.
  if (r.status == 403 && code.empty() && server_clock_is_skewed(r))
    return sdk::failed_precondition(clock_skew_message(s.operation, d + ", server time " + r.header("date").value_or("")));
  if (code == "AccessDenied" || code == "AllAccessDisabled" || (r.status == 403 && code.empty()))
    return sdk::permission_denied(s.operation + " on " + where(s) + " was denied: " + d + ". The identity from " +
                                  s.credentials_source + " lacks the S3 permission for it; grant it in the IAM or bucket policy");
  if (code == "EntityTooLarge" || code == "MaxMessageLengthExceeded")
    return sdk::resource_exhausted(s.operation + ": the object is too large for S3 (" + d + ")");
  if (code == "MetadataTooLarge")
    return sdk::invalid_argument(s.operation + ": S3 keeps at most 2 KB of user metadata per object (" + d + "); store less metadata");
  if (code == "NoSuchKey" || r.status == 404) return sdk::not_found(s.operation + ": no such object in " + where(s));
  if (code == "PreconditionFailed" || r.status == 412)
    return sdk::failed_precondition(s.operation + ": the object changed (" + d + "); read it again and retry");
  if (code == "InvalidRange" || r.status == 416) return sdk::out_of_range(s.operation + ": " + d);
  if (r.status >= 500 || r.status == 429 || code == "SlowDown")
    return sdk::unavailable(s.operation + " on " + where(s) + " kept failing (" + d + ") after the configured retries (max_retries); retry later");
  if (r.status >= 400 && r.status < 500)
    return sdk::invalid_argument(s.operation + " on " + where(s) + " was rejected: " + d);
  return sdk::internal(s.operation + " on " + where(s) + " got an unexpected answer: " + d);
}

}  // namespace nexus::plugins::s3
