// metrics/histogram.hpp — a fixed-bucket latency histogram in the
// Prometheus shape (cumulative buckets, sum, count). Not thread-safe on its
// own: owners guard it.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace nexus::host::metrics {

// Seconds: 100 µs to 60 s, roughly ×2.5 apart — plugin calls range from a
// map lookup to a long transcription.
inline constexpr std::array<double, 14> kLatencyBuckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                         0.025,  0.05,    0.1,    0.25,  1.0,    10.0,  60.0};

struct Histogram {
  std::array<std::uint64_t, kLatencyBuckets.size()> buckets{};  // not cumulative; summed when written
  double sum = 0;
  std::uint64_t count = 0;

  void observe(double seconds) noexcept {
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      if (seconds <= kLatencyBuckets[i]) {
        ++buckets[i];
        break;
      }
    }
    sum += seconds;
    ++count;
  }
  // Appends NAME_bucket{labels,le=...}, NAME_sum, NAME_count lines.
  void write(std::string& out, const std::string& name, const std::string& labels) const;
};

}  // namespace nexus::host::metrics
