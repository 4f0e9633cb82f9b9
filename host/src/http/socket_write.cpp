// http/socket_write.cpp — see socket_write.hpp.
#include "http/socket_write.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <vector>

namespace nexus::host::http {

namespace {

using Clock = std::chrono::steady_clock;

// Waits until `fd` can take more bytes or `deadline` passes. False on
// timeout or when the socket reports an error or a hang-up.
bool wait_writable(int fd, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{.fd = fd, .events = POLLOUT, .revents = 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    // POLLERR/POLLHUP: the next send reports what went wrong.
    return true;
  }
}

// After a send that returned -1: nothing to try again (EINTR, or the socket
// made room within the budget), or why to stop.
std::optional<SocketWriteResult::Status> after_failed_send(int fd, std::chrono::milliseconds budget,
                                                           Clock::time_point deadline) {
  if (errno == EINTR) return std::nullopt;
  if (errno == EAGAIN || errno == EWOULDBLOCK) {
    if (budget.count() > 0 && wait_writable(fd, deadline)) return std::nullopt;
    return SocketWriteResult::Status::would_block;
  }
  return SocketWriteResult::Status::failed;
}

// Blocks SIGPIPE in this thread for its lifetime, and swallows one raised
// meanwhile: sendfile has no MSG_NOSIGNAL, and an embedding program may not
// ignore SIGPIPE as nexusd does.
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlocked() {
    if (!sigismember(&old_, SIGPIPE)) {
      const timespec none{0, 0};
      while (sigtimedwait(&pipe_, nullptr, &none) == SIGPIPE) {
      }
      pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t pipe_{}, old_{};
};

}  // namespace

SocketDuplicate::SocketDuplicate(int fd) : fd_(fd < 0 ? -1 : ::fcntl(fd, F_DUPFD_CLOEXEC, 0)) {}

SocketDuplicate::~SocketDuplicate() {
  if (fd_ >= 0) ::close(fd_);
}

SocketDuplicate& SocketDuplicate::operator=(SocketDuplicate&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

SocketWriteResult write_all(int fd, std::initializer_list<std::string_view> parts, std::chrono::milliseconds budget,
                            bool more_follows) {
  const int flags = MSG_NOSIGNAL | MSG_DONTWAIT | (more_follows ? MSG_MORE : 0);
  std::vector<iovec> iov;
  iov.reserve(parts.size());
  std::size_t total = 0;
  for (const auto part : parts) {
    if (part.empty()) continue;
    iov.push_back({const_cast<char*>(part.data()), part.size()});
    total += part.size();
  }
  SocketWriteResult result;
  const auto deadline = Clock::now() + budget;
  std::size_t first = 0;  // the first iovec not fully sent
  while (result.written < total) {
    msghdr msg{};
    msg.msg_iov = iov.data() + first;
    msg.msg_iovlen = iov.size() - first;
    const ssize_t n = ::sendmsg(fd, &msg, flags);
    if (n < 0) {
      if (const auto stop = after_failed_send(fd, budget, deadline)) {
        result.status = *stop;
        return result;
      }
      continue;
    }
    result.written += static_cast<std::size_t>(n);
    // Step over what went out: whole iovecs, then part of the next one.
    auto sent = static_cast<std::size_t>(n);
    while (first < iov.size() && sent >= iov[first].iov_len) sent -= iov[first++].iov_len;
    if (first < iov.size()) {
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + sent;
      iov[first].iov_len -= sent;
    }
  }
  return result;
}

SocketWriteResult send_file(int fd, int file, std::uint64_t offset, std::uint64_t length,
                            std::chrono::milliseconds budget) {
  const SigpipeBlocked no_sigpipe;
  SocketWriteResult result;
  const auto deadline = Clock::now() + budget;
  auto at = static_cast<off_t>(offset);
  while (result.written < length) {
    // At most 1 GiB a call: sendfile moves at most ~2 GiB at once anyway.
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(length - result.written, 1u << 30));
    const ssize_t n = ::sendfile(fd, file, &at, want);
    if (n < 0) {
      if (const auto stop = after_failed_send(fd, budget, deadline)) {
        result.status = *stop;
        return result;
      }
      continue;
    }
    if (n == 0) {  // the file ended early
      result.status = SocketWriteResult::Status::failed;
      return result;
    }
    result.written += static_cast<std::size_t>(n);
  }
  return result;
}

}  // namespace nexus::host::http
