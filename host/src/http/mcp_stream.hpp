// http/mcp_stream.hpp — one Server-Sent Events stream of the MCP
// transport, and the bounded pool of threads that run streamed calls.
//
// pistache runs handlers on its reactor threads and sends every response
// from there, so bytes written while a handler blocks only leave once it
// returns. A streamed call (tools/call: progress and log notifications
// before the result) therefore runs on a pool thread that owns the stream,
// and the handler returns at once.
//
// The stream writes the socket itself (socket_write.hpp), never through
// pistache's write queue. pistache 0.0.5 facts that forced this (its
// src/common/transport.cc, checked against the installed library):
//   - a write queued for a connection the client has just closed is
//     dropped without settling its promise (handleWriteQueue skips a
//     descriptor that is no longer a peer; removePeer erases the queued
//     writes), so a pool thread that waited for it waited kWriteTimeout
//     (30 s). Sixteen calls whose clients left (wrk leaves mid-call at the
//     end of every run) held every pool thread, and /mcp stopped answering
//     (bench/README.md, "Where the time goes", item 2).
//   - the reactor handles an event that is both readable and writable as
//     readable only; in edge-triggered mode the write then waits for an
//     edge that may never come.
//   - writes are keyed by descriptor number: one queued after pistache
//     closed the connection can land on the next connection given the same
//     number.
//   - two writes queued for one connection before the reactor has handled
//     the first can leave a stale "writable" event behind, and the reactor
//     then dies with "Assertion Error: could not find write data".
// A send() returns; there is no completion to lose. The stream writes on a
// duplicate of the connection's descriptor, so a descriptor pistache closes
// and reuses is never ours.
#pragma once

#include <pistache/http.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/socket_write.hpp"

namespace nexus::host::http {

// The events of an MCP answer, as a stream writes them:
//   the priming event "id: <prefix><n>\nretry: <ms>\ndata: \n\n" (2025-11-25:
//   an id and no data, so a client can resume), and
//   a message "id: <prefix><n>\nevent: message\ndata: <json>\n\n".
std::string sse_priming_event(std::string_view id_prefix, std::uint64_t n, unsigned retry_ms);
std::string sse_message_head(std::string_view id_prefix, std::uint64_t n);  // up to "data: "
std::string sse_json(const nlohmann::json& message);  // one line: dump() escapes control characters
inline constexpr std::string_view kSseMessageTail = "\n\n";
// A whole answer known at once (a tool declared "x-nexus-inline"): the
// priming event and the message, for a body with a Content-Length. The same
// events as a stream's, without the chunking.
std::string sse_answer_body(std::string_view id_prefix, unsigned retry_ms, const nlohmann::json& message);

// Frames: "id: <n>\nevent: message\ndata: <json>\n\n" in a chunked 200
// response. Thread-safe; after a failed write (client gone, or not reading
// for kWriteTimeout) every later write is a no-op returning false.
class SseStream {
 public:
  // A client that takes no bytes for this long is taken as gone: its
  // connection is shut down and the call's thread is released.
  static constexpr std::chrono::milliseconds kWriteTimeout{30'000};

  // Duplicates the connection's descriptor: call it while the connection
  // is known to be open, i.e. in the request's handler. A null `peer` (the
  // client already left) makes a stream whose writes all fail.
  // [handler thread]
  SseStream(const std::shared_ptr<Pistache::Tcp::Peer>& peer, std::string id_prefix);
  ~SseStream();  // close_without_waiting()
  SseStream(const SseStream&) = delete;
  SseStream& operator=(const SseStream&) = delete;

  // Sends "200 OK" with `headers` (chunked), then the first event: an id, a
  // reconnection delay and no data, so a client can resume (2025-11-25
  // "priming" event). Never waits, so it may run on a reactor thread: the
  // send buffer of a connection between two responses is empty.
  bool start(const std::vector<std::pair<std::string, std::string>>& headers, unsigned retry_ms);
  // Waits up to kWriteTimeout for the client to take the bytes: not on a
  // reactor thread.
  bool send(const nlohmann::json& message);
  // The last event and the end of the response in one write (a call's
  // result: one write less per call); waits like send(). Later writes are
  // no-ops.
  bool finish(const nlohmann::json& message);
  // Ends the chunked response (idempotent); waits like send().
  void close();
  // The same, never waiting (reactor threads): the end marker goes out if
  // the socket takes it at once; if another thread is writing, that thread
  // closes the stream when its write is done.
  void close_without_waiting();
  bool open() const;

 private:
  // Writes `parts` as one piece; on failure marks the stream failed and,
  // when bytes were left half-sent, shuts the connection down (its framing
  // is broken; the client sees the end instead of hanging).
  bool write_locked(std::initializer_list<std::string_view> parts, std::chrono::milliseconds budget);
  bool event_locked(const nlohmann::json& message, bool last);
  void finish_locked(std::chrono::milliseconds budget);  // end marker, close the descriptor
  mutable std::mutex mutex_;
  SocketDuplicate socket_;  // of the connection; empty once the stream is closed
  std::string prefix_;
  std::uint64_t next_event_ = 1;
  bool failed_ = false;
  std::atomic<bool> close_requested_{false};  // set by close_without_waiting() while a write runs
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
