// http/mcp_stream.cpp — see mcp_stream.hpp.
#include "http/mcp_stream.hpp"

#include <pistache/peer.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>

namespace nexus::host::http {

SseStream::~SseStream() { close(); }

namespace {

// A write that has not completed by then is taken as a dead client.
constexpr auto kWriteTimeout = std::chrono::seconds(30);

}  // namespace

struct SseStream::WriteWait {
  std::mutex mutex;
  std::condition_variable done;
  bool finished = false, ok = false;

  // False when the write failed or did not finish in time.
  bool wait() {
    std::unique_lock lock(mutex);
    return done.wait_for(lock, kWriteTimeout, [&] { return finished; }) && ok;
  }
};

bool SseStream::write_locked(const std::string& bytes, bool wait_for_it) {
  if (failed_ || closed_ || !peer_) return false;
  // One write in flight at a time (see mcp_stream.hpp).
  if (pending_ && !std::exchange(pending_, nullptr)->wait()) {
    failed_ = true;
    return false;
  }
  auto wait = std::make_shared<WriteWait>();
  auto finish = [wait](bool ok) {
    {
      std::lock_guard lock(wait->mutex);
      wait->finished = true;
      wait->ok = ok;
    }
    wait->done.notify_all();
  };
  try {
    peer_->send(Pistache::RawBuffer(bytes, bytes.size()))
        .then([finish](ssize_t) { finish(true); }, [finish](const std::exception_ptr&) { finish(false); });
  } catch (const std::exception& e) {
    spdlog::debug("mcp: SSE write failed: {}", e.what());
    failed_ = true;
    return false;
  }
  if (!wait_for_it) {
    pending_ = std::move(wait);
    return true;
  }
  if (!wait->wait()) {
    // The client went away (or stopped reading): later writes are no-ops.
    failed_ = true;
    return false;
  }
  return true;
}

bool SseStream::chunk_locked(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return write_locked(size + data + "\r\n", true);
}

bool SseStream::start(const std::vector<std::pair<std::string, std::string>>& headers, unsigned retry_ms) {
  std::lock_guard lock(mutex_);
  std::string head = "HTTP/1.1 200 OK\r\n";
  for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
  head += "Transfer-Encoding: chunked\r\n\r\n";
  const std::string priming =
      "id: " + prefix_ + std::to_string(next_event_++) + "\nretry: " + std::to_string(retry_ms) + "\ndata: \n\n";
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", priming.size());
  // Sent from a reactor thread, which must not wait for its own reactor:
  // the next write waits for this one instead.
  return write_locked(head + size + priming + "\r\n", false);
}

bool SseStream::send(const nlohmann::json& message) {
  std::lock_guard lock(mutex_);
  // dump() escapes control characters, so the JSON is one line and can
  // never end the event early.
  return chunk_locked("id: " + prefix_ + std::to_string(next_event_++) + "\nevent: message\ndata: " +
                      message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n");
}

void SseStream::close() {
  std::lock_guard lock(mutex_);
  if (closed_) return;
  if (!failed_) write_locked("0\r\n\r\n", true);
  closed_ = true;
  peer_.reset();
}

void SseStream::close_without_waiting() {
  std::lock_guard lock(mutex_);
  if (closed_) return;
  bool idle = !pending_;
  if (pending_) {
    std::lock_guard wait_lock(pending_->mutex);
    idle = pending_->finished && pending_->ok;
  }
  if (!failed_ && idle) {
    pending_.reset();
    write_locked("0\r\n\r\n", false);
  }
  closed_ = true;
  pending_.reset();
  peer_.reset();
}

bool SseStream::open() const {
  std::lock_guard lock(mutex_);
  return !failed_ && !closed_;
}

WorkerPool::WorkerPool(std::size_t threads, std::size_t max_queued) : max_queued_(max_queued) {
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : threads_) t.join();
}

bool WorkerPool::try_submit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    const std::size_t idle = threads_.size() - busy_;
    if (queue_.size() >= idle + max_queued_) return false;
    queue_.push_back(std::move(job));
  }
  ready_.notify_one();
  return true;
}

void WorkerPool::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    try {
      job();
    } catch (const std::exception& e) {
      spdlog::error("mcp: a streamed call failed: {}", e.what());
    } catch (...) {
      spdlog::error("mcp: a streamed call failed with a non-standard exception");
    }
    std::lock_guard lock(mutex_);
    --busy_;
  }
}

}  // namespace nexus::host::http
