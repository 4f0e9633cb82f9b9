// Connection persistence over a raw socket: HTTP/1.1 keeps the connection
// open unless the client sends "Connection: close" (RFC 9112 §9.3), and
// HTTP/1.0 closes unless it asks for keep-alive. pistache 0.0.5 closes by
// default, which cost every client a new TCP connection per request.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/nexusd_process.hpp"
#include "support/raw_connection.hpp"

namespace nexus::test {
namespace {

nlohmann::json config() { return {{"instances", nlohmann::json::object()}, {"routes", {{"health", {{"public", true}}}}}}; }

TEST(HttpConnection, Http11StaysOpenAcrossRequests) {
  NexusdProcess server(config());
  RawConnection c(server.port());
  for (int i = 0; i < 3; ++i) {
    const std::string r = c.exchange("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    ASSERT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << "request " << i << ": " << r;
    EXPECT_NE(r.find("Connection: Keep-Alive"), std::string::npos) << r;
  }
}

TEST(HttpConnection, ConnectionCloseIsHonoured) {
  NexusdProcess server(config());
  RawConnection c(server.port());
  const std::string r = c.exchange("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r;
  EXPECT_NE(r.find("Connection: Close"), std::string::npos) << r;
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpConnection, Http10ClosesUnlessAskedToKeepAlive) {
  NexusdProcess server(config());
  {
    RawConnection c(server.port());
    const std::string r = c.exchange("GET /health HTTP/1.0\r\n\r\n");
    EXPECT_NE(r.find("Connection: Close"), std::string::npos) << r;
    EXPECT_TRUE(c.closed_by_server());
  }
  RawConnection c(server.port());
  const std::string first = c.exchange("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_NE(first.find("Connection: Keep-Alive"), std::string::npos) << first;
  const std::string second = c.exchange("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_NE(second.find(" 200 OK"), std::string::npos) << second;
}

// pistache times a connection out by its "idle" flag, which only its own
// send path sets; nexusd writes replies itself. These pin down that a
// connection between requests is idle (closed quietly after
// http.idle_timeout_ms, never sent a 408), that a long answer is never cut
// by the header timeout, and that a client slow to send its headers still is.
nlohmann::json timeout_config(unsigned header_ms, unsigned idle_ms, unsigned slow_ms) {
  return {{"plugin_dirs", {NEXUS_TEST_PLUGIN_DIR}},
          {"http", {{"header_timeout_ms", header_ms}, {"idle_timeout_ms", idle_ms}}},
          {"instances", {{"stuck", {{"plugin", "stuck_storage"}, {"config", {{"slow_ms", slow_ms}}}}}}},
          {"routes", {{"health", {{"public", true}}}, {"storage", {{"public", true}}}}}};
}

TEST(HttpConnection, AnIdleConnectionGetsNo408AndIsClosedQuietlyAfterTheIdleTimeout) {
  using namespace std::chrono_literals;
  NexusdProcess server(timeout_config(500, 4000, 0));
  RawConnection c(server.port());
  ASSERT_EQ(c.exchange("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").rfind("HTTP/1.1 200", 0), 0u);
  std::this_thread::sleep_for(1500ms);  // three header timeouts; pistache checks twice a second
  const std::string again = c.exchange("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ASSERT_EQ(again.rfind("HTTP/1.1 200", 0), 0u) << "the idle connection was answered or closed: " << again;
  const auto rest = c.received_until_closed();
  ASSERT_TRUE(rest.has_value()) << "not closed after http.idle_timeout_ms";
  EXPECT_EQ(*rest, "") << "an idle connection is closed without a word";
}

TEST(HttpConnection, AnAnswerSlowerThanTheHeaderTimeoutArrivesWhole) {
  NexusdProcess server(timeout_config(500, 300000, 2000));
  RawConnection c(server.port());
  const std::string r = c.exchange("GET /v1/storage/stuck/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ASSERT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r;
  EXPECT_EQ(r.substr(r.size() - 4), "slow") << r;
  // And the connection still serves.
  EXPECT_EQ(c.exchange("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").rfind("HTTP/1.1 200", 0), 0u);
}

TEST(HttpConnection, AnAnswerSlowerThanTheIdleTimeoutArrivesWholeThenTheConnectionCloses) {
  NexusdProcess server(timeout_config(500, 1000, 2500));
  RawConnection c(server.port());
  const std::string r = c.exchange("GET /v1/storage/stuck/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ASSERT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r;
  EXPECT_EQ(r.substr(r.size() - 4), "slow") << r;
  const auto rest = c.received_until_closed();
  ASSERT_TRUE(rest.has_value()) << "pistache gave the connection up during the answer; it must end after it";
  EXPECT_EQ(*rest, "");
}

TEST(HttpConnection, AClientSlowToSendItsHeadersGets408) {
  NexusdProcess server(timeout_config(500, 300000, 0));
  RawConnection c(server.port());
  ASSERT_TRUE(c.send_raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"));  // no blank line: headers unfinished
  const auto rest = c.received_until_closed();
  ASSERT_TRUE(rest.has_value()) << "a client that never finished its headers was kept";
  EXPECT_EQ(rest->rfind("HTTP/1.1 408", 0), 0u) << *rest;
}

}  // namespace
}  // namespace nexus::test
