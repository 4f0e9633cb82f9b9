// http/request_pool.cpp — see request_pool.hpp.
#include "http/request_pool.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <thread>

namespace nexus::host::http {

using Clock = std::chrono::steady_clock;

// One counted (or written-off) thread and the task it runs now.
struct Worker {
  std::thread thread;
  bool busy = false;
  bool written_off = false;
  Clock::time_point deadline = Clock::time_point::max();
  std::function<void()> overrun;
};

struct RequestPool::Shared {
  explicit Shared(Limits l) : limits(l) {}
  const Limits limits;
  mutable std::mutex mutex;
  std::condition_variable work_ready;  // workers wait here
  std::condition_variable watch;       // the watchdog waits here
  std::deque<Task> queue;
  // Counted workers. A written-off one is removed here but lives on through
  // the shared_ptr its thread holds.
  std::list<std::shared_ptr<Worker>> workers;
  unsigned counted = 0, busy = 0, written_off_running = 0;
  std::uint64_t rejected_total = 0, written_off_total = 0;
  bool stopping = false;
  std::thread watchdog;
  // When the watchdog wakes next (max: not until notified). A task taken
  // with a later deadline needs no wake-up: the watchdog sees it when it
  // wakes for the earlier one. Request deadlines are "now + the same
  // budget", so that is nearly every task; waking it for each cost ~7% of
  // nexusd's CPU under a storage GET load (bench/README.md).
  Clock::time_point watchdog_wakes = Clock::time_point::max();

  void start_worker(const std::shared_ptr<Shared>& self) {  // mutex held
    auto w = std::make_shared<Worker>();
    workers.push_back(w);
    ++counted;
    w->thread = std::thread([self, w] { self->work(w.get()); });
  }

  void work(Worker* w) {
    std::unique_lock lock(mutex);
    while (true) {
      if (queue.empty()) {
        const bool woke = work_ready.wait_for(lock, limits.idle_retire, [&] { return stopping || !queue.empty(); });
        if (!woke && counted > limits.min_workers) return retire(w);
        if (queue.empty() && stopping) return;
        if (queue.empty()) continue;
      }
      Task task = std::move(queue.front());
      queue.pop_front();
      w->busy = true;
      ++busy;
      w->deadline = task.deadline;
      w->overrun = std::move(task.overrun);
      if (w->deadline < watchdog_wakes) watch.notify_one();
      lock.unlock();
      try {
        task.run();
      } catch (const std::exception& e) {
        spdlog::error("http worker: a request task threw: {}", e.what());
      } catch (...) {
        spdlog::error("http worker: a request task threw a non-standard exception");
      }
      task = {};
      lock.lock();
      if (w->written_off) {
        // The watchdog already answered and stopped counting this thread.
        --written_off_running;
        return;
      }
      w->busy = false;
      --busy;
      w->deadline = Clock::time_point::max();
      w->overrun = nullptr;
      // A stopping pool's watchdog sleeps until the earliest deadline of
      // the calls still running; it must learn that this one is done, or
      // the destructor waits out a deadline (minutes) for nothing.
      if (stopping) watch.notify_all();
    }
  }

  void retire(Worker* w) {  // mutex held; the thread ends right after
    --counted;
    w->thread.detach();
    workers.remove_if([w](const std::shared_ptr<Worker>& x) { return x.get() == w; });
  }

  void watch_deadlines(const std::shared_ptr<Shared>& self) {
    std::unique_lock lock(mutex);
    while (!stopping || busy > 0) {
      Clock::time_point next = Clock::time_point::max();
      for (const auto& w : workers) {
        if (w->busy && !w->written_off && w->deadline < next) next = w->deadline;
      }
      if (stopping && next == Clock::time_point::max()) break;
      watchdog_wakes = next;
      if (next == Clock::time_point::max()) {
        watch.wait(lock);
      } else {
        watch.wait_until(lock, next);
      }
      watchdog_wakes = Clock::time_point::min();  // awake: a task taken now is seen by the scan below or the next
      const auto now = Clock::now();
      for (auto it = workers.begin(); it != workers.end();) {
        if (!(*it)->busy || (*it)->written_off || (*it)->deadline > now) {
          ++it;
          continue;
        }
        write_off(self, **it, lock);
        it = workers.begin();  // the list changed while unlocked
      }
    }
  }

  void write_off(const std::shared_ptr<Shared>& self, Worker& w, std::unique_lock<std::mutex>& lock) {
    w.written_off = true;
    --counted;
    --busy;
    ++written_off_running;
    ++written_off_total;
    w.thread.detach();
    auto overrun = std::move(w.overrun);
    Worker* dead = &w;
    workers.remove_if([dead](const std::shared_ptr<Worker>& x) { return x.get() == dead; });
    // A replacement, so the stuck call does not cost capacity.
    if (!stopping && (counted < limits.min_workers || !queue.empty())) start_worker(self);
    lock.unlock();
    spdlog::warn("http worker: a request overran its deadline; answered deadline_exceeded, worker written off");
    if (overrun) {
      try {
        overrun();
      } catch (...) {
        spdlog::error("http worker: answering an overrun request failed");
      }
    }
    lock.lock();
  }
};

RequestPool::RequestPool(Limits limits) : shared_(std::make_shared<Shared>(limits)) {
  std::lock_guard lock(shared_->mutex);
  for (unsigned i = 0; i < limits.min_workers; ++i) shared_->start_worker(shared_);
  shared_->watchdog = std::thread([s = shared_] { s->watch_deadlines(s); });
}

RequestPool::~RequestPool() {
  std::list<std::thread> to_join;
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
  }
  shared_->work_ready.notify_all();
  shared_->watch.notify_all();
  shared_->watchdog.join();  // returns once no counted worker is busy
  {
    std::lock_guard lock(shared_->mutex);
    for (auto& w : shared_->workers) to_join.push_back(std::move(w->thread));
  }
  shared_->work_ready.notify_all();
  for (auto& t : to_join) {
    if (t.joinable()) t.join();
  }
}

bool RequestPool::submit(Task task) {
  auto& s = *shared_;
  {
    std::lock_guard lock(s.mutex);
    if (s.stopping) return false;
    const unsigned idle = s.counted - s.busy;
    if (idle <= s.queue.size()) {
      if (s.counted < s.limits.max_workers) {
        s.start_worker(shared_);
      } else if (s.queue.size() - idle >= s.limits.queue_limit) {
        ++s.rejected_total;
        return false;
      }
    }
    s.queue.push_back(std::move(task));
  }
  s.work_ready.notify_one();
  return true;
}

void write_pool_metrics(const RequestPool::Stats& s, std::string& out) {
  out += "# HELP nexus_http_workers Request worker threads by state.\n"
         "# TYPE nexus_http_workers gauge\n"
         "nexus_http_workers{state=\"busy\"} " + std::to_string(s.busy) + "\n"
         "nexus_http_workers{state=\"idle\"} " + std::to_string(s.workers - s.busy) + "\n";
  out += "# HELP nexus_http_queue_depth Requests waiting for a worker.\n"
         "# TYPE nexus_http_queue_depth gauge\n"
         "nexus_http_queue_depth " + std::to_string(s.queued) + "\n";
  out += "# HELP nexus_http_rejected_total Requests answered 503 because the queue was full.\n"
         "# TYPE nexus_http_rejected_total counter\n"
         "nexus_http_rejected_total " + std::to_string(s.rejected_total) + "\n";
  out += "# HELP nexus_http_workers_written_off_total Workers abandoned in a request that overran its deadline.\n"
         "# TYPE nexus_http_workers_written_off_total counter\n"
         "nexus_http_workers_written_off_total " + std::to_string(s.written_off_total) + "\n";
  out += "# HELP nexus_http_abandoned_calls Written-off workers still inside their call.\n"
         "# TYPE nexus_http_abandoned_calls gauge\n"
         "nexus_http_abandoned_calls " + std::to_string(s.written_off_running) + "\n";
}

RequestPool::Stats RequestPool::stats() const {
  std::lock_guard lock(shared_->mutex);
  return {shared_->counted, shared_->busy, shared_->queue.size(), shared_->rejected_total, shared_->written_off_total,
          shared_->written_off_running};
}

}  // namespace nexus::host::http
