// The swap proof (issue 5): one call-processing scenario, written once,
// run unchanged over REST against a real nexusd whose "calls" storage
// instance is fs, sqlite, s3 (s3rver) or dynamodb (dynalite) — only the
// instance's config block differs. The scenario stores a recording, a
// transcript and call details the way the platform names them, reads them
// back byte for byte, HEADs them, lists by prefix in pages, reads ranges,
// deletes them and sees 404s. On s3 an independent client
// (@aws-sdk/client-s3, tests/peers/s3_read.js) also reads what landed.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/nexusd_process.hpp"
#include "support/peers.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;

const std::string kApiKey = "swap-key-0123456789abcdef";
constexpr const char* kBucket = "nexus-swap";
constexpr const char* kS3Prefix = "swap/";

// Peers and scratch space shared by every backend's run.
struct World {
  TempDir dir;
  std::unique_ptr<PeerProcess> s3rver;
  std::unique_ptr<PeerProcess> dynalite;
};
World& world() {
  static World w;
  return w;
}

// One backend: its name and the config block of the "calls" instance.
struct Backend {
  std::string name;
  std::function<json()> config;
};

// gtest prints a parameter it cannot show as raw bytes; the name says it all.
void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

std::vector<Backend> backends() {
  return {
      {"fs",
       [] {
         return json{{"plugin", "fs"}, {"config", {{"root", (world().dir.path() / "fs").string()}, {"fsync", false}}}};
       }},
      {"sqlite",
       [] {
         return json{{"plugin", "sqlite"}, {"config", {{"path", (world().dir.path() / "calls.db").string()}}}};
       }},
      {"s3",
       [] {
         auto& w = world();
         if (!w.s3rver) {
           auto o = s3rver_options(w.dir.path() / "s3");
           o.argv.insert(o.argv.end(), {"--configure-bucket", kBucket});
           w.s3rver = std::make_unique<PeerProcess>(o);
         }
         return json{{"plugin", "s3"},
                     {"config",
                      {{"bucket", kBucket},
                       {"prefix", kS3Prefix},
                       {"endpoint", w.s3rver->url()},
                       {"access_key_id", "S3RVER"},
                       {"secret_access_key", "S3RVER"}}}};
       }},
      {"dynamodb",
       [] {
         auto& w = world();
         if (!w.dynalite) w.dynalite = std::make_unique<PeerProcess>(dynalite_options());
         return json{{"plugin", "dynamodb"},
                     {"config",
                      {{"table", "nexus-swap"},
                       {"endpoint", w.dynalite->url()},
                       {"access_key_id", "local"},
                       {"secret_access_key", "local"},
                       {"create_table", true}}}};
       }},
  };
}

// A WAV file: a 44-byte PCM header, then 16-bit samples of a pattern.
// 600 KB, so it spans several 384 KiB DynamoDB chunks.
std::string wav_bytes(std::size_t samples) {
  std::string data(samples * 2, '\0');
  std::uint32_t x = 12345;
  for (auto& c : data) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 24);
  }
  auto le32 = [](std::uint32_t v) { return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; };
  auto le16 = [](std::uint16_t v) { return std::string{char(v), char(v >> 8)}; };
  const auto size = static_cast<std::uint32_t>(data.size());
  return "RIFF" + le32(36 + size) + "WAVEfmt " + le32(16) + le16(1) + le16(1) + le32(16000) + le32(32000) + le16(2) +
         le16(16) + "data" + le32(size) + data;
}

class StorageSwap : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    const json config = {
        {"instances",
         {{"calls", GetParam().config()},
          {"keys",
           {{"plugin", "apikey"},
            {"config", {{"keys", {{{"id", "ops"}, {"sha256", sha256_hex(kApiKey)}, {"scopes", {"*"}}}}}}}}}}},
        {"routes", {{"storage", {{"auth", {"keys"}}}}}}};
    server_ = std::make_unique<NexusdProcess>(config);
  }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "--- nexusd stderr ---\n" << server_->stderr_text() << "\n";
  }

  HttpClient client() const { return HttpClient(server_->port()); }
  static HeaderList auth(HeaderList more = {}) {
    more.emplace_back("Authorization", "Bearer " + kApiKey);
    return more;
  }
  static std::string path(const std::string& key) { return "/v1/storage/calls/" + url_encode(key); }

  // Every key under `prefix`, page by page; checks each page's size.
  std::vector<std::string> list_pages(const std::string& prefix, int limit, int* pages) const {
    std::vector<std::string> keys;
    std::string cursor;
    for (*pages = 0; *pages < 100;) {
      std::string url = "/v1/storage/calls?prefix=" + url_encode(prefix, false) + "&limit=" + std::to_string(limit);
      if (!cursor.empty()) url += "&cursor=" + url_encode(cursor, false);
      const auto r = client().get(url, auth());
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      ++*pages;
      const json page = json::parse(r.body);
      EXPECT_LE(page["objects"].size(), static_cast<std::size_t>(limit));
      for (const auto& o : page["objects"]) keys.push_back(o["key"]);
      if (!page.contains("next_cursor")) break;
      cursor = page["next_cursor"];
    }
    return keys;
  }

  std::unique_ptr<NexusdProcess> server_;
};

struct StoredFile {
  std::string key;
  std::string content_type;
  std::string body;
};

TEST_P(StorageSwap, CallArtifactsRoundTripListRangeAndDelete) {
  const std::string task = "task-7f3a";
  const std::vector<StoredFile> files{
      {"recordings/" + task + "/recording.wav", "audio/wav", wav_bytes(300000)},
      {"transcripts/" + task + "/transcript.json", "application/json",
       json{{"task_id", task},
            {"language", "en-GB"},
            {"segments", {{{"start", 0.0}, {"end", 2.5}, {"text", "please transfer my call to billing"}}}}}
           .dump()},
      {"call-detail/" + task + "/call_details.json", "application/json",
       json{{"task_id", task}, {"caller", "+44 20 7946 0000"}, {"agent", "Ada"}, {"duration_s", 18.75}}.dump()},
  };

  // PUT, then GET byte-identical, then HEAD.
  std::map<std::string, std::string> etags;
  for (const auto& f : files) {
    const auto put =
        client().put(path(f.key), f.body, auth({{"Content-Type", f.content_type}, {"X-Nexus-Meta-Task-Id", task}}));
    ASSERT_EQ(put.status, 200) << f.key << ": " << put.body;
    etags[f.key] = put.header("etag");
    EXPECT_FALSE(etags[f.key].empty());
  }
  for (const auto& f : files) {
    const auto get = client().get(path(f.key), auth());
    ASSERT_EQ(get.status, 200) << f.key << ": " << get.body.substr(0, 300);
    EXPECT_TRUE(get.body == f.body) << f.key << ": " << get.body.size() << " bytes back, " << f.body.size()
                                    << " written";
    EXPECT_EQ(get.header("content-type"), f.content_type);
    EXPECT_EQ(get.header("etag"), etags[f.key]);
    EXPECT_EQ(get.header("x-nexus-meta-task-id"), task);
    const auto head = client().head(path(f.key), auth());
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.body, "");
    EXPECT_EQ(head.header("content-length"), std::to_string(f.body.size()));
    EXPECT_EQ(head.header("content-type"), f.content_type);
    EXPECT_EQ(head.header("etag"), etags[f.key]);
  }

  // An independent client reads what the s3 backend wrote.
  if (GetParam().name == "s3") {
    for (const auto& f : files) {
      const auto r = run_command({node_program(), (peers_dir() / "s3_read.js").string(), kBucket, kS3Prefix + f.key},
                                 "", {{"S3_ENDPOINT", world().s3rver->url()}}, std::chrono::seconds(60));
      ASSERT_EQ(r.exit_code, 0) << r.err;
      const json seen = json::parse(r.out);
      EXPECT_EQ(seen["sha256"], sha256_hex(f.body)) << f.key;
      EXPECT_EQ(seen["size"], f.body.size()) << f.key;
      EXPECT_EQ(seen["content_type"], f.content_type) << f.key;
    }
  }

  // Listing by prefix, in pages: more transcripts of other tasks.
  std::set<std::string> transcripts{files[1].key};
  for (int i = 0; i < 7; ++i) {
    const std::string key = "transcripts/task-" + std::to_string(1000 + i) + "/transcript.json";
    ASSERT_EQ(client().put(path(key), "{}", auth({{"Content-Type", "application/json"}})).status, 200) << key;
    transcripts.insert(key);
  }
  int pages = 0;
  EXPECT_EQ(list_pages("transcripts/", 3, &pages), std::vector<std::string>(transcripts.begin(), transcripts.end()));
  EXPECT_GE(pages, 3) << "8 keys in pages of at most 3";
  EXPECT_EQ(list_pages("recordings/" + task + "/", 10, &pages), std::vector<std::string>{files[0].key});
  const auto one =
      json::parse(client().get("/v1/storage/calls?prefix=" + url_encode("call-detail/", false), auth()).body);
  ASSERT_EQ(one["objects"].size(), 1u);
  EXPECT_EQ(one["objects"][0]["key"], files[2].key);
  EXPECT_EQ(one["objects"][0]["size"], files[2].body.size());

  // Ranges of the recording: the WAV header, a slice across the middle, the tail.
  const std::string& wav = files[0].body;
  const std::string total = std::to_string(wav.size());
  struct Case {
    std::string spec, body, content_range;
  };
  const std::vector<Case> ranges{
      {"bytes=0-43", wav.substr(0, 44), "bytes 0-43/" + total},
      {"bytes=393000-394999", wav.substr(393000, 2000), "bytes 393000-394999/" + total},
      {"bytes=-100", wav.substr(wav.size() - 100),
       "bytes " + std::to_string(wav.size() - 100) + "-" + std::to_string(wav.size() - 1) + "/" + total},
  };
  for (const auto& c : ranges) {
    const auto r = client().get(path(files[0].key), auth({{"Range", c.spec}}));
    EXPECT_EQ(r.status, 206) << c.spec;
    EXPECT_TRUE(r.body == c.body) << c.spec;
    EXPECT_EQ(r.header("content-range"), c.content_range) << c.spec;
  }
  EXPECT_EQ(client().get(path(files[0].key), auth({{"Range", "bytes=" + total + "-"}})).status, 416);

  // Delete, then 404 everywhere.
  for (const auto& f : files) EXPECT_EQ(client().del(path(f.key), auth()).status, 204) << f.key;
  for (const auto& f : files) {
    EXPECT_EQ(client().get(path(f.key), auth()).status, 404) << f.key;
    EXPECT_EQ(client().head(path(f.key), auth()).status, 404) << f.key;
    EXPECT_EQ(client().del(path(f.key), auth()).status, 404) << f.key;
  }
  EXPECT_TRUE(list_pages("recordings/" + task + "/", 10, &pages).empty());
}

// The rest of the REST contract, unchanged on every backend: create-only
// and optimistic puts, overwrites that replace type and metadata, empty
// objects, 404s and a bad cursor — plus the two documented differences
// (docs/storage.md): dynamodb refuses a listing prefix shorter than its
// partition part, and s3 listings carry no content type.
TEST_P(StorageSwap, ConditionalWritesOverwritesEmptyObjectsAndErrorsAnswerAlike) {
  const auto code_of = [](const HttpResponse& r) {
    const json j = json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "(not an error body: " + r.body + ")";
  };
  const std::string key = "call-detail/task-cond/call_details.json";
  const auto created = client().put(path(key), "{\"v\":1}", auth({{"If-None-Match", "*"}, {"Content-Type", "application/json"},
                                                                  {"X-Nexus-Meta-Task-Id", "task-cond"}}));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string etag = created.header("etag");
  ASSERT_FALSE(etag.empty());
  const auto again = client().put(path(key), "{\"v\":2}", auth({{"If-None-Match", "*"}}));
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(code_of(again), "already_exists");
  const auto stale = client().put(path(key), "{\"v\":3}", auth({{"If-Match", "\"not-the-etag\""}}));
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(code_of(stale), "failed_precondition");
  EXPECT_EQ(client().get(path(key), auth()).body, "{\"v\":1}") << "refused writes change nothing";
  const auto missing = client().put(path("call-detail/task-none/call_details.json"), "{}", auth({{"If-Match", etag}}));
  EXPECT_EQ(missing.status, 412) << missing.body;
  EXPECT_EQ(client().head(path("call-detail/task-none/call_details.json"), auth()).status, 404);

  // A matching If-Match overwrites; an overwrite replaces type and metadata.
  const auto matched = client().put(path(key), "{\"v\":4}", auth({{"If-Match", etag}}));
  ASSERT_EQ(matched.status, 200) << matched.body;
  EXPECT_NE(matched.header("etag"), etag);
  const auto now = client().get(path(key), auth());
  EXPECT_EQ(now.body, "{\"v\":4}");
  EXPECT_EQ(now.header("content-type"), "application/octet-stream");
  EXPECT_FALSE(now.has_header("x-nexus-meta-task-id")) << "the overwrite carried no metadata";
  const auto old_etag = client().put(path(key), "{}", auth({{"If-Match", etag}}));
  EXPECT_EQ(old_etag.status, 412) << "the first etag no longer matches: " << old_etag.body;

  // An empty object.
  const std::string empty = "transcripts/task-empty/transcript.json";
  ASSERT_EQ(client().put(path(empty), "", auth({{"Content-Type", "application/json"}})).status, 200);
  const auto e = client().get(path(empty), auth());
  EXPECT_EQ(e.status, 200);
  EXPECT_EQ(e.body, "");
  EXPECT_EQ(e.header("content-length"), "0");
  EXPECT_EQ(client().head(path(empty), auth()).header("content-length"), "0");
  EXPECT_EQ(client().get(path(empty), auth({{"Range", "bytes=0-"}})).status, 416);

  // Missing keys and a bad cursor.
  for (const auto& r : {client().get(path("recordings/none/recording.wav"), auth()),
                        client().del(path("recordings/none/recording.wav"), auth())}) {
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(code_of(r), "not_found");
  }
  const auto bad_cursor = client().get("/v1/storage/calls?prefix=transcripts%2F&cursor=garbage!!", auth());
  EXPECT_EQ(bad_cursor.status, 400) << bad_cursor.body;
  EXPECT_EQ(code_of(bad_cursor), "invalid_argument");

  // The documented differences.
  const auto listing = client().get("/v1/storage/calls?prefix=transcripts%2Ftask-empty%2F", auth());
  ASSERT_EQ(listing.status, 200) << listing.body;
  const json objects = json::parse(listing.body)["objects"];
  ASSERT_EQ(objects.size(), 1u);
  if (GetParam().name == "s3")
    EXPECT_EQ(objects[0].value("content_type", ""), "") << "ListObjectsV2 reports no content type";
  else
    EXPECT_EQ(objects[0].value("content_type", ""), "application/json");
  const auto everything = client().get("/v1/storage/calls", auth());
  if (GetParam().name == "dynamodb") {
    EXPECT_EQ(everything.status, 400) << "a prefix spanning partitions is refused, not scanned: " << everything.body;
    EXPECT_EQ(code_of(everything), "invalid_argument");
  } else {
    EXPECT_EQ(everything.status, 200) << everything.body;
  }

  for (const auto& k : {key, empty}) EXPECT_EQ(client().del(path(k), auth()).status, 204) << k;
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageSwap, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace nexus::test
