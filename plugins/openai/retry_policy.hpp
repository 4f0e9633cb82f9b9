// retry_policy — when to try a transcription request again and how long to
// wait first. Retried: 408, 429 (except insufficient_quota, which waiting
// does not fix), 5xx, and answers that never came (refused, reset,
// timeout). The wait is the server's Retry-After when it sends one, else
// exponential backoff with full jitter ("Exponential Backoff And Jitter",
// AWS Architecture Blog): a uniformly random time in
// [0, min(cap, base * 2^n)], so clients that failed together do not retry
// in lock-step.
#pragma once

#include <chrono>
#include <optional>

#include "http_client.hpp"

namespace nexus::plugins::openai {

struct Backoff {
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds cap{8000};
  // Delay before retry number `retry` (0 for the first). [any-thread]
  std::chrono::milliseconds delay(int retry) const;
};

// A Retry-After longer than this is not waited for: the call fails with
// the server's answer and the caller decides.
inline constexpr std::chrono::milliseconds kMaxRetryAfter{60000};

// The wait the server asked for: "retry-after-ms" (OpenAI's, milliseconds),
// else "Retry-After" as delta-seconds or an HTTP date (RFC 9110 10.2.3),
// measured from `now`. nullopt when absent or unreadable; a date in the
// past is zero.
std::optional<std::chrono::milliseconds> retry_after(const http::Response& r,
                                                     std::chrono::system_clock::time_point now);

// True for statuses worth another attempt (see above). `error_code` is the
// "code" of OpenAI's error body, if any.
bool is_retryable_status(long status, const std::string& error_code);

}  // namespace nexus::plugins::openai
