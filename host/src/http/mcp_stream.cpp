// http/mcp_stream.cpp — see mcp_stream.hpp.
#include "http/mcp_stream.hpp"

#include <pistache/peer.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "http/socket_write.hpp"

namespace nexus::host::http {

namespace {

constexpr std::chrono::milliseconds kNoWait{0};
constexpr std::string_view kCrLf = "\r\n";
constexpr std::string_view kEndOfBody = "0\r\n\r\n";

}  // namespace

std::string sse_priming_event(std::string_view id_prefix, std::uint64_t n, unsigned retry_ms) {
  std::string e = "id: ";
  e.append(id_prefix).append(std::to_string(n)).append("\nretry: ").append(std::to_string(retry_ms)).append("\ndata: \n\n");
  return e;
}

std::string sse_message_head(std::string_view id_prefix, std::uint64_t n) {
  std::string h = "id: ";
  h.append(id_prefix).append(std::to_string(n)).append("\nevent: message\ndata: ");
  return h;
}

std::string sse_json(const nlohmann::json& message) {
  return message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string sse_answer_body(std::string_view id_prefix, unsigned retry_ms, const nlohmann::json& message) {
  std::string body = sse_priming_event(id_prefix, 1, retry_ms);
  body += sse_message_head(id_prefix, 2);
  body += sse_json(message);
  body += kSseMessageTail;
  return body;
}

SseStream::SseStream(const std::shared_ptr<Pistache::Tcp::Peer>& peer, std::string id_prefix)
    : socket_(peer ? peer->fd() : -1), prefix_(std::move(id_prefix)) {
  if (socket_.get() < 0) {
    // No connection (the client left before its handler ran) or no
    // descriptor to spare: every write fails, as for a departed client.
    if (peer) spdlog::warn("mcp: cannot open an event stream on connection {}: {}", peer->fd(), std::strerror(errno));
    failed_ = true;
  }
}

SseStream::~SseStream() {
  close_without_waiting();
}

bool SseStream::write_locked(std::initializer_list<std::string_view> parts, std::chrono::milliseconds budget) {
  if (failed_ || socket_.get() < 0) return false;
  const auto r = write_all(socket_.get(), parts, budget);
  if (r.status == SocketWriteResult::Status::done) return true;
  failed_ = true;
  if (r.status == SocketWriteResult::Status::would_block) {
    spdlog::debug("mcp: an event stream's client took no bytes for {} ms; closing its connection", budget.count());
    // Part of an event may be out: the framing is broken either way.
    ::shutdown(socket_.get(), SHUT_RDWR);
  }
  return false;
}

void SseStream::finish_locked(std::chrono::milliseconds budget) {
  if (socket_.get() < 0) return;
  write_locked({kEndOfBody}, budget);
  socket_ = SocketDuplicate();
}

bool SseStream::start(const std::vector<std::pair<std::string, std::string>>& headers, unsigned retry_ms) {
  std::lock_guard lock(mutex_);
  std::string head = "HTTP/1.1 200 OK\r\n";
  for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
  head += "Transfer-Encoding: chunked\r\n\r\n";
  const std::string priming = sse_priming_event(prefix_, next_event_++, retry_ms);
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", priming.size());
  return write_locked({head, size, priming, kCrLf}, kNoWait);
}

bool SseStream::send(const nlohmann::json& message) {
  std::lock_guard lock(mutex_);
  return event_locked(message, false);
}

bool SseStream::finish(const nlohmann::json& message) {
  std::lock_guard lock(mutex_);
  const bool ok = event_locked(message, true);
  socket_ = SocketDuplicate();
  return ok;
}

bool SseStream::event_locked(const nlohmann::json& message, bool last) {
  if (close_requested_) finish_locked(kNoWait);
  if (failed_ || socket_.get() < 0) return false;
  const std::string head = sse_message_head(prefix_, next_event_++);
  const std::string data = sse_json(message);
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", head.size() + data.size() + kSseMessageTail.size());
  const bool ok =
      write_locked({size, head, data, kSseMessageTail, kCrLf, last ? kEndOfBody : std::string_view()}, kWriteTimeout);
  // The end marker is out already after the last event.
  if (close_requested_ && !last) finish_locked(kNoWait);
  return ok;
}

void SseStream::close() {
  std::lock_guard lock(mutex_);
  finish_locked(kWriteTimeout);
}

void SseStream::close_without_waiting() {
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) {
    // A writer holds the stream (it may be waiting for the client): it
    // closes the stream when its write is done.
    close_requested_ = true;
    return;
  }
  finish_locked(kNoWait);
}

bool SseStream::open() const {
  std::lock_guard lock(mutex_);
  return !failed_ && socket_.get() >= 0;
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
