#include "nexus_aws/retry.hpp"

#include <optional>
#include <thread>

namespace nexus::plugins::aws {
namespace {

using Clock = std::chrono::system_clock;

// Sleeps `d` in short slices so a cancelled call stops waiting at once.
void sleep_unless_cancelled(const sdk::CallContext* ctx, std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    if (ctx && ctx->cancelled()) return;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(20), until - std::chrono::steady_clock::now()));
  }
}

}  // namespace

long ms_left(const sdk::CallContext* ctx) {
  if (!ctx) return 1L << 30;
  const auto deadline = ctx->deadline();
  if (deadline == Clock::time_point::max()) return 1L << 30;
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
}

bool is_retryable(const http::TransportError& e) {
  switch (e.code()) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

http::Response send_with_retries(const sdk::CallContext* ctx, const RetryPolicy& policy, const RetryHooks& hooks,
                                 const std::function<http::Response(long timeout_ms)>& attempt) {
  const std::string& op = hooks.operation;
  const int max_attempts = std::max(1, policy.max_attempts);
  for (int n = 1;; ++n) {
    if (ctx && ctx->cancelled()) {
      if (ctx->deadline_passed())
        throw sdk::deadline_exceeded(op + ": the call's deadline passed after " + std::to_string(n - 1) +
                                     " attempt(s)");
      throw sdk::cancelled(op + " was cancelled");
    }
    std::optional<http::Response> response;
    std::optional<http::TransportError> failure;
    try {
      response = attempt(std::min(policy.attempt_timeout_ms, ms_left(ctx)));
    } catch (const http::TransportError& e) {
      if (e.aborted() || !is_retryable(e)) {
        if (ctx && ctx->deadline_passed())
          throw sdk::deadline_exceeded(op + ": the call's deadline passed (" + e.what() + ")");
        throw hooks.transport_error(e, n);
      }
      failure = e;
    }
    if (response && !hooks.retryable(*response)) return *response;
    if (n >= max_attempts) {
      if (response) throw hooks.response_error(*response);
      if (ctx && ctx->deadline_passed())
        throw sdk::deadline_exceeded(op + ": the call's deadline passed (" + failure->what() + ")");
      throw hooks.transport_error(*failure, n);
    }
    const auto delay = policy.backoff.delay(n - 1);
    // Never sleep past the deadline: a retry that cannot finish in time
    // only delays the error the caller will get anyway.
    if (delay.count() + 1 >= ms_left(ctx)) {
      if (response) throw hooks.response_error(*response);
      throw hooks.transport_error(*failure, n);
    }
    sleep_unless_cancelled(ctx, delay);
  }
}

}  // namespace nexus::plugins::aws
