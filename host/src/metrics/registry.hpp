// metrics/registry.hpp — the host's own metrics: every plugin call (by
// instance, operation and status, with latency and in-flight count) and
// every HTTP request (by route and code). Recorded on the hot path under a
// short lock; written out by exposition.cpp for GET /metrics.
#pragma once

#include <nexus/status.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "metrics/histogram.hpp"

namespace nexus::host::metrics {

class CallMetrics {
 public:
  void started(std::string_view instance, std::string_view op);
  void finished(std::string_view instance, std::string_view op, nexus_status status, double seconds);
  void write(std::string& out) const;  // Prometheus text

 private:
  struct Series {
    std::int64_t in_flight = 0;
    std::map<nexus_status, std::uint64_t> calls;
    Histogram latency;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Series, std::less<>> series_;
};

class HttpMetrics {
 public:
  void record(std::string_view route, int code, double seconds);
  void write(std::string& out) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram, std::less<>> latency_;
};

CallMetrics& call_metrics();
HttpMetrics& http_metrics();

// Series computed at scrape time by a part of the host that owns the state
// (the HTTP worker pool): `write` appends complete families. Registered
// under a name; registering the name again replaces it.
using SeriesSource = std::function<void(std::string& out)>;
void register_source(const std::string& name, SeriesSource write);
void unregister_source(const std::string& name);
void write_sources(std::string& out);

// Times one plugin call: started() now, finished() with the status given
// to done() (INTERNAL if the scope ends without one — an exception).
class CallTimer {
 public:
  CallTimer(const std::string& instance, const char* op);
  ~CallTimer();
  CallTimer(const CallTimer&) = delete;
  CallTimer& operator=(const CallTimer&) = delete;
  void done(nexus_status status) noexcept { status_ = status; }

 private:
  const std::string& instance_;
  const char* op_;
  nexus_status status_ = NEXUS_INTERNAL;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace nexus::host::metrics
