// http/body_stream.cpp — see body_stream.hpp.
#include "http/body_stream.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <string_view>
#include <utility>

#include "http/socket_write.hpp"

namespace nexus::host::http {

using Clock = std::chrono::steady_clock;

SocketBodyStream::SocketBodyStream(const ReplyTarget& target, std::atomic<bool>& answered, bool keep_alive,
                                   std::string request_id, Drain& drain)
    : target_(target), answered_(answered), keep_alive_(keep_alive), request_id_(std::move(request_id)), drain_(drain) {}

bool SocketBodyStream::begin(const Reply& head, std::uint64_t content_length) {
  if (began_ || answered_.exchange(true)) return false;
  began_ = true;
  until_written_ = drain_.hold_write();
  write_deadline_ = Clock::now() + target_.budget;
  keep_ = keep_alive_ && !head.close_connection;
  announced_ = content_length;
  Reply sent;
  sent.status = head.status;
  sent.headers = head.headers;
  sent.header("X-Request-Id", request_id_);
  // Sent with the first body bytes: one write and one segment fewer.
  unsent_head_ = format_reply_head(sent, keep_, content_length);
  return true;
}

bool SocketBodyStream::accept_length(std::uint64_t size) {
  if (!began_ || broken_) return false;
  if (size > announced_ - body_bytes_) {
    spdlog::error("request {}: the storage plugin wrote more body bytes than the object's size ({}); the rest is "
                  "not sent and the connection is closed (a bug in the plugin)",
                  request_id_, announced_);
    broken_ = true;
    return false;
  }
  body_bytes_ += size;
  return true;
}

bool SocketBodyStream::write(const void* data, std::size_t size) {
  return accept_length(size) && send(std::string_view(static_cast<const char*>(data), size));
}

bool SocketBodyStream::write_file(int file, std::uint64_t offset, std::uint64_t length) {
  if (!accept_length(length)) return false;
  // sendfile cannot gather the head: it goes first, held back (MSG_MORE) to
  // leave with the file's first bytes instead of as a small segment alone.
  if (!unsent_head_.empty() && !send({}, /*more_follows=*/true)) return false;
  if (!rest_.empty()) return read_into_rest(file, offset, length);
  const SocketWriteResult r = send_file(target_.fd, file, offset, length, time_left());
  switch (r.status) {
    case SocketWriteResult::Status::done:
      return true;
    case SocketWriteResult::Status::would_block:
      return read_into_rest(file, offset + r.written, length - r.written);
    case SocketWriteResult::Status::failed:
      break;
  }
  spdlog::debug("request {}: the client left, or the file ended early, while the reply was being sent", request_id_);
  broken_ = true;
  return false;
}

// A slow reader: what it has not taken yet is read into memory and queued
// behind the rest (finish() hands it to pistache), as for any other reply.
bool SocketBodyStream::read_into_rest(int file, std::uint64_t offset, std::uint64_t length) {
  const std::size_t at = rest_.size();
  rest_.resize(at + static_cast<std::size_t>(length));
  for (std::uint64_t done = 0; done < length;) {
    const ssize_t n = ::pread(file, rest_.data() + at + done, static_cast<std::size_t>(length - done),
                              static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      spdlog::warn("request {}: reading the object's file failed or it ended early; the connection is closed",
                   request_id_);
      rest_.resize(at + static_cast<std::size_t>(done));
      broken_ = true;
      return false;
    }
    done += static_cast<std::uint64_t>(n);
  }
  return true;
}

std::chrono::milliseconds SocketBodyStream::time_left() const {
  const auto now = Clock::now();
  return now < write_deadline_ ? std::chrono::duration_cast<std::chrono::milliseconds>(write_deadline_ - now)
                               : std::chrono::milliseconds(0);
}

bool SocketBodyStream::send(std::string_view bytes, bool more_follows) {
  if (broken_) return false;
  const std::string head = std::exchange(unsent_head_, {});
  if (!rest_.empty()) {  // the client fell behind: keep the order, collect the rest
    rest_.append(head);
    rest_.append(bytes);
    return true;
  }
  const SocketWriteResult r = write_all(target_.fd, {head, bytes}, time_left(), more_follows);
  switch (r.status) {
    case SocketWriteResult::Status::done:
      return true;
    case SocketWriteResult::Status::would_block:
      if (r.written < head.size()) {
        rest_.assign(head, r.written);
        rest_.append(bytes);
      } else {
        rest_.assign(bytes.substr(r.written - head.size()));
      }
      return true;
    case SocketWriteResult::Status::failed:
      break;
  }
  spdlog::debug("request {}: the client left while its reply was being sent", request_id_);
  broken_ = true;
  return false;
}

std::size_t SocketBodyStream::finish() {
  if (!began_) return 0;
  if (!unsent_head_.empty() && announced_ == 0) send({});  // an empty body: the head alone
  if (broken_ || body_bytes_ != announced_) {
    // The head promised announced_ bytes: only closing the connection tells
    // the client the body is short (rather than the next reply's bytes).
    if (!broken_) {
      spdlog::warn("request {}: the body ended after {} of its {} bytes; the connection is closed", request_id_,
                   body_bytes_, announced_);
    }
    ::shutdown(target_.fd, SHUT_RDWR);
    return body_bytes_;
  }
  if (!rest_.empty()) {
    if (!send_rest_later(target_.writer, std::move(rest_), until_written_, keep_)) return 0;
    return body_bytes_;
  }
  if (!keep_) ::shutdown(target_.fd, SHUT_WR);
  return body_bytes_;
}

}  // namespace nexus::host::http
