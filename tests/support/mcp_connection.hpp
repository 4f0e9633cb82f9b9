// support/mcp_connection.hpp — /mcp over raw keep-alive connections, as a
// load generator (wrk) uses them: a tools/call out, one whole response
// (Content-Length or chunked) back, the head kept for tests about framing.
// Header-only; `kAnswerBudgetSeconds` bounds every read.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/mcp_wire.hpp"

namespace nexus::test {

// Generous for a loaded machine; shorter than anything a test waits for
// on purpose (the old 30 s stream write timeout, 10 s tool waits).
inline constexpr int kAnswerBudgetSeconds = 15;

using nlohmann::json;

// One keep-alive HTTP/1.1 connection speaking just enough HTTP for /mcp:
// a request out, one whole response (Content-Length or chunked) back.
class McpConnection {
 public:
  McpConnection(std::uint16_t port, std::string session) : session_(std::move(session)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{kAnswerBudgetSeconds, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~McpConnection() { ::close(fd_); }
  McpConnection(const McpConnection&) = delete;
  McpConnection& operator=(const McpConnection&) = delete;

  // Sends a tools/call without reading the answer.
  bool send_call(const std::string& tool, const std::string& id) {
    const std::string body = json({{"jsonrpc", "2.0"},
                                   {"id", id},
                                   {"method", "tools/call"},
                                   {"params", {{"name", tool}, {"arguments", json::object()}}}})
                                 .dump();
    const std::string request =
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-11-25\r\n"
        "Mcp-Session-Id: " +
        session_ + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return connected_ &&
           ::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size());
  }

  // The body of the next response; nullopt when none came whole within
  // kAnswerBudgetSeconds, the server closed the connection, or what came
  // is not HTTP framing (bytes meant for another connection).
  std::optional<std::string> read_response() {
    try {
      return read_framed();
    } catch (const std::logic_error&) {  // std::stoul on something that is not a length
      return std::nullopt;
    }
  }

  // The status line and headers of the last response read_response() or
  // read_head() read.
  const std::string& head() const { return head_; }

  // Reads only the status line and headers of the next response (a stream
  // that has started); false when none came within kAnswerBudgetSeconds.
  bool read_head() {
    std::size_t head_end;
    while ((head_end = in_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return false;
    head_ = in_.substr(0, head_end);
    in_.erase(0, head_end + 4);
    return true;
  }

  // Everything the server has sent so far and not yet read, without
  // waiting; "" when nothing is there.
  std::string take_available() {
    char buf[8192];
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) break;
      in_.append(buf, static_cast<std::size_t>(n));
    }
    std::string out = std::move(in_);
    in_.clear();
    return out;
  }

 private:
  std::optional<std::string> read_framed() {
    std::size_t head_end;
    while ((head_end = in_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return std::nullopt;
    head_ = in_.substr(0, head_end);
    const std::string& head = head_;
    in_.erase(0, head_end + 4);
    if (head.find("Transfer-Encoding: chunked") == std::string::npos) {
      const auto cl = head.find("Content-Length: ");
      const std::size_t length = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 16));
      while (in_.size() < length)
        if (!fill()) return std::nullopt;
      std::string body = in_.substr(0, length);
      in_.erase(0, length);
      return body;
    }
    std::string body;
    for (;;) {
      std::size_t line_end;
      while ((line_end = in_.find("\r\n")) == std::string::npos)
        if (!fill()) return std::nullopt;
      const std::size_t size = std::stoul(in_.substr(0, line_end), nullptr, 16);
      while (in_.size() < line_end + 2 + size + 2)
        if (!fill()) return std::nullopt;
      body += in_.substr(line_end + 2, size);
      in_.erase(0, line_end + 2 + size + 2);
      if (size == 0) return body;
    }
  }

  bool fill() {
    char buf[8192];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    in_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string session_;
  std::string in_;
  std::string head_;
};

// The last SSE event's data, as JSON (null when there is none).
inline json last_message(const std::string& sse) {
  json last;
  std::size_t pos = 0;
  while ((pos = sse.find("data: ", pos)) != std::string::npos) {
    const std::size_t end = sse.find('\n', pos);
    const std::string data = sse.substr(pos + 6, end - pos - 6);
    if (!data.empty()) last = json::parse(data, nullptr, false);
    pos = end;
  }
  return last;
}

inline std::string open_session(std::uint16_t port) {
  HttpClient http(port);
  const HeaderList headers = {{"Accept", "application/json, text/event-stream"}, {"Content-Type", "application/json"}};
  const json init = mcp_initialize("mcp-load-test");
  const auto r = http.request("POST", "/mcp", headers, init.dump());
  EXPECT_EQ(r.status, 200) << r.body;
  return r.header("mcp-session-id");
}

// `connections` clients, each making `calls` tools/call of `tool` one after
// another on its own keep-alive connection. Returns the calls answered with
// the tool's text.
inline int run_clients(std::uint16_t port, const std::string& session, int connections, int calls, const std::string& tool,
                const std::string& expected_text) {
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < connections; ++c) {
    clients.emplace_back([&, c] {
      McpConnection conn(port, session);
      for (int i = 0; i < calls; ++i) {
        if (!conn.send_call(tool, std::to_string(c) + "-" + std::to_string(i))) return;
        const auto body = conn.read_response();
        if (!body) return;  // unanswered: the rest of this client's calls count as lost
        const json m = last_message(*body);
        if (m.contains("result") && m["result"]["content"][0].value("text", "") == expected_text) ++answered;
      }
    });
  }
  for (auto& t : clients) t.join();
  return answered;
}

// What the conformance fixture's test_simple_text answers.
inline const std::string kSimpleText = "This is a simple text response for testing.";

// The load of bench/run's MCP pair (wrk -c32): 32 keep-alive connections of
// 150 test_simple_text calls each, on a session of the fixture; every call
// must be answered with its text.
inline void expect_every_call_answered_under_load(std::uint16_t port) {
  const std::string session = open_session(port);
  ASSERT_FALSE(session.empty());
  constexpr int kConnections = 32, kCalls = 150;
  EXPECT_EQ(run_clients(port, session, kConnections, kCalls, "test_simple_text", kSimpleText), kConnections * kCalls);
}

}  // namespace nexus::test
