// retry — exponential backoff with full jitter ("Exponential Backoff And
// Jitter", AWS Architecture Blog): the n-th retry waits a uniformly random
// time in [0, min(cap, base * 2^n)], which spreads a burst of clients that
// failed together instead of making them retry in lock-step.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

namespace nexus::plugins::s3 {

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

}  // namespace nexus::plugins::s3
