// A plain TCP connection to nexusd on 127.0.0.1, for tests that need to see
// exactly what goes over the wire: several requests on one connection, a
// client that reads late (a small receive window), a server that closes.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace nexus::test {

class RawConnection {
 public:
  // `receive_buffer` > 0: SO_RCVBUF, set before connecting so the advertised
  // window stays small too. Reads give up after `timeout_s` of silence.
  explicit RawConnection(std::uint16_t port, int receive_buffer = 0, int timeout_s = 10)
      : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    timeval tv{timeout_s, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect failed");
    }
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool send_raw(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }

  // One response with a Content-Length body: {head, body}; the head is
  // empty when none came whole, the body short when the connection ended
  // before all of it came (body_complete() says which).
  std::pair<std::string, std::string> read_response() {
    complete_ = false;
    std::size_t end;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return {};
    std::string head = in_.substr(0, end + 4);
    const auto cl = head.find("Content-Length: ");
    const std::size_t length = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 16));
    while (in_.size() < end + 4 + length) {
      if (!fill()) {
        std::string partial = in_.substr(end + 4);
        in_.clear();
        return {head, partial};
      }
    }
    std::string body = in_.substr(end + 4, length);
    in_.erase(0, end + 4 + length);
    complete_ = true;
    return {head, body};
  }
  // Whether the last read_response() got every byte its Content-Length said.
  bool body_complete() const { return complete_; }

  // Sends `request` and reads one whole response, head and body as one text.
  std::string exchange(const std::string& request) {
    if (!send_raw(request)) return "";
    auto [head, body] = read_response();
    return head + body;
  }

  // True when the server closed the connection (recv sees end of stream);
  // bytes already received and not yet read count as not closed.
  bool closed_by_server() {
    if (!in_.empty()) return false;
    char c;
    return ::recv(fd_, &c, 1, 0) == 0;
  }

  // Whatever the server sends until it closes the connection; nullopt when
  // it neither closes nor sends within 10 s.
  std::optional<std::string> received_until_closed() {
    timeval tv{10, 0};  // longer than any idle timeout these tests configure
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string in = std::exchange(in_, {});
    char buf[4096];
    while (true) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return in;
      if (n < 0) return std::nullopt;
      in.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  bool fill() {
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    in_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  std::string in_;
  bool complete_ = false;
};

}  // namespace nexus::test
