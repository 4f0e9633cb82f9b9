// http/mcp_stream.hpp — one Server-Sent Events stream of the MCP
// transport, and the bounded pool of threads that run streamed calls.
//
// pistache runs handlers on its reactor threads and posts every write to
// the reactor's queue, so bytes written while a handler blocks only leave
// once it returns. A streamed call (tools/call: progress and log
// notifications before the result) therefore runs on a pool thread that
// owns the stream, and the handler returns at once.
//
// pistache 0.0.5 fact (found by experiment): two writes queued for one
// connection before the reactor has handled the first can leave a stale
// "writable" event behind, and the reactor then dies with "Assertion
// Error: could not find write data" (std::terminate). ResponseStream
// flushes that way, so it is not used: SseStream frames the chunked
// response itself and sends one write at a time through the peer, waiting
// for each to complete before the next.
#pragma once

#include <pistache/http.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace nexus::host::http {

// Frames: "id: <n>\nevent: message\ndata: <json>\n\n". Thread-safe; after
// a failed write (client gone) every later write is a no-op returning false.
// send() and close() wait for the write to complete, so they must not run
// on a pistache reactor thread (start() may: it does not wait).
class SseStream {
 public:
  SseStream(std::shared_ptr<Pistache::Tcp::Peer> peer, std::string id_prefix)
      : peer_(std::move(peer)), prefix_(std::move(id_prefix)) {}
  ~SseStream();
  // Sends "200 OK" with `headers` (chunked), then the first event: an id, a
  // reconnection delay and no data, so a client can resume (2025-11-25
  // "priming" event).
  bool start(const std::vector<std::pair<std::string, std::string>>& headers, unsigned retry_ms);
  bool send(const nlohmann::json& message);
  // Ends the chunked response (idempotent).
  void close();
  // The same from a reactor thread: never waits; when a write is still in
  // flight the end marker is skipped (the client sees the stream stall
  // until it disconnects, which it does once its session is gone).
  void close_without_waiting();
  bool open() const;

 private:
  struct WriteWait;
  // Raw bytes, after the previous write completed; waits for this one too
  // unless `wait_for_it` is false (then the next write waits for it).
  bool write_locked(const std::string& bytes, bool wait_for_it);
  bool chunk_locked(const std::string& data);   // one chunk of the body
  mutable std::mutex mutex_;
  std::shared_ptr<Pistache::Tcp::Peer> peer_;
  std::shared_ptr<WriteWait> pending_;
  std::string prefix_;
  std::uint64_t next_event_ = 1;
  bool failed_ = false, closed_ = false;
};

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t max_queued);
  ~WorkerPool();  // runs what is queued, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  // False when every thread is busy and the queue is full.
  bool try_submit(std::function<void()> job);

 private:
  void run();
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  std::size_t max_queued_, busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace nexus::host::http
