// Large storage GETs sent as the plugin writes them (host/src/http/body_stream.hpp),
// over a raw socket so every byte on the wire is seen. The stuck_storage
// fixture writes patterned bodies (pattern_byte below is its formula) and
// misbehaves on demand: failing midway, writing more or fewer bytes than the
// object info announced. Whatever happens, the client must never take a
// short or foreign body for the object: either the whole body arrives, or
// the connection closes before Content-Length bytes came.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
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

// tests/plugins/stuck_storage: the byte at `offset` of every patterned body.
std::uint8_t pattern_byte(std::uint64_t offset) { return static_cast<std::uint8_t>((offset * 131 + offset / 4093) & 0xff); }

std::string pattern(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>(pattern_byte(i));
  return s;
}

json config(const TempDir& root, int request_timeout_ms = 30000, int slow_ms = 500) {
  return {{"plugin_dirs", {NEXUS_TEST_PLUGIN_DIR}},
          {"http", {{"max_body_bytes", 16 << 20}, {"request_timeout_ms", request_timeout_ms}}},
          {"instances",
           {{"stuck", {{"plugin", "stuck_storage"}, {"config", {{"slow_ms", slow_ms}}}}},
            {"files", {{"plugin", "fs"}, {"config", {{"root", root.path().string()}}}}}}},
          {"routes", {{"health", {{"public", true}}}, {"storage", {{"public", true}}}}}};
}

std::string get(const std::string& path) { return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"; }

bool has_header(const std::string& head, const std::string& line) { return head.find(line + "\r\n") != std::string::npos; }

// One nexusd with the fixture and an fs instance, and a connection to it.
class HttpBodyStream : public ::testing::Test {
 protected:
  // GET /v1/storage/stuck/<key> on the connection: the head (a 200
  // announcing `announced` bytes) and whatever came of the body.
  std::pair<std::string, std::string> fetch(const std::string& key, std::uint64_t announced) {
    EXPECT_TRUE(connection.send_raw(get("/v1/storage/stuck/" + key)));
    auto response = connection.read_response();
    EXPECT_EQ(response.first.rfind("HTTP/1.1 200 OK", 0), 0u) << response.first;
    EXPECT_TRUE(has_header(response.first, "Content-Length: " + std::to_string(announced))) << response.first;
    return response;
  }

  TempDir root;
  NexusdProcess server{config(root)};
  RawConnection connection{server.port()};
};

TEST_F(HttpBodyStream, AWholeLargeObjectArrivesIntactAndTheConnectionStaysUsable) {
  for (int round = 0; round < 2; ++round) {
    const auto [head, body] = fetch("big", 4 << 20);
    EXPECT_TRUE(has_header(head, "Content-Type: application/octet-stream")) << head;
    EXPECT_NE(head.find("X-Request-Id: "), std::string::npos) << head;
    ASSERT_TRUE(connection.body_complete());
    EXPECT_TRUE(body == pattern(4 << 20)) << "round " << round << ": the body differs from the fixture's bytes";
  }
  ASSERT_TRUE(connection.send_raw(get("/health")));
  EXPECT_EQ(connection.read_response().first.rfind("HTTP/1.1 200", 0), 0u);
}

TEST_F(HttpBodyStream, AnFsObjectKeepsItsHeadersAndEveryByte) {
  std::string object(3 << 20, '\0');
  std::mt19937 random(5);
  for (auto& ch : object) ch = static_cast<char>(random());
  HttpClient client(server.port());
  const auto put = client.put("/v1/storage/files/call.wav", object, {{"Content-Type", "audio/wav"}});
  ASSERT_EQ(put.status, 200) << put.body;
  const std::string etag = json::parse(put.body)["etag"].get<std::string>();

  RawConnection& c = connection;
  ASSERT_TRUE(c.send_raw(get("/v1/storage/files/call.wav")));
  const auto [head, body] = c.read_response();
  ASSERT_EQ(head.rfind("HTTP/1.1 200 OK", 0), 0u) << head;
  EXPECT_TRUE(has_header(head, "Content-Type: audio/wav")) << head;
  EXPECT_TRUE(has_header(head, "ETag: \"" + etag + "\"")) << head;
  EXPECT_TRUE(has_header(head, "Accept-Ranges: bytes")) << head;
  ASSERT_TRUE(c.body_complete());
  EXPECT_TRUE(body == object);
  // A range of the same object is still answered whole (206), not streamed.
  ASSERT_TRUE(c.send_raw("GET /v1/storage/files/call.wav HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=100-199\r\n\r\n"));
  const auto [range_head, range_body] = c.read_response();
  ASSERT_EQ(range_head.rfind("HTTP/1.1 206", 0), 0u) << range_head;
  EXPECT_EQ(range_body, object.substr(100, 100));
}

TEST_F(HttpBodyStream, ABodyThatFailsMidwayClosesTheConnectionAfterWhatWasSent) {
  const auto [head, body] = fetch("fails-midway", 1 << 20);
  EXPECT_FALSE(connection.body_complete()) << "a body cut short must not look whole";
  EXPECT_EQ(body.size(), 256u << 10);
  EXPECT_TRUE(body == pattern(body.size()));
  EXPECT_TRUE(connection.closed_by_server());
  EXPECT_NE(server.stderr_text().find("failed after its reply began"), std::string::npos) << server.stderr_text();
}

TEST_F(HttpBodyStream, BytesPastTheAnnouncedSizeAreNeverSent) {
  const auto [head, body] = fetch("too-long", 128 << 10);
  ASSERT_TRUE(connection.body_complete());
  EXPECT_TRUE(body == pattern(128 << 10));
  // The plugin's extra 64 KiB would otherwise be read as the next response.
  const auto rest = connection.received_until_closed();
  ASSERT_TRUE(rest.has_value()) << "the connection stayed open after a plugin wrote past the size";
  EXPECT_EQ(rest->size(), 0u);
  EXPECT_NE(server.stderr_text().find("more body bytes than the object's size"), std::string::npos);
}

TEST_F(HttpBodyStream, ABodyShorterThanAnnouncedClosesTheConnection) {
  const auto [head, body] = fetch("short", 128 << 10);
  EXPECT_FALSE(connection.body_complete());
  EXPECT_EQ(body.size(), 64u << 10);
  EXPECT_TRUE(body == pattern(body.size()));
  EXPECT_TRUE(connection.closed_by_server());
}

std::string random_bytes(std::size_t size, unsigned seed) {
  std::string s(size, '\0');
  std::mt19937 random(seed);
  for (auto& ch : s) ch = static_cast<char>(random());
  return s;
}

std::size_t open_descriptors(pid_t pid) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    ++n;
  return n;
}

TEST_F(HttpBodyStream, AnFsObjectReplacedDuringADownloadArrivesWholeAsItWas) {
  // fs offers objects as files and nexusd sends them with sendfile; a put
  // renames a new file over the old one, so a download under way keeps
  // sending the old file. The client reads late (a small window, and 1 s
  // before it reads at all, while the object is replaced), then takes the
  // body whole.
  const std::string before = random_bytes(8 << 20, 1), after = random_bytes(8 << 20, 2);
  HttpClient client(server.port());
  ASSERT_EQ(client.put("/v1/storage/files/call.wav", before).status, 200);
  RawConnection slow(server.port(), 16 << 10, 20);
  ASSERT_TRUE(slow.send_raw(get("/v1/storage/files/call.wav")));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(client.put("/v1/storage/files/call.wav", after).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  const auto [head, body] = slow.read_response();
  ASSERT_EQ(head.rfind("HTTP/1.1 200 OK", 0), 0u) << head;
  ASSERT_TRUE(slow.body_complete());
  EXPECT_TRUE(body == before) << "the download mixed the old and the new object";
  EXPECT_TRUE(client.get("/v1/storage/files/call.wav").body == after);
}

TEST_F(HttpBodyStream, DownloadsLeaveNoDescriptorOpen) {
  // Every GET of an fs object opens its file; whoever ends the download
  // (the body sent, or the client gone halfway), the descriptor is closed.
  ASSERT_EQ(HttpClient(server.port()).put("/v1/storage/files/big.bin", random_bytes(1 << 20, 3)).status, 200);
  ASSERT_EQ(HttpClient(server.port()).put("/v1/storage/files/small.bin", random_bytes(1000, 4)).status, 200);
  ASSERT_EQ(HttpClient(server.port()).get("/v1/storage/files/big.bin").status, 200);  // warm-up
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::size_t open_before = open_descriptors(server.pid());
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(HttpClient(server.port()).get("/v1/storage/files/big.bin").body.size(), 1u << 20);
    ASSERT_EQ(HttpClient(server.port()).get("/v1/storage/files/small.bin").body.size(), 1000u);
    RawConnection leaving(server.port(), 16 << 10);
    ASSERT_TRUE(leaving.send_raw(get("/v1/storage/files/big.bin")));
  }  // each `leaving` hangs up with most of the body unsent
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));  // past the 2 s a worker waits for a reader
  EXPECT_LE(open_descriptors(server.pid()), open_before);
}

TEST(HttpBodyStreamAbi, AStorageTableBuiltBeforeOnOpenIsServedThroughGet) {
  // tests/plugins/broken_storage_traversal built as storage_abi_1_0: its
  // table's struct_size ends before on_open (ABI 1.1); the field it does not
  // declare holds a function that aborts.
  NexusdProcess server({{"plugin_dirs", {NEXUS_TEST_PLUGIN_DIR}},
                        {"instances", {{"old", {{"plugin", "storage_abi_1_0"}}}}},
                        {"routes", {{"health", {{"public", true}}}, {"storage", {{"public", true}}}}}});
  const std::string object = random_bytes(200 << 10, 5);  // large enough to be streamed
  HttpClient client(server.port());
  ASSERT_EQ(client.put("/v1/storage/old/a.bin", object).status, 200);
  const auto got = client.get("/v1/storage/old/a.bin");
  ASSERT_EQ(got.status, 200) << got.body.substr(0, 300);
  EXPECT_TRUE(got.body == object);
  EXPECT_EQ(client.get("/health").status, 200);
}

TEST(HttpBodyStreamDeadline, TheDeadlineNeverWritesIntoABodyUnderWay) {
  // The request's deadline (300 ms) passes while the plugin pauses halfway
  // through the body (1 s). The 504 the deadline would send must not land
  // in the middle of the body: the client gets the body whole, or a cut
  // body and a closed connection — never foreign bytes.
  TempDir root;
  NexusdProcess server(config(root, 300, 1000));
  RawConnection c(server.port());
  ASSERT_TRUE(c.send_raw(get("/v1/storage/stuck/slow-body")));
  const auto [head, body] = c.read_response();
  ASSERT_EQ(head.rfind("HTTP/1.1 200 OK", 0), 0u) << head;
  EXPECT_TRUE(body == pattern(body.size())) << "foreign bytes in the body";
  EXPECT_EQ(body.find("deadline"), std::string::npos);
  if (!c.body_complete()) EXPECT_TRUE(c.closed_by_server());
  // Either way the server still answers.
  EXPECT_EQ(HttpClient(server.port()).get("/health").status, 200);
}

}  // namespace
}  // namespace nexus::test
