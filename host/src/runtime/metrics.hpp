// runtime/metrics.hpp — metrics reported by plugins through nexus_host,
// and the host's own counters. Kept as plain values here; the Prometheus
// exposition (GET /metrics) reads snapshot(). Malformed names or labels
// from a plugin are dropped, never fatal.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace nexus::host {

enum class MetricKind { counter, gauge, histogram };

struct MetricSample {
  MetricKind kind;
  std::string name;    // "nexus_plugin_<name>"
  std::string labels;  // Prometheus label text: instance="x",k="v"
  double value = 0;    // counter/gauge value; histogram: sum
  std::uint64_t count = 0;  // histogram observations
};

class PluginMetrics {
 public:
  void record(MetricKind kind, std::string_view instance, std::string_view name, std::string_view labels_json,
              double value) noexcept;
  std::vector<MetricSample> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string>, MetricSample> samples_;
};

PluginMetrics& plugin_metrics();

// Counters about the host itself (names without the plugin prefix).
class HostMetrics {
 public:
  // One Runtime::reload: ok (swapped in) or error (running set unchanged).
  void record_reload(bool ok) noexcept;
  // nexus_reloads_total{outcome="ok"} and {outcome="error"}, both always
  // present (0 before the first reload).
  std::vector<MetricSample> snapshot() const;

 private:
  std::atomic<std::uint64_t> reloads_ok_{0};
  std::atomic<std::uint64_t> reloads_error_{0};
};

HostMetrics& host_metrics();

}  // namespace nexus::host
