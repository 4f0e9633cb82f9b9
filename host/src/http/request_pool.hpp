// http/request_pool.hpp — where requests run: between min and max worker
// threads (more started under load, the extra ones retired after idling),
// a bounded queue in front of them (full: the caller answers 503 +
// Retry-After), and a watchdog that enforces each task's deadline.
//
// A task that overruns its deadline gets its `overrun` callback at once (the
// request is answered deadline_exceeded) and its worker is written off: the
// pool stops counting it, starts a replacement if work is waiting, and the
// thread ends by itself whenever the stuck call returns — if ever. Threads
// share the pool's state by shared_ptr, so a written-off thread outliving
// the pool touches nothing freed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace nexus::host::http {

class RequestPool {
 public:
  struct Limits {
    unsigned min_workers = 2;
    unsigned max_workers = 16;
    unsigned queue_limit = 64;  // tasks waiting for a worker
    std::chrono::milliseconds idle_retire{30000};
  };

  struct Task {
    std::function<void()> run;      // on a worker thread
    std::function<void()> overrun;  // on the watchdog thread, at most once, if run has not returned by `deadline`
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  };

  struct Stats {
    unsigned workers = 0;  // counted threads (written-off ones excluded)
    unsigned busy = 0;
    std::size_t queued = 0;
    std::uint64_t rejected_total = 0;
    std::uint64_t written_off_total = 0;
    unsigned written_off_running = 0;  // written-off threads still inside their call
  };

  explicit RequestPool(Limits limits);
  // Runs what is queued, joins the counted workers; written-off threads are
  // left to end on their own.
  ~RequestPool();
  RequestPool(const RequestPool&) = delete;
  RequestPool& operator=(const RequestPool&) = delete;

  // False when the queue is full (or the pool is stopping): not queued.
  bool submit(Task task);
  Stats stats() const;

  struct Shared;  // defined in request_pool.cpp

 private:
  std::shared_ptr<Shared> shared_;
};

// nexus_http_workers{state}, nexus_http_queue_depth,
// nexus_http_rejected_total, nexus_http_workers_written_off_total and
// nexus_http_abandoned_calls, in Prometheus text.
void write_pool_metrics(const RequestPool::Stats& stats, std::string& out);

}  // namespace nexus::host::http
