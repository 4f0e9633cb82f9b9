// http/socket_write.hpp — writes bytes to a connection's socket ourselves,
// synchronously, instead of through pistache's write queue.
//
// Why: pistache 0.0.5 completes a queued write from its reactor thread, and
// some of its paths never complete it at all (a write queued for a
// connection the client has just closed is dropped without settling its
// promise; see mcp_stream.hpp). A thread that waits on such a promise waits
// forever. A plain send() has no completion to lose: it returns.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <utility>

namespace nexus::host::http {

struct SocketWriteResult {
  enum class Status {
    done,         // every byte is in the kernel's send buffer
    would_block,  // the peer did not make room within the budget
    failed,       // the connection is gone (EPIPE, ECONNRESET, ...)
  };
  Status status = Status::done;
  std::size_t written = 0;  // bytes sent before it stopped (all of them when done)
};

// A duplicate of a connection's socket descriptor (close-on-exec), closed
// when destroyed. Taken while pistache's descriptor is known to be open (in
// a handler), it stays this connection's even after pistache closes its own
// and the number goes to a new connection.
class SocketDuplicate {
 public:
  SocketDuplicate() = default;
  explicit SocketDuplicate(int fd);  // get() < 0 when it could not be made
  ~SocketDuplicate();
  SocketDuplicate(SocketDuplicate&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  SocketDuplicate& operator=(SocketDuplicate&& other) noexcept;
  SocketDuplicate(const SocketDuplicate&) = delete;
  SocketDuplicate& operator=(const SocketDuplicate&) = delete;
  int get() const noexcept { return fd_; }

 private:
  int fd_ = -1;
};

// Sends `parts` in order, as one stream of bytes, on the non-blocking
// socket `fd` (never raises SIGPIPE). When the send buffer is full it waits
// for room at most `budget` in total; a zero budget never waits.
// `more_follows`: the caller sends more right after (MSG_MORE), so the
// kernel may hold these bytes to go out with it rather than as a segment
// of their own. [any-thread]; one writer per socket at a time.
SocketWriteResult write_all(int fd, std::initializer_list<std::string_view> parts, std::chrono::milliseconds budget,
                            bool more_follows = false);

// Sends `length` bytes of the file `file`, from `offset`, on the socket `fd`
// with sendfile: the kernel moves them from the page cache, nothing is
// copied through this process. Waits for room as write_all does. `failed`
// also when the file ends before `length` bytes. Never raises SIGPIPE, in
// nexusd or in a program embedding the host. [any-thread]; one writer per
// socket at a time.
SocketWriteResult send_file(int fd, int file, std::uint64_t offset, std::uint64_t length,
                            std::chrono::milliseconds budget);

}  // namespace nexus::host::http
