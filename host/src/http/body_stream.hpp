// http/body_stream.hpp — a reply whose body leaves as it arrives.
//
// A storage GET used to collect the whole object in memory and then send
// it: an object-sized buffer per request (a one-hour call recording is tens
// of megabytes) and one more copy of every byte. A route given a BodyStream
// sends the head with the first body bytes and each chunk as the plugin
// writes it. The head announces the body's length, so a body that ends
// short (the plugin failed midway) closes the connection: the client sees
// a truncated transfer, never a shorter object passed off as whole.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "http/drain.hpp"
#include "http/exchange.hpp"
#include "http/reply_writer.hpp"

namespace nexus::host::http {

class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // Sends the status line and headers of `head` (its body is ignored),
  // announcing `content_length` body bytes. False when this reply can no
  // longer be sent this way — another answer went out already (the
  // request's deadline) or the client left: send no bytes, stop the work.
  virtual bool begin(const Reply& head, std::uint64_t content_length) = 0;
  // The next body bytes, in order. False when they cannot be sent (the
  // client left, or they go past the announced length): stop.
  virtual bool write(const void* data, std::size_t size) = 0;
  // The next `length` body bytes from the file `file` at `offset`, sent
  // without passing through this process where the connection allows
  // (sendfile). The descriptor is borrowed for the call.
  virtual bool write_file(int file, std::uint64_t offset, std::uint64_t length) = 0;
  // The body is over. If fewer bytes than announced went out, or a write
  // failed, the connection is closed. Returns the body bytes sent or queued.
  virtual std::size_t finish() = 0;
  // True once begin() claimed the reply, even if the client then left: the
  // route's own reply is then for the log only.
  virtual bool began() const = 0;
};

// A BodyStream on a connection's socket, for a worker thread.
//
// Bytes go straight to the socket while the client reads; what it has not
// taken within `budget` (in total, across the whole body: the worker is
// not held longer by a slow reader) is collected and, at finish(), handed
// to pistache to send as the client makes room — as write_reply does with
// the rest of a whole reply. `answered` is the exchange's "a reply went
// out" flag, shared with the deadline's watchdog: begin() claims it. From
// begin() until the last byte is out, `drain` counts the write (a stop
// waits for it); a stream that never begins holds nothing. [one thread]
class SocketBodyStream final : public BodyStream {
 public:
  SocketBodyStream(const ReplyTarget& target, std::atomic<bool>& answered, bool keep_alive, std::string request_id,
                   Drain& drain);
  bool begin(const Reply& head, std::uint64_t content_length) override;
  bool write(const void* data, std::size_t size) override;
  bool write_file(int file, std::uint64_t offset, std::uint64_t length) override;
  std::size_t finish() override;
  bool began() const override { return began_; }

 private:
  bool send(std::string_view bytes, bool more_follows = false);
  bool accept_length(std::uint64_t size);  // false (and broken) past the announced length
  bool read_into_rest(int file, std::uint64_t offset, std::uint64_t length);
  std::chrono::milliseconds time_left() const;

  ReplyTarget target_;
  std::atomic<bool>& answered_;
  bool keep_alive_;
  std::string request_id_;
  Drain& drain_;
  std::shared_ptr<void> until_written_;  // drain_'s count of this write, from begin()
  std::chrono::steady_clock::time_point write_deadline_;

  bool began_ = false;
  bool keep_ = false;      // the connection stays open after this reply
  bool broken_ = false;    // a write failed or went past the length: the connection will be closed
  std::uint64_t announced_ = 0;
  std::uint64_t body_bytes_ = 0;  // accepted so far (sent or in rest_)
  std::string unsent_head_;       // from begin() until the first body bytes go with it
  std::string rest_;              // what the slow client has not taken yet (head included if need be)
};

}  // namespace nexus::host::http
