// metrics/registry.cpp — see registry.hpp.
#include "metrics/registry.hpp"

#include "metrics/text_format.hpp"

namespace nexus::host::metrics {

void Histogram::write(std::string& out, const std::string& name, const std::string& labels) const {
  const std::string sep = labels.empty() ? "" : ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    cumulative += buckets[i];
    out += name + "_bucket{" + labels + sep + "le=\"" + format_value(kLatencyBuckets[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " + std::to_string(count) + "\n";
  out += name + "_sum" + (labels.empty() ? "" : "{" + labels + "}") + " " + format_value(sum) + "\n";
  out += name + "_count" + (labels.empty() ? "" : "{" + labels + "}") + " " + std::to_string(count) + "\n";
}

void CallMetrics::started(std::string_view instance, std::string_view op) {
  std::lock_guard lock(mutex_);
  auto key = std::make_pair(std::string(instance), std::string(op));
  ++series_[std::move(key)].in_flight;
}

void CallMetrics::finished(std::string_view instance, std::string_view op, nexus_status status, double seconds) {
  std::lock_guard lock(mutex_);
  Series& s = series_[std::make_pair(std::string(instance), std::string(op))];
  --s.in_flight;
  ++s.calls[status];
  s.latency.observe(seconds);
}

void CallMetrics::write(std::string& out) const {
  std::lock_guard lock(mutex_);
  out += "# HELP nexus_plugin_calls_total Plugin calls by instance, operation and status.\n"
         "# TYPE nexus_plugin_calls_total counter\n";
  for (const auto& [key, s] : series_) {
    for (const auto& [status, n] : s.calls) {
      out += "nexus_plugin_calls_total{" + label("instance", key.first) + "," + label("op", key.second) + "," +
             label("status", nexus_status_name(status)) + "} " + std::to_string(n) + "\n";
    }
  }
  out += "# HELP nexus_plugin_call_duration_seconds Plugin call latency.\n"
         "# TYPE nexus_plugin_call_duration_seconds histogram\n";
  for (const auto& [key, s] : series_) {
    s.latency.write(out, "nexus_plugin_call_duration_seconds", label("instance", key.first) + "," + label("op", key.second));
  }
  out += "# HELP nexus_plugin_calls_in_flight Plugin calls running now.\n"
         "# TYPE nexus_plugin_calls_in_flight gauge\n";
  for (const auto& [key, s] : series_) {
    out += "nexus_plugin_calls_in_flight{" + label("instance", key.first) + "," + label("op", key.second) + "} " +
           std::to_string(s.in_flight) + "\n";
  }
}

void HttpMetrics::record(std::string_view route, int code, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[std::make_pair(std::string(route), code)];
  auto it = latency_.find(route);
  if (it == latency_.end()) it = latency_.emplace(std::string(route), Histogram{}).first;
  it->second.observe(seconds);
}

void HttpMetrics::write(std::string& out) const {
  std::lock_guard lock(mutex_);
  out += "# HELP nexus_http_requests_total HTTP requests by route and status code.\n"
         "# TYPE nexus_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out += "nexus_http_requests_total{" + label("route", key.first) + "," + label("code", std::to_string(key.second)) +
           "} " + std::to_string(n) + "\n";
  }
  out += "# HELP nexus_http_request_duration_seconds HTTP request latency by route.\n"
         "# TYPE nexus_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) h.write(out, "nexus_http_request_duration_seconds", label("route", route));
}

namespace {
std::mutex sources_mutex;
std::map<std::string, SeriesSource>& sources() {
  static std::map<std::string, SeriesSource> s;
  return s;
}
}  // namespace

void register_source(const std::string& name, SeriesSource write) {
  std::lock_guard lock(sources_mutex);
  sources()[name] = std::move(write);
}

void unregister_source(const std::string& name) {
  std::lock_guard lock(sources_mutex);
  sources().erase(name);
}

void write_sources(std::string& out) {
  std::lock_guard lock(sources_mutex);
  for (const auto& [name, write] : sources()) write(out);
}

CallMetrics& call_metrics() {
  static CallMetrics m;
  return m;
}

HttpMetrics& http_metrics() {
  static HttpMetrics m;
  return m;
}

CallTimer::CallTimer(const std::string& instance, const char* op)
    : instance_(instance), op_(op), start_(std::chrono::steady_clock::now()) {
  call_metrics().started(instance_, op_);
}

CallTimer::~CallTimer() {
  try {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    call_metrics().finished(instance_, op_, status_, s);
  } catch (...) {
    // Metrics must never take a call down.
  }
}

}  // namespace nexus::host::metrics
