// Request bodies on a kept-alive connection (host/src/http/request_view.hpp,
// take_body): the body is moved out of pistache's parser when the request
// reaches nexusd, so an upload's memory lives as long as its exchange, not
// as long as the connection, and the next request on the connection starts
// from an empty body.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/nexusd_process.hpp"
#include "support/raw_connection.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;

constexpr std::size_t kUpload = 64u << 20;

std::string put(const std::string& key, const std::string& body) {
  return "PUT /v1/storage/files/" + key + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string get(const std::string& key) {
  return "GET /v1/storage/files/" + key + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

// The process's resident set, MiB (0 when it cannot be read).
std::size_t rss_mib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6)) / 1024;
  return 0;
}

class HttpUpload : public ::testing::Test {
 protected:
  HttpUpload()
      : server({{"http", {{"max_body_bytes", 2 * kUpload}}},
                {"instances",
                 {{"files", {{"plugin", "fs"}, {"config", {{"root", root.path().string()}, {"fsync", false}}}}}}},
                {"routes", {{"health", {{"public", true}}}, {"storage", {{"public", true}}}}}}) {}

  TempDir root;
  NexusdProcess server;
};

TEST_F(HttpUpload, AnUploadsMemoryIsFreedWhenItIsAnsweredWhileTheConnectionStaysOpen) {
  RawConnection connection(server.port());
  // Warm up first (workers, the fs instance's first write), then measure.
  ASSERT_TRUE(connection.send_raw(put("warm-up", "x")));
  ASSERT_EQ(connection.read_response().first.rfind("HTTP/1.1 200", 0), 0u);
  const std::size_t before = rss_mib(server.pid());
  ASSERT_GT(before, 0u);

  std::string upload(kUpload, '\0');
  for (std::size_t i = 0; i < upload.size(); ++i) upload[i] = static_cast<char>((i * 7 + i / 1021) & 0xff);
  ASSERT_TRUE(connection.send_raw(put("big.bin", upload)));
  const auto [head, body] = connection.read_response();
  ASSERT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head << body;
  EXPECT_EQ(json::parse(body, nullptr, false).value("size", 0u), kUpload) << body;

  // The connection stays open. Before take_body, pistache's parser kept the
  // body's 64 MiB buffer until the connection's next request or its close.
  std::size_t after = rss_mib(server.pid());
  for (int i = 0; i < 60 && after >= before + 16; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    after = rss_mib(server.pid());
  }
  EXPECT_LT(after, before + 16) << "nexusd holds " << after - before << " MiB more after a " << (kUpload >> 20)
                                << " MiB upload was answered";

  // The same connection goes on: the stored object is whole, and a short
  // body and an empty one that follow carry nothing of the big one.
  ASSERT_TRUE(connection.send_raw(get("big.bin")));
  const auto fetched = connection.read_response();
  EXPECT_TRUE(connection.body_complete());
  EXPECT_TRUE(fetched.second == upload) << "the stored object differs from the upload";
  ASSERT_TRUE(connection.send_raw(put("small.txt", "second")));
  ASSERT_EQ(connection.read_response().first.rfind("HTTP/1.1 200", 0), 0u);
  ASSERT_TRUE(connection.send_raw(put("empty.txt", "")));
  ASSERT_EQ(connection.read_response().first.rfind("HTTP/1.1 200", 0), 0u);
  ASSERT_TRUE(connection.send_raw(get("small.txt")));
  EXPECT_EQ(connection.read_response().second, "second");
  ASSERT_TRUE(connection.send_raw(get("empty.txt")));
  EXPECT_EQ(connection.read_response().second, "");
}

}  // namespace
}  // namespace nexus::test
