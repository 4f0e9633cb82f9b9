// How replies reach the socket (host/src/http/reply_writer.hpp): written
// straight to the connection, on a duplicate of its descriptor when a
// worker answers, with what a slow client does not take handed to pistache.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/nexusd_process.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port, int receive_buffer = 0) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    // Set before connecting, so the advertised window stays small too.
    if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    timeval tv{20, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("connect failed");
  }
  ~RawConnection() { ::close(fd_); }

  bool send_text(const std::string& text) {
    return ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
  }
  // One response with a Content-Length body: {head, body}; the head is
  // empty when none came whole.
  std::pair<std::string, std::string> read_response() {
    std::size_t end;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return {};
    std::string head = in_.substr(0, end + 4);
    const auto cl = head.find("Content-Length: ");
    const std::size_t length = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 16));
    while (in_.size() < end + 4 + length)
      if (!fill()) return {};
    std::string body = in_.substr(end + 4, length);
    in_.erase(0, end + 4 + length);
    return {head, body};
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
};

TEST(HttpReplyWrite, ALargeBodyReachesAClientThatReadsLate) {
  // 8 MiB to a client with a small receive window that reads nothing for
  // longer than a worker waits (2 s): most of the body is handed to
  // pistache and must still arrive whole and in order.
  TempDir root;
  NexusdProcess server({{"http", {{"max_body_bytes", 16 << 20}}},
                        {"instances", {{"files", {{"plugin", "fs"}, {"config", {{"root", root.path().string()}}}}}}},
                        {"routes", {{"health", {{"public", true}}}, {"storage", {{"public", true}}}}}});
  std::string object(8 << 20, '\0');
  std::mt19937 random(9);
  for (auto& c : object) c = static_cast<char>(random());
  ASSERT_EQ(HttpClient(server.port()).put("/v1/storage/files/big.bin", object).status, 200);

  RawConnection slow(server.port(), 16 << 10);
  ASSERT_TRUE(slow.send_text("GET /v1/storage/files/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  std::this_thread::sleep_for(3s);
  const auto [head, body] = slow.read_response();
  ASSERT_EQ(head.rfind("HTTP/1.1 200 OK", 0), 0u) << head;
  EXPECT_NE(head.find("Content-Length: " + std::to_string(object.size())), std::string::npos) << head;
  EXPECT_TRUE(body == object) << "the body differs from what was stored (" << body.size() << " bytes)";
  // The connection is still usable afterwards.
  ASSERT_TRUE(slow.send_text("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  EXPECT_EQ(slow.read_response().first.rfind("HTTP/1.1 200", 0), 0u);
}

TEST(HttpReplyWrite, AReplyNeverLandsOnTheNextConnection) {
  // A client asks for an object that takes 500 ms and hangs up. The next
  // client connects at once and is usually given the descriptor number the
  // first one had. When the first reply is written, it goes to the first
  // client's socket (gone), never into the second client's connection.
  NexusdProcess server({{"plugin_dirs", {NEXUS_TEST_PLUGIN_DIR}},
                        {"instances", {{"stuck", {{"plugin", "stuck_storage"}, {"config", {{"slow_ms", 500}}}}}}},
                        {"routes", {{"health", {{"public", true}}}, {"storage", {{"public", true}}}}}});
  for (int round = 0; round < 3; ++round) {
    {
      RawConnection gone(server.port());
      ASSERT_TRUE(gone.send_text("GET /v1/storage/stuck/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    }
    RawConnection next(server.port());
    std::this_thread::sleep_for(1s);  // the first reply has been written by now
    ASSERT_TRUE(next.send_text("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    const auto [head, body] = next.read_response();
    ASSERT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
    EXPECT_EQ(body.find("slow"), std::string::npos) << "round " << round << ": the departed client's reply: " << body;
    EXPECT_EQ(head.find("text/plain"), std::string::npos) << head;
  }
}

}  // namespace
}  // namespace nexus::test
