// How replies reach the socket (host/src/http/reply_writer.hpp): written
// straight to the connection, on a duplicate of its descriptor when a
// worker answers, with what a slow client does not take handed to pistache.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/nexusd_process.hpp"
#include "support/raw_connection.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

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

  RawConnection slow(server.port(), 16 << 10, 20);
  ASSERT_TRUE(slow.send_raw("GET /v1/storage/files/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  std::this_thread::sleep_for(3s);
  const auto [head, body] = slow.read_response();
  ASSERT_EQ(head.rfind("HTTP/1.1 200 OK", 0), 0u) << head;
  EXPECT_NE(head.find("Content-Length: " + std::to_string(object.size())), std::string::npos) << head;
  EXPECT_TRUE(body == object) << "the body differs from what was stored (" << body.size() << " bytes)";
  // The connection is still usable afterwards.
  ASSERT_TRUE(slow.send_raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
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
      ASSERT_TRUE(gone.send_raw("GET /v1/storage/stuck/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    }
    RawConnection next(server.port());
    std::this_thread::sleep_for(1s);  // the first reply has been written by now
    ASSERT_TRUE(next.send_raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    const auto [head, body] = next.read_response();
    ASSERT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
    EXPECT_EQ(body.find("slow"), std::string::npos) << "round " << round << ": the departed client's reply: " << body;
    EXPECT_EQ(head.find("text/plain"), std::string::npos) << head;
  }
}

}  // namespace
}  // namespace nexus::test
