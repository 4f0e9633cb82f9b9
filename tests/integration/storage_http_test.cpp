// The storage REST surface of a real nexusd (fs, memory and apikey
// plugins) over loopback: round trips, ranges, listings, errors, hostile
// keys. One server for the whole suite; every test uses its own keys.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <regex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/nexusd_process.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;

const std::string kOpsKey = "ops-key-0123456789abcdef";

class StorageHttp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = std::make_unique<TempDir>();
    const json config = {
        {"http", {{"max_body_bytes", 1 << 20}}},
        {"instances",
         {{"files", {{"plugin", "fs"}, {"config", {{"root", (data_->path() / "files").string()}, {"fsync", false}}}}},
          {"other", {{"plugin", "fs"}, {"config", {{"root", (data_->path() / "other").string()}, {"fsync", false}}}}},
          {"mem", {{"plugin", "memory"}, {"config", json::object()}}},
          {"keys",
           {{"plugin", "apikey"},
            {"config", {{"keys", {{{"id", "ops"}, {"sha256", sha256_hex(kOpsKey)}, {"scopes", {"*"}}}}}}}}}}},
        {"routes", {{"storage", {{"auth", {"keys"}}}}, {"admin", {{"auth", {"keys"}}}}}}};
    server_ = std::make_unique<NexusdProcess>(config);
  }
  static void TearDownTestSuite() {
    server_.reset();
    data_.reset();
  }

  HttpClient client() const { return HttpClient(server_->port()); }
  static HeaderList auth(HeaderList more = {}) {
    more.emplace_back("Authorization", "Bearer " + kOpsKey);
    return more;
  }
  static json error_of(const HttpResponse& r) {
    const json j = json::parse(r.body, nullptr, false);
    EXPECT_TRUE(j.is_object() && j.contains("error")) << "not an error body: " << r.body;
    return j.is_object() && j.contains("error") ? j["error"] : json::object();
  }

  static std::unique_ptr<TempDir> data_;
  static std::unique_ptr<NexusdProcess> server_;
};

std::unique_ptr<TempDir> StorageHttp::data_;
std::unique_ptr<NexusdProcess> StorageHttp::server_;

TEST_F(StorageHttp, HealthAndReady) {
  const auto health = client().get("/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(json::parse(health.body), json({{"status", "ok"}}));
  EXPECT_TRUE(std::regex_match(health.header("x-request-id"), std::regex("req-[0-9a-f]{16}")))
      << health.header("x-request-id");

  const auto ready = client().get("/ready");
  EXPECT_EQ(ready.status, 200) << ready.body;
  const json body = json::parse(ready.body);
  EXPECT_EQ(body["status"], "ready");
  EXPECT_EQ(body["instances"]["files"]["healthy"], true) << ready.body;
}

TEST_F(StorageHttp, HeadWorksOnEveryGetRoute) {
  const auto health = client().head("/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "");
  EXPECT_EQ(health.header("content-length"), std::to_string(std::string(R"({"status":"ok"})").size()));
  const auto listing = client().head("/v1/storage/files?limit=1", auth());
  EXPECT_EQ(listing.status, 200);
  EXPECT_EQ(listing.body, "");
  EXPECT_EQ(client().head("/nope").status, 404);
}

TEST_F(StorageHttp, RequestIdIsEchoedWhenSafeAndReplacedOtherwise) {
  EXPECT_EQ(client().get("/health", {{"X-Request-Id", "trace.abc-123_X"}}).header("x-request-id"), "trace.abc-123_X");
  const std::string bad = client().get("/health", {{"X-Request-Id", "bad id with spaces"}}).header("x-request-id");
  EXPECT_TRUE(bad.starts_with("req-")) << bad;
  EXPECT_TRUE(
      client().get("/health", {{"X-Request-Id", std::string(65, 'a')}}).header("x-request-id").starts_with("req-"));
}

TEST_F(StorageHttp, PutGetHeadDeleteRoundTrip) {
  const std::string body = "hello, nexus\n";
  const auto put = client().put(
      "/v1/storage/files/round/trip.txt", body,
      auth({{"Content-Type", "text/plain"}, {"X-Nexus-Meta-Call-Id", "c-42"}, {"x-nexus-meta-agent", "Ada Lovelace"}}));
  ASSERT_EQ(put.status, 200) << put.body;
  const json info = json::parse(put.body);
  EXPECT_EQ(info["key"], "round/trip.txt");
  EXPECT_EQ(info["size"], body.size());
  EXPECT_EQ(info["content_type"], "text/plain");
  ASSERT_TRUE(info["etag"].is_string());
  const std::string etag = "\"" + info["etag"].get<std::string>() + "\"";
  EXPECT_EQ(put.header("etag"), etag);

  const auto get = client().get("/v1/storage/files/round/trip.txt", auth());
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(get.body, body);
  EXPECT_EQ(get.header("content-type"), "text/plain");
  EXPECT_EQ(get.header("content-length"), std::to_string(body.size()));
  EXPECT_EQ(get.header("etag"), etag);
  EXPECT_EQ(get.header("accept-ranges"), "bytes");
  EXPECT_EQ(get.header("x-nexus-meta-call-id"), "c-42");
  EXPECT_EQ(get.header("x-nexus-meta-agent"), "Ada Lovelace");
  EXPECT_TRUE(
      std::regex_match(get.header("last-modified"),
                       std::regex("[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT")))
      << get.header("last-modified");

  const auto head = client().head("/v1/storage/files/round/trip.txt", auth());
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.header("content-length"), std::to_string(body.size()));
  EXPECT_EQ(head.header("content-type"), "text/plain");
  EXPECT_EQ(head.header("etag"), etag);
  EXPECT_EQ(head.header("last-modified"), get.header("last-modified"));
  EXPECT_EQ(head.header("x-nexus-meta-call-id"), "c-42");

  const auto del = client().del("/v1/storage/files/round/trip.txt", auth());
  EXPECT_EQ(del.status, 204) << del.body;
  EXPECT_EQ(del.body, "");
  EXPECT_FALSE(del.has_header("content-length"));

  const auto gone = client().get("/v1/storage/files/round/trip.txt", auth());
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(error_of(gone)["code"], "not_found");
  EXPECT_EQ(client().head("/v1/storage/files/round/trip.txt", auth()).status, 404);
  const auto again = client().del("/v1/storage/files/round/trip.txt", auth());
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(error_of(again)["code"], "not_found");
}

TEST_F(StorageHttp, PutWithoutContentTypeIsOctetStream) {
  ASSERT_EQ(client().put("/v1/storage/mem/raw.bin", std::string("\0\1\2", 3), auth()).status, 200);
  const auto get = client().get("/v1/storage/mem/raw.bin", auth());
  EXPECT_EQ(get.body, std::string("\0\1\2", 3));
  EXPECT_EQ(get.header("content-type"), "application/octet-stream");
}

TEST_F(StorageHttp, EmptyObject) {
  ASSERT_EQ(client().put("/v1/storage/files/empty", "", auth()).status, 200);
  const auto get = client().get("/v1/storage/files/empty", auth());
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "");
  EXPECT_EQ(get.header("content-length"), "0");
  EXPECT_EQ(client().head("/v1/storage/files/empty", auth()).header("content-length"), "0");
}

TEST_F(StorageHttp, ConditionalPuts) {
  const std::string path = "/v1/storage/files/cond/a.txt";
  const auto created = client().put(path, "one", auth({{"If-None-Match", "*"}}));
  EXPECT_EQ(created.status, 201) << created.body;
  const auto exists = client().put(path, "two", auth({{"If-None-Match", "*"}}));
  EXPECT_EQ(exists.status, 409) << exists.body;
  EXPECT_EQ(error_of(exists)["code"], "already_exists");

  const std::string etag = created.header("etag");
  ASSERT_FALSE(etag.empty());
  const auto stale = client().put(path, "three", auth({{"If-Match", "\"not-the-etag\""}}));
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(client().get(path, auth()).body, "one");
  const auto matched = client().put(path, "four", auth({{"If-Match", etag}}));
  EXPECT_EQ(matched.status, 200) << matched.body;
  EXPECT_EQ(client().get(path, auth()).body, "four");
}

TEST_F(StorageHttp, Ranges) {
  const std::string path = "/v1/storage/files/range/alphabet.txt";
  const std::string abc = "abcdefghijklmnopqrstuvwxyz";
  ASSERT_EQ(client().put(path, abc, auth({{"Content-Type", "text/plain"}})).status, 200);

  auto range = [&](const std::string& spec) { return client().get(path, auth({{"Range", spec}})); };
  auto r = range("bytes=0-4");
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, "abcde");
  EXPECT_EQ(r.header("content-range"), "bytes 0-4/26");
  EXPECT_EQ(r.header("content-length"), "5");
  EXPECT_EQ(r.header("content-type"), "text/plain");

  r = range("bytes=20-");
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, "uvwxyz");
  EXPECT_EQ(r.header("content-range"), "bytes 20-25/26");

  r = range("bytes=-3");
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, "xyz");
  EXPECT_EQ(r.header("content-range"), "bytes 23-25/26");

  r = range("bytes=-100");  // longer than the object: all of it
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, abc);
  EXPECT_EQ(r.header("content-range"), "bytes 0-25/26");

  r = range("bytes=24-1000");  // clamped to the end
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, "yz");
  EXPECT_EQ(r.header("content-range"), "bytes 24-25/26");

  r = range("bytes=26-");
  EXPECT_EQ(r.status, 416) << r.body;
  EXPECT_EQ(r.header("content-range"), "bytes */26");
  EXPECT_EQ(error_of(r)["code"], "out_of_range");

  r = range("bytes=-0");
  EXPECT_EQ(r.status, 416) << r.body;
  EXPECT_EQ(r.header("content-range"), "bytes */26");

  // Ignored Range headers: the whole object with 200.
  for (const std::string spec : {"bytes=0-1,3-4", "bytes=5-2", "bytes=x-y", "items=0-1", "bytes 0-1", "bytes="}) {
    r = range(spec);
    EXPECT_EQ(r.status, 200) << spec;
    EXPECT_EQ(r.body, abc) << spec;
    EXPECT_FALSE(r.has_header("content-range")) << spec;
  }

  EXPECT_EQ(client().get("/v1/storage/files/range/missing", auth({{"Range", "bytes=0-1"}})).status, 404);
}

TEST_F(StorageHttp, UnknownPathsAndInstances) {
  auto r = client().get("/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(error_of(r)["code"], "not_found");
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(client().get("/v1/storage", auth()).status, 404);
  EXPECT_EQ(client().get("/v1/storage/", auth()).status, 404);

  r = client().get("/v1/storage/nosuch/a.txt", auth());
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(error_of(r)["message"].get<std::string>().find("'nosuch'"), std::string::npos) << r.body;
  r = client().get("/v1/storage/nosuch", auth());
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(error_of(r)["message"].get<std::string>().find("'nosuch'"), std::string::npos) << r.body;

  r = client().put("/v1/storage/keys/a.txt", "x", auth());  // an auth instance, not storage
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(error_of(r)["message"].get<std::string>().find("not a storage instance"), std::string::npos) << r.body;
}

TEST_F(StorageHttp, MethodNotAllowed) {
  auto r = client().request("POST", "/v1/storage/files/a.txt", auth(), "x");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "GET, HEAD, PUT, DELETE");
  EXPECT_EQ(error_of(r)["code"], "method_not_allowed");

  r = client().request("PUT", "/health", {}, "x");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "GET, HEAD");

  r = client().del("/v1/storage/files", auth());
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "GET, HEAD");

  r = client().request("PATCH", "/v1/plugins", auth(), "x");
  EXPECT_EQ(r.status, 405);
}

TEST_F(StorageHttp, BodyOverTheLimitIs413) {
  // Just over http.max_body_bytes: our JSON error.
  const std::string over(1u << 20 | 1u, 'x');
  auto r = client().put("/v1/storage/files/big/over.bin", over, auth());
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(error_of(r)["code"], "resource_exhausted");
  EXPECT_NE(error_of(r)["message"].get<std::string>().find("max_body_bytes"), std::string::npos);

  // Far over: pistache refuses it before our handler sees it; still 413.
  const std::string far(4u << 20, 'y');
  r = client().put("/v1/storage/files/big/far.bin", far, auth());
  EXPECT_EQ(r.status, 413);

  EXPECT_EQ(client().head("/v1/storage/files/big/over.bin", auth()).status, 404);
  EXPECT_EQ(client().head("/v1/storage/files/big/far.bin", auth()).status, 404);

  // Exactly at the limit is fine.
  const std::string at(1u << 20, 'z');
  r = client().put("/v1/storage/files/big/at.bin", at, auth());
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(client().get("/v1/storage/files/big/at.bin", auth()).body, at);
  EXPECT_EQ(client().get("/health").status, 200);
}

TEST_F(StorageHttp, TraversalAndBadKeysAre400AndWriteNothing) {
  const std::filesystem::path root = data_->path() / "files";
  const std::vector<std::string> bad = {"..%2F..%2Fescape-1.txt",
                                        "..%2Fescape-2.txt",
                                        "a%00b",
                                        "a%FFb",
                                        "a%C3",
                                        "a%5Cb",
                                        "%2E%2E/escape-3.txt",
                                        "a/../../escape-4.txt",
                                        "./a",
                                        "a//b",
                                        "a/",
                                        "%2Fabs",
                                        "a%zzb",
                                        "a%2",
                                        "..",
                                        "a/%2e%2e/%2e%2e/escape-5.txt"};
  for (const auto& key : bad) {
    const std::string path = "/v1/storage/files/" + key;
    const auto r = client().put(path, "evil", auth());
    EXPECT_EQ(r.status, 400) << key << ": " << r.body;
    EXPECT_EQ(error_of(r)["code"], "invalid_argument") << key;
    EXPECT_EQ(client().get(path, auth()).status, 400) << key;
    EXPECT_EQ(client().del(path, auth()).status, 400) << key;
  }
  // Nothing named escape-* anywhere under the data folder (root's parents).
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_->path())) {
    EXPECT_EQ(entry.path().filename().string().find("escape"), std::string::npos) << entry.path();
  }
  EXPECT_FALSE(std::filesystem::exists(root / "a\\b"));
}

TEST_F(StorageHttp, PercentEncodedKeysRoundTrip) {
  const std::vector<std::string> keys = {"with space/file name.txt",
                                         "unicode/ünïcødé ✓.txt",
                                         "plus+sign",
                                         "q?mark&amp=1",
                                         "hash#tag",
                                         "percent%41literal",
                                         "quote\"s"};
  for (const auto& key : keys) {
    const std::string path = "/v1/storage/files/enc/" + url_encode(key);
    const auto put = client().put(path, "v:" + key, auth());
    ASSERT_EQ(put.status, 200) << key << ": " << put.body;
    EXPECT_EQ(json::parse(put.body)["key"], "enc/" + key);
    const auto get = client().get(path, auth());
    EXPECT_EQ(get.status, 200) << key;
    EXPECT_EQ(get.body, "v:" + key);
  }
  // '%2F' decodes to '/': the same object as the literal slash.
  ASSERT_EQ(client().put("/v1/storage/files/enc/dir%2Fslash", "s", auth()).status, 200);
  EXPECT_EQ(client().get("/v1/storage/files/enc/dir/slash", auth()).body, "s");

  const auto list = client().get("/v1/storage/files?prefix=" + url_encode("enc/", false) + "&limit=1000", auth());
  ASSERT_EQ(list.status, 200) << list.body;
  const json listing = json::parse(list.body);
  std::set<std::string> listed;
  for (const auto& o : listing["objects"]) listed.insert(o["key"].get<std::string>());
  for (const auto& key : keys) EXPECT_TRUE(listed.count("enc/" + key)) << key;
}

TEST_F(StorageHttp, ListingPagesThroughEveryKeyExactlyOnce) {
  std::set<std::string> expected;
  for (int i = 0; i < 26; ++i) {
    const std::string key = "page/" + std::string(1, static_cast<char>('a' + i)) + "/" + std::to_string(i);
    ASSERT_EQ(client().put("/v1/storage/files/" + key, std::to_string(i), auth()).status, 200);
    expected.insert(key);
  }
  ASSERT_EQ(client().put("/v1/storage/files/pagf-outside", "x", auth()).status, 200);

  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  while (true) {
    std::string path = "/v1/storage/files?prefix=page%2F&limit=3";
    if (!cursor.empty()) path += "&cursor=" + url_encode(cursor, false);
    const auto r = client().get(path, auth());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/json");
    const json page = json::parse(r.body);
    EXPECT_LE(page["objects"].size(), 3u);
    for (const auto& o : page["objects"]) {
      seen.push_back(o["key"].get<std::string>());
      EXPECT_TRUE(o.contains("size"));
    }
    ASSERT_LT(++pages, 100) << "listing does not end";
    if (!page.contains("next_cursor")) break;
    cursor = page["next_cursor"].get<std::string>();
  }
  EXPECT_GE(pages, 9);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
  EXPECT_EQ(seen.size(), expected.size()) << "a key was listed twice";

  // Default limit (100) lists them all in one page.
  const auto all = json::parse(client().get("/v1/storage/files?prefix=page/", auth()).body);
  EXPECT_EQ(all["objects"].size(), expected.size());
}

TEST_F(StorageHttp, ListingRejectsBadParameters) {
  for (const std::string q :
       {"limit=0", "limit=1001", "limit=abc", "limit=-1", "limit=", "limit=5x", "limt=3", "prefix=%zz"}) {
    const auto r = client().get("/v1/storage/files?" + q, auth());
    EXPECT_EQ(r.status, 400) << q << ": " << r.body;
    EXPECT_EQ(error_of(r)["code"], "invalid_argument") << q;
  }
  EXPECT_EQ(client().get("/v1/storage/files?limit=1000", auth()).status, 200);
  EXPECT_EQ(client().get("/v1/storage/files?limit=1", auth()).status, 200);
  EXPECT_EQ(client().get("/v1/storage/files?cursor=garbage!!", auth()).status, 400);
}

TEST_F(StorageHttp, TwoFsInstancesDoNotShareData) {
  ASSERT_EQ(client().put("/v1/storage/files/shared-name.txt", "in files", auth()).status, 200);
  ASSERT_EQ(client().put("/v1/storage/other/shared-name.txt", "in other", auth()).status, 200);
  ASSERT_EQ(client().put("/v1/storage/files/only-in-files.txt", "x", auth()).status, 200);
  EXPECT_EQ(client().get("/v1/storage/files/shared-name.txt", auth()).body, "in files");
  EXPECT_EQ(client().get("/v1/storage/other/shared-name.txt", auth()).body, "in other");
  EXPECT_EQ(client().get("/v1/storage/other/only-in-files.txt", auth()).status, 404);
  const auto other = json::parse(client().get("/v1/storage/other?limit=1000", auth()).body);
  for (const auto& o : other["objects"]) EXPECT_NE(o["key"], "only-in-files.txt");
  EXPECT_TRUE(std::filesystem::exists(data_->path() / "files" / "only-in-files.txt"));
  EXPECT_FALSE(std::filesystem::exists(data_->path() / "other" / "only-in-files.txt"));
}

TEST_F(StorageHttp, AdminListsPluginsAndRedactedInstances) {
  const auto plugins = client().get("/v1/plugins", auth());
  ASSERT_EQ(plugins.status, 200) << plugins.body;
  std::set<std::string> ids;
  for (const auto& p : json::parse(plugins.body)) {
    ids.insert(p["id"].get<std::string>());
    EXPECT_TRUE(p.contains("version") && p.contains("interfaces") && p.contains("config_schema")) << p.dump();
  }
  EXPECT_TRUE(ids.count("fs") && ids.count("memory") && ids.count("apikey")) << plugins.body;

  const auto instances = client().get("/v1/instances", auth());
  ASSERT_EQ(instances.status, 200) << instances.body;
  std::set<std::string> names;
  for (const auto& i : json::parse(instances.body)) {
    names.insert(i["name"].get<std::string>());
    EXPECT_TRUE(i.contains("plugin") && i.contains("config")) << i.dump();
  }
  EXPECT_EQ(names, (std::set<std::string>{"files", "other", "mem", "keys"}));
  EXPECT_EQ(instances.body.find(kOpsKey), std::string::npos);
}

TEST_F(StorageHttp, AccessLogHasNoCredentials) {
  ASSERT_EQ(client().get("/v1/storage/files?limit=1", auth()).status, 200);
  // The access line is written once the reply is, a moment after the client
  // has it: read the log until it shows (or 2 s pass).
  std::string logs;
  for (int attempt = 0; attempt < 40; ++attempt) {
    logs = server_->stdout_text() + server_->stderr_text();
    if (logs.find("/v1/storage/files") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(logs.find("/v1/storage/files"), std::string::npos) << "no access line logged";
  EXPECT_EQ(logs.find(kOpsKey), std::string::npos) << "a credential reached the log";
}

}  // namespace
}  // namespace nexus::test
