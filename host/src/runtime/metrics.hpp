// runtime/metrics.hpp — metrics reported by plugins through nexus_host.
// Kept as plain values here; the Prometheus exposition (GET /metrics) reads
// snapshot(). Malformed names or labels are dropped, never fatal.
#pragma once

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

}  // namespace nexus::host
