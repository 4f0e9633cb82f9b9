// retry — how AWS plugins retry a request: exponential backoff with full
// jitter ("Exponential Backoff And Jitter", AWS Architecture Blog), never
// past the call's deadline, stopping at once when the call is cancelled.
// What counts as retryable and how failures read is the service's business
// (S3 speaks XML, DynamoDB JSON), so the loop takes those as hooks.
#pragma once

#include <nexus/sdk/context.hpp>
#include <nexus/sdk/error.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <random>
#include <string>

#include "nexus_aws/http.hpp"

namespace nexus::plugins::aws {

// The n-th retry waits a uniformly random time in [0, min(cap, base * 2^n)],
// which spreads a burst of clients that failed together instead of making
// them retry in lock-step.
struct Backoff {
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds cap{20000};

  // Delay before retry number `retry` (0 for the first retry). [any-thread]
  std::chrono::milliseconds delay(int retry) const {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    const int shift = std::clamp(retry, 0, 30);
    const std::int64_t ceiling = std::min<std::int64_t>(cap.count(), base.count() << shift);
    std::uniform_int_distribution<std::int64_t> pick(0, std::max<std::int64_t>(ceiling, 0));
    return std::chrono::milliseconds(pick(rng));
  }
};

struct RetryPolicy {
  int max_attempts = 4;             // 1: no retry
  long attempt_timeout_ms = 30000;  // one HTTP exchange; the call's deadline, when sooner, wins
  Backoff backoff;
};

// What the loop asks the service.
struct RetryHooks {
  std::string operation;  // for messages: "GET 'a/b.wav'", "PutItem 'a/b.wav'"
  // Worth another try (5xx, throttling ...).
  std::function<bool(const http::Response&)> retryable;
  // The error for a response that is still retryable after the last attempt.
  std::function<sdk::Error(const http::Response&)> response_error;
  // The error for a request that got no answer after `attempts` attempts.
  std::function<sdk::Error(const http::TransportError&, int attempts)> transport_error;
};

// Runs `attempt(timeout_ms)` until it returns a response that is not
// retryable (returned, whatever its status), or attempts run out (throws the
// hook's error), or the call is cancelled (Error CANCELLED) or its deadline
// passes (Error DEADLINE_EXCEEDED). Transport errors that are not worth a
// retry (see is_retryable) end the loop at once. [any-thread]
http::Response send_with_retries(const sdk::CallContext* ctx, const RetryPolicy& policy, const RetryHooks& hooks,
                                 const std::function<http::Response(long timeout_ms)>& attempt);

// Worth another try: refused, reset, DNS, timeout, TLS handshake; not a
// cancellation.
bool is_retryable(const http::TransportError& e);

// Milliseconds left before the call's deadline (a large number without one).
long ms_left(const sdk::CallContext* ctx);

}  // namespace nexus::plugins::aws
