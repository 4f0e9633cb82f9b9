// The "dynamodb" storage plugin through its C ABI against a real dynalite
// on 127.0.0.1, behind tests/peers/ddb_fault_proxy.js, which checks every
// request's SigV4 signature with @smithy/signature-v4 (dynalite does not)
// and injects throttling, server errors and refusals on demand. The tests
// also read the table directly, to prove what is stored where: the item
// layout, chunk items, and that nothing is left behind.
#include <gtest/gtest.h>

#include <curl/curl.h>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include <nexus/sdk/io.hpp>
#include <nexus_aws/sigv4.hpp>

#include "support/env_guard.hpp"
#include "support/peers.hpp"
#include "support/plugin_harness.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;
namespace sigv4 = nexus::plugins::aws::sigv4;

constexpr const char* kKeyId = "AKIDNEXUSTEST";  // the proxy's one known key
constexpr const char* kSecret = "nexus-test-secret";

// One HTTP POST; returns {status, body}.
std::pair<long, std::string> post(const std::string& url,
                                  const std::vector<std::pair<std::string, std::string>>& headers,
                                  const std::string& body) {
  CURL* h = curl_easy_init();
  curl_slist* list = nullptr;
  for (const auto& [k, v] : headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  std::string out;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 20000L);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
  curl_easy_setopt(
      h, CURLOPT_WRITEFUNCTION, +[](char* d, size_t s, size_t n, void* u) {
        static_cast<std::string*>(u)->append(d, s * n);
        return s * n;
      });
  long status = 0;
  if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(list);
  curl_easy_cleanup(h);
  return {status, out};
}

// A DynamoDB call made by the test itself, straight to dynalite, signed
// with the shared signer. Returns the answer's JSON (with "__status").
json raw_call(int port, const std::string& op, const json& request) {
  const std::string host = "127.0.0.1:" + std::to_string(port);
  const std::string body = request.dump();
  sigv4::Request r;
  r.method = "POST";
  r.path = "/";
  r.headers = {
      {"host", host}, {"content-type", "application/x-amz-json-1.0"}, {"x-amz-target", "DynamoDB_20120810." + op}};
  r.payload_hash = sigv4::sha256_hex(body);
  const auto s = sigv4::sign(r, {kKeyId, kSecret, ""}, {"us-east-1", "dynamodb", false, false},
                             sigv4::amz_date_of(std::time(nullptr)));
  auto headers = r.headers;
  headers.insert(headers.end(), s.added_headers.begin(), s.added_headers.end());
  const auto [status, text] = post("http://" + host + "/", headers, body);
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) j = json::object();
  j["__status"] = status;
  return j;
}

std::string pattern_bytes(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (std::size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s[i] = static_cast<char>(x & 0xff);
  }
  return s;
}

class DynamoPluginTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dynalite_ = std::make_unique<PeerProcess>(dynalite_options());
    proxy_ = std::make_unique<PeerProcess>(node_script_options("ddb_fault_proxy.js", {{"UPSTREAM", dynalite_->url()}}));
  }
  static void TearDownTestSuite() {
    proxy_.reset();
    dynalite_.reset();
  }

  DynamoPluginTest() : plugin_(plugin_path("dynamodb")) { faults(json::array()); }
  void TearDown() override {
    if (HasFailure() && proxy_) {
      const std::string log = proxy_->log();
      std::cerr << "--- proxy output (last 2000 bytes) ---\n"
                << log.substr(log.size() > 2000 ? log.size() - 2000 : 0) << "\n";
    }
  }

  // A table of this test's own, so tests never see each other's items.
  static std::string test_table() {
    std::string name = std::string("t-") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    return name.substr(0, 200);
  }
  static json base_config(const std::string& table = test_table()) {
    return json{
        {"table", table},       {"endpoint", proxy_->url()}, {"access_key_id", kKeyId}, {"secret_access_key", kSecret},
        {"create_table", true}, {"max_retries", 1},          {"timeout_ms", 10000}};
  }
  std::unique_ptr<PluginInstance> make(const json& config) {
    auto c = plugin_.create(config.dump());
    if (c.status != NEXUS_OK) throw std::runtime_error("dynamodb create failed: " + c.error);
    return std::move(c.instance);
  }

  // Replaces the proxy's fault rules (and clears its counters).
  static void faults(const json& rules) {
    post(proxy_->url() + "/__reset", {}, "");
    const auto [status, body] = post(proxy_->url() + "/__faults", {{"Content-Type", "application/json"}}, rules.dump());
    ASSERT_EQ(status, 200) << body;
  }
  static json counts() {
    CURL* h = curl_easy_init();
    std::string body;
    const std::string url = proxy_->url() + "/__count";
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(
        h, CURLOPT_WRITEFUNCTION, +[](char* d, size_t s, size_t n, void* u) {
          static_cast<std::string*>(u)->append(d, s * n);
          return s * n;
        });
    curl_easy_perform(h);
    curl_easy_cleanup(h);
    return json::parse(body, nullptr, false);
  }
  static int count_of(const std::string& target) { return counts().value(target, 0); }

  // Every item of the table, read directly from dynalite.
  static std::vector<json> scan(const std::string& table = test_table()) {
    std::vector<json> items;
    json request{{"TableName", table}};
    for (;;) {
      const json a = raw_call(dynalite_->port(), "Scan", request);
      EXPECT_EQ(a["__status"], 200) << a.dump();
      for (const auto& i : a.value("Items", json::array())) items.push_back(i);
      if (!a.contains("LastEvaluatedKey")) break;
      request["ExclusiveStartKey"] = a["LastEvaluatedKey"];
    }
    return items;
  }
  // Sort keys of the chunk items ("<gen>/<index>") in the table.
  static std::vector<std::string> chunk_items(const std::string& table = test_table()) {
    std::vector<std::string> out;
    for (const auto& i : scan(table))
      if (i.contains("chunk_of")) out.push_back(i["SK"]["S"].get<std::string>());
    std::sort(out.begin(), out.end());
    return out;
  }
  static json raw_item(const std::string& pk, const std::string& sk, const std::string& table = test_table()) {
    const json a = raw_call(dynalite_->port(), "GetItem",
                            {{"TableName", table}, {"Key", {{"PK", {{"S", pk}}}, {"SK", {{"S", sk}}}}}});
    return a.value("Item", json::object());
  }

  std::vector<std::string> list_all(const StorageClient& s, std::string_view prefix, std::uint32_t limit,
                                    int* pages = nullptr) {
    std::vector<std::string> keys;
    std::string cursor;
    for (int n = 0; n < 1000; ++n) {
      const CallResult r = s.list(prefix, cursor, limit);
      EXPECT_TRUE(r.ok()) << r.error;
      if (!r.ok()) break;
      if (pages) ++*pages;
      const auto j = r.json();
      EXPECT_LE(j["objects"].size(), limit);
      for (const auto& o : j["objects"]) keys.push_back(o["key"].get<std::string>());
      if (!j.contains("next_cursor")) break;
      cursor = j["next_cursor"].get<std::string>();
    }
    return keys;
  }

  static inline std::unique_ptr<PeerProcess> dynalite_;
  static inline std::unique_ptr<PeerProcess> proxy_;
  LoadedPlugin plugin_;
};

// --- config and table ----------------------------------------------------------

TEST_F(DynamoPluginTest, DescriptorDeclaresAStrictSchemaWithDescriptionsAndSecrets) {
  const auto& d = plugin_.descriptor();
  EXPECT_STREQ(d.id, "dynamodb");
  EXPECT_EQ(d.concurrency, NEXUS_CONCURRENCY_PARALLEL);
  EXPECT_STREQ(d.interfaces[0], NEXUS_STORAGE_V1);
  const auto schema = json::parse(d.config_schema);
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["required"], json::array({"table"}));
  for (const auto& [name, prop] : schema["properties"].items()) EXPECT_TRUE(prop.contains("description")) << name;
  for (const char* secret : {"access_key_id", "secret_access_key", "session_token"})
    EXPECT_EQ(schema["properties"][secret]["x-nexus-secret"], true) << secret;
  EXPECT_EQ(schema["properties"]["partition_key"]["default"], "PK");
  EXPECT_EQ(schema["properties"]["sort_key"]["default"], "SK");
  EXPECT_EQ(schema["properties"]["key_rule"]["enum"], json::array({"prefix", "single"}));
  EXPECT_EQ(schema["properties"]["chunk_bytes"]["maximum"], 384 * 1024);
  EXPECT_EQ(schema["properties"]["create_table"]["default"], false);
}

TEST_F(DynamoPluginTest, BadConfigIsRefusedWithTheKeyNamed) {
  const std::vector<std::pair<json, std::string>> cases{
      {{{"table", "x"}}, "table"},
      {{{"table", "has space"}}, "table"},
      {{{"key_rule", "hash"}}, "key_rule"},
      {{{"partition_depth", 0}}, "partition_depth"},
      {{{"chunk_bytes", 400 * 1024}}, "chunk_bytes"},
      {{{"chunk_bytes", 10}}, "chunk_bytes"},
      {{{"max_object_bytes", -1}}, "max_object_bytes"},
      {{{"partition_prefix", "a//b"}}, "partition_prefix"},
      {{{"partition_key", "SK"}}, "partition_key"},
      {{{"sort_key", "body"}}, "sort_key"},
      {{{"endpoint", "ftp://x"}}, "endpoint"},
      {{{"colour", "blue"}}, "colour"},
  };
  for (const auto& [patch, name] : cases) {
    json c = base_config();
    c.merge_patch(patch);
    const auto r = plugin_.create(c.dump());
    EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << patch.dump() << ": " << r.error;
    EXPECT_NE(r.error.find(name), std::string::npos) << r.error;
  }
  EXPECT_EQ(count_of("CreateTable"), 0) << "a bad config is refused before DynamoDB is asked anything";
}

TEST_F(DynamoPluginTest, MissingTableFailsInstanceCreationWithAClearMessage) {
  auto c = base_config("no-such-table");
  c["create_table"] = false;
  const auto r = plugin_.create(c.dump());
  EXPECT_EQ(r.status, NEXUS_FAILED_PRECONDITION);
  for (const std::string& part : std::vector<std::string>{"table 'no-such-table' does not exist",
                                                          "ResourceNotFoundException", "create_table", proxy_->url()})
    EXPECT_NE(r.error.find(part), std::string::npos) << part << " missing from: " << r.error;
  EXPECT_EQ(raw_call(dynalite_->port(), "DescribeTable", {{"TableName", "no-such-table"}})["__status"], 400)
      << "nothing was created";
}

TEST_F(DynamoPluginTest, CreateTableMakesTheTableOnDemandOnce) {
  auto first = make(base_config());
  const json d = raw_call(dynalite_->port(), "DescribeTable", {{"TableName", test_table()}});
  ASSERT_EQ(d["__status"], 200) << d.dump();
  EXPECT_EQ(d["Table"]["TableStatus"], "ACTIVE");
  EXPECT_EQ(d["Table"]["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST");
  EXPECT_EQ(d["Table"]["KeySchema"],
            json::parse(R"([{"AttributeName":"PK","KeyType":"HASH"},{"AttributeName":"SK","KeyType":"RANGE"}])"));
  EXPECT_EQ(count_of("CreateTable"), 1);
  auto second = make(base_config());  // the table exists now: no second CreateTable
  EXPECT_EQ(count_of("CreateTable"), 1);
  ASSERT_TRUE(StorageClient(*first).put("a/b", "x").ok());
  EXPECT_EQ(StorageClient(*second).get("a/b").body, "x");
}

TEST_F(DynamoPluginTest, CustomKeyNamesAndATableOfAnotherShapeIsRefused) {
  auto c = base_config();
  c["partition_key"] = "pk";
  c["sort_key"] = "object_key";
  auto inst = make(c);
  ASSERT_TRUE(StorageClient(*inst).put("calls/1.json", "{}").ok());
  const json item = raw_call(
      dynalite_->port(), "GetItem",
      {{"TableName", test_table()}, {"Key", {{"pk", {{"S", "calls"}}}, {"object_key", {{"S", "calls/1.json"}}}}}});
  EXPECT_TRUE(item.contains("Item")) << item.dump();

  const auto r = plugin_.create(base_config().dump());  // PK/SK against a (pk, object_key) table
  EXPECT_EQ(r.status, NEXUS_FAILED_PRECONDITION);
  EXPECT_NE(r.error.find("key schema (pk HASH, object_key RANGE)"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("partition_key"), std::string::npos) << r.error;
}

// --- objects -------------------------------------------------------------------

TEST_F(DynamoPluginTest, ReadAfterWriteOverwriteDelete) {
  auto inst = make(base_config());
  const StorageClient s(*inst);
  const auto put = s.put("a/b.txt", "hello", typed("text/plain", R"({"lang":"en"})"));
  ASSERT_TRUE(put.ok()) << put.error;
  EXPECT_EQ(put.json()["size"], 5);
  EXPECT_EQ(put.json()["key"], "a/b.txt");
  EXPECT_EQ(put.json()["etag"], sigv4::sha256_hex(std::string("hello")));
  EXPECT_EQ(put.json()["last_modified"].get<std::string>().size(), 20u);
  const auto get = s.get("a/b.txt");
  ASSERT_TRUE(get.ok()) << get.error;
  EXPECT_EQ(get.body, "hello");
  EXPECT_EQ(get.json(), put.json());
  EXPECT_EQ(s.head("a/b.txt").json(), get.json());

  const auto second = s.put("a/b.txt", "bye!");
  ASSERT_TRUE(second.ok()) << second.error;
  EXPECT_NE(second.json()["etag"], put.json()["etag"]);
  const auto again = s.get("a/b.txt");
  EXPECT_EQ(again.body, "bye!");
  EXPECT_EQ(again.json()["content_type"], "application/octet-stream");
  EXPECT_TRUE(again.json()["metadata"].empty()) << "an overwrite replaces the metadata too";

  ASSERT_TRUE(s.del("a/b.txt").ok());
  const auto gone = s.get("a/b.txt");
  EXPECT_EQ(gone.status, NEXUS_NOT_FOUND);
  EXPECT_NE(gone.error.find("a/b.txt"), std::string::npos) << gone.error;
  EXPECT_EQ(s.del("a/b.txt").status, NEXUS_NOT_FOUND);
  EXPECT_EQ(s.head("a/b.txt").status, NEXUS_NOT_FOUND);
  EXPECT_EQ(s.get("never/was").status, NEXUS_NOT_FOUND);
  EXPECT_TRUE(scan().empty());
}

TEST_F(DynamoPluginTest, ItemLayoutFollowsTheKeyRule) {
  auto inst = make(base_config());
  ASSERT_TRUE(StorageClient(*inst).put("recordings/t1/call.wav", "RIFF", typed("audio/wav", R"({"lang":"fr"})")).ok());
  const json item = raw_item("recordings", "recordings/t1/call.wav");
  ASSERT_FALSE(item.empty()) << "partition = first segment, sort = the whole key";
  EXPECT_EQ(item["size"]["N"], "4");
  EXPECT_EQ(item["content_type"]["S"], "audio/wav");
  EXPECT_EQ(json::parse(item["metadata"]["S"].get<std::string>()), json({{"lang", "fr"}}));
  EXPECT_EQ(item["etag"]["S"], sigv4::sha256_hex(std::string("RIFF")));
  EXPECT_EQ(item["body"]["B"], "UklGRg==");
  EXPECT_EQ(item["chunks"]["N"], "0");

  auto c = base_config();
  c["partition_depth"] = 2;
  c["partition_prefix"] = "dev#";
  auto deep = make(c);
  ASSERT_TRUE(StorageClient(*deep).put("recordings/t1/call.wav", "x").ok());
  ASSERT_TRUE(StorageClient(*deep).put("short", "y").ok());
  EXPECT_FALSE(raw_item("dev#recordings/t1", "recordings/t1/call.wav").empty());
  EXPECT_FALSE(raw_item("dev#short", "short").empty()) << "a key with fewer segments is its own partition";

  c = base_config();
  c["key_rule"] = "single";
  c["partition_value"] = "all-objects";
  auto single = make(c);
  ASSERT_TRUE(StorageClient(*single).put("recordings/t1/call.wav", "z").ok());
  EXPECT_FALSE(raw_item("all-objects", "recordings/t1/call.wav").empty());
}

TEST_F(DynamoPluginTest, InstancesWithDifferentPartitionPrefixesShareATableUnseen) {
  auto c = base_config();
  c["partition_prefix"] = "dev#";
  auto dev = make(c);
  c["partition_prefix"] = "prod#";
  auto prod = make(c);
  const StorageClient d(*dev), p(*prod);
  ASSERT_TRUE(d.put("calls/k", "dev").ok());
  EXPECT_EQ(p.get("calls/k").status, NEXUS_NOT_FOUND);
  ASSERT_TRUE(p.put("calls/k", "prod").ok());
  ASSERT_TRUE(p.put("calls/only-prod", "x").ok());
  EXPECT_EQ(d.get("calls/k").body, "dev");
  EXPECT_EQ(list_all(d, "calls/", 10), std::vector<std::string>{"calls/k"});
  EXPECT_EQ(list_all(p, "calls/", 10), (std::vector<std::string>{"calls/k", "calls/only-prod"}));
  EXPECT_EQ(d.del("calls/only-prod").status, NEXUS_NOT_FOUND);
}

TEST_F(DynamoPluginTest, RangesInlineAndAcrossChunks) {
  auto c = base_config();
  c["chunk_bytes"] = 1024;
  auto inst = make(c);
  const StorageClient s(*inst);
  ASSERT_TRUE(s.put("r/small", "0123456789").ok());
  EXPECT_EQ(s.get("r/small", std::pair{2, 5}).body, "2345");
  EXPECT_EQ(s.get("r/small", std::pair{7, -1}).body, "789");
  EXPECT_EQ(s.get("r/small", std::pair{-3, -1}).body, "789");
  EXPECT_EQ(s.get("r/small", std::pair{-30, -1}).body, "0123456789");
  EXPECT_EQ(s.get("r/small", std::pair{8, 100}).body, "89");
  const auto ranged = s.get("r/small", std::pair{2, 5});
  EXPECT_EQ(ranged.json()["size"], 10) << "info describes the whole object";
  const auto out = s.get("r/small", std::pair{10, 12});
  EXPECT_EQ(out.status, NEXUS_OUT_OF_RANGE) << out.error;
  ASSERT_FALSE(out.info.empty());
  EXPECT_EQ(out.json()["size"], 10);
  EXPECT_TRUE(out.body.empty());
  EXPECT_EQ(s.get("r/small", std::pair{5, 2}).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(s.get("r/missing", std::pair{-3, -1}).status, NEXUS_NOT_FOUND);

  const std::string big = pattern_bytes(5000, 3);  // 5 chunks: 4 x 1024 + 904
  ASSERT_TRUE(s.put("r/big", big).ok());
  for (const auto& [first, last] : std::vector<std::pair<std::int64_t, std::int64_t>>{
           {0, 1023}, {1023, 1024}, {1000, 3100}, {4096, -1}, {-10, -1}, {0, -1}, {4999, 9999}, {2048, 2048}}) {
    const auto g = s.get("r/big", std::pair{first, last});
    ASSERT_TRUE(g.ok()) << first << "-" << last << ": " << g.error;
    const std::size_t from = first < 0 ? big.size() + first : first;
    const std::size_t to = last < 0 || last >= 5000 ? big.size() : last + 1;
    EXPECT_TRUE(g.body == big.substr(from, to - from)) << first << "-" << last;
    EXPECT_EQ(g.json()["size"], 5000);
  }
  faults(json::array());
  ASSERT_TRUE(s.get("r/big", std::pair{1030, 1040}).ok());
  EXPECT_EQ(count_of("GetItem"), 2) << "a range reads the object's item and only the chunks it touches";
  EXPECT_EQ(s.get("r/big", std::pair{5000, -1}).status, NEXUS_OUT_OF_RANGE);
}

TEST_F(DynamoPluginTest, EmptyObject) {
  auto inst = make(base_config());
  const StorageClient s(*inst);
  ASSERT_TRUE(s.put("e/empty", "").ok());
  const auto e = s.get("e/empty");
  ASSERT_TRUE(e.ok()) << e.error;
  EXPECT_EQ(e.body, "");
  EXPECT_EQ(e.json()["size"], 0);
  EXPECT_EQ(e.json()["etag"], sigv4::sha256_hex(std::string()));
  EXPECT_EQ(s.get("e/empty", std::pair{0, -1}).status, NEXUS_OUT_OF_RANGE);
  EXPECT_EQ(s.get("e/empty", std::pair{-5, -1}).status, NEXUS_OUT_OF_RANGE);
}

TEST_F(DynamoPluginTest, MetadataAndContentTypeRoundTrip) {
  auto inst = make(base_config());
  const StorageClient s(*inst);
  const json meta{{"caller", "+44 20 7946 0000"},
                  {"lang", "fr"},
                  {"title", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"},
                  {"quote", "say \"hi\"\\n"},
                  {"empty", ""}};
  ASSERT_TRUE(s.put("m/x.wav", "RIFF", typed("audio/wav", meta.dump())).ok());
  for (const auto& r : {s.get("m/x.wav"), s.head("m/x.wav")}) {
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.json()["content_type"], "audio/wav");
    EXPECT_EQ(r.json()["metadata"], meta);
  }
  EXPECT_EQ(s.put("m/y", "x", typed(std::string(2000, 'a'))).status, NEXUS_INVALID_ARGUMENT)
      << "content type over 1 KiB";
}

TEST_F(DynamoPluginTest, IfAbsentAndIfMatchAreConditionalWrites) {
  auto c = base_config();
  c["chunk_bytes"] = 1024;
  auto inst = make(c);
  const StorageClient s(*inst);
  for (const std::string body : {std::string("1"), pattern_bytes(3000, 1)}) {  // inline, then chunked
    SCOPED_TRACE(body.size());
    const std::string key = "c/k" + std::to_string(body.size());
    PutArgs once;
    once.if_absent = true;
    ASSERT_TRUE(s.put(key, body, once).ok());
    const auto dup = s.put(key, "2", once);
    EXPECT_EQ(dup.status, NEXUS_ALREADY_EXISTS) << dup.error;
    EXPECT_TRUE(s.get(key).body == body);
    PutArgs match;
    match.if_match = s.head(key).json()["etag"];
    const std::string next = body + "3";
    ASSERT_TRUE(s.put(key, next, match).ok());
    const auto stale = s.put(key, "4", match);
    EXPECT_EQ(stale.status, NEXUS_FAILED_PRECONDITION) << stale.error;
    EXPECT_NE(stale.error.find("if_match"), std::string::npos) << stale.error;
    EXPECT_EQ(s.put("c/missing", "4", match).status, NEXUS_FAILED_PRECONDITION);
    EXPECT_TRUE(s.get(key).body == next);
  }
  // A refused chunked put uploads nothing: the condition is checked first.
  faults(json::array());
  PutArgs wrong;
  wrong.if_match = "not-the-etag";
  EXPECT_EQ(s.put("c/k3000", pattern_bytes(4000, 2), wrong).status, NEXUS_FAILED_PRECONDITION);
  EXPECT_EQ(count_of("PutItem"), 0);
  EXPECT_EQ(chunk_items().size(), 3u) << "only the chunks of the one chunked object";
}

// --- listing -------------------------------------------------------------------

TEST_F(DynamoPluginTest, ListingWithPrefixAndCursorOver120Keys) {
  auto inst = make(base_config());
  const StorageClient s(*inst);
  std::set<std::string> in_p, in_q;
  for (int i = 0; i < 120; ++i) {
    const std::string key = (i % 3 ? "p/" : "q/") + std::to_string(1000 + i);
    ASSERT_TRUE(s.put(key, "x").ok()) << key;
    (i % 3 ? in_p : in_q).insert(key);
  }
  for (const char* odd : {"p", "p-1/x", "p.x/y"}) ASSERT_TRUE(s.put(odd, "x").ok());  // neighbours outside "p/"
  int pages = 0;
  EXPECT_EQ(list_all(s, "p/", 7, &pages), std::vector<std::string>(in_p.begin(), in_p.end()));
  EXPECT_EQ(pages, 12) << "80 keys in full pages of 7 and a last one of 3";
  EXPECT_EQ(list_all(s, "q/", 1000), std::vector<std::string>(in_q.begin(), in_q.end()));
  EXPECT_EQ(list_all(s, "p/10", 100).size(), 66u) << "p/1000 .. p/1099";
  EXPECT_EQ(list_all(s, "p/109", 100),
            (std::vector<std::string>{"p/1091", "p/1092", "p/1094", "p/1095", "p/1097", "p/1098"}));

  const auto first = s.list("q/", "", 7).json();
  ASSERT_EQ(first["objects"].size(), 7u);
  EXPECT_EQ(first["objects"][0]["size"], 1);
  EXPECT_EQ(first["objects"][0]["content_type"], "application/octet-stream");
  EXPECT_FALSE(first["objects"][0]["etag"].get<std::string>().empty());
  EXPECT_FALSE(first["objects"][0].contains("metadata"));
  const std::string last = first["objects"][6]["key"];
  const std::string cursor = first["next_cursor"];
  EXPECT_EQ(cursor.rfind("v1:", 0), 0u) << "the shared SDK cursor format";
  ASSERT_TRUE(s.put("q/0", "behind").ok());
  ASSERT_TRUE(s.put(last + "0", "ahead").ok());
  const auto next = s.list("q/", cursor, 7).json();
  EXPECT_EQ(next["objects"][0]["key"], last + "0");
  for (const auto& o : next["objects"]) EXPECT_NE(o["key"], "q/0");
  // A cursor from before the prefix starts at its beginning, one after it ends the listing.
  EXPECT_EQ(s.list("q/", "v1:" + std::string("cC85"), 1).json()["objects"][0]["key"], "q/0");  // base64url("p/9")
  const auto beyond = s.list("q/", "v1:" + std::string("cg"), 5);                              // base64url("r")
  ASSERT_TRUE(beyond.ok()) << beyond.error;
  EXPECT_TRUE(beyond.json()["objects"].empty());
  EXPECT_FALSE(beyond.json().contains("next_cursor"));
  for (const std::string bad : {"nope", "v1:%%", "v9:YQ", "v1:Y"})
    EXPECT_EQ(s.list("q/", bad, 5).status, NEXUS_INVALID_ARGUMENT) << bad;
}

TEST_F(DynamoPluginTest, ListingAPrefixThatSpansPartitionsIsRefusedNotScanned) {
  auto inst = make(base_config());
  const StorageClient s(*inst);
  ASSERT_TRUE(s.put("recordings/t1/a.wav", "x").ok());
  faults(json::array());
  for (const char* prefix : {"", "rec", "recordings"}) {
    const auto r = s.list(prefix, "", 10);
    EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << prefix;
    EXPECT_NE(r.error.find("Scan"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("'recordings/'"), std::string::npos) << "names a prefix that works: " << r.error;
  }
  EXPECT_EQ(count_of("Scan") + count_of("Query"), 0);

  auto c = base_config();
  c["key_rule"] = "single";
  auto single = make(c);
  const StorageClient one(*single);
  for (const char* k : {"b", "a/x", "a-1", "recordings/t1/a.wav"}) ASSERT_TRUE(one.put(k, "x").ok());
  EXPECT_EQ(list_all(one, "", 2), (std::vector<std::string>{"a-1", "a/x", "b", "recordings/t1/a.wav"})) << "byte order";
  EXPECT_EQ(list_all(one, "rec", 2), std::vector<std::string>{"recordings/t1/a.wav"});
}

TEST_F(DynamoPluginTest, ListingPagesAreExactDespiteTheOneMegabyteQueryPage) {
  auto inst = make(base_config());
  const StorageClient s(*inst);
  // 300 KB inline bodies: DynamoDB stops a Query page at 1 MB read, about
  // three of these; the plugin keeps querying until the page is full.
  for (int i = 0; i < 9; ++i) ASSERT_TRUE(s.put("big/" + std::to_string(i), pattern_bytes(300000, i)).ok());
  faults(json::array());
  const auto page = s.list("big/", "", 5).json();
  EXPECT_EQ(page["objects"].size(), 5u);
  EXPECT_GE(count_of("Query"), 2) << "more than one Query made the page";
  EXPECT_EQ(list_all(s, "big/", 5).size(), 9u);
}

// --- sizes and chunks ----------------------------------------------------------

TEST_F(DynamoPluginTest, ChunkBoundaries) {
  auto c = base_config();
  c["chunk_bytes"] = 1024;
  auto inst = make(c);
  const StorageClient s(*inst);
  const std::vector<std::pair<std::size_t, std::size_t>> cases{{1024, 0}, {1025, 2}, {2048, 2}, {3072, 3}, {3073, 4}};
  for (const auto& [size, chunks] : cases) {
    SCOPED_TRACE(size);
    const std::string key = "s/" + std::to_string(size);
    const std::string body = pattern_bytes(size, static_cast<unsigned>(size));
    const auto put = s.put(key, body);
    ASSERT_TRUE(put.ok()) << put.error;
    const json item = raw_item("s", key);
    EXPECT_EQ(item["chunks"]["N"], std::to_string(chunks));
    EXPECT_EQ(item.contains("body"), chunks == 0) << "inline up to chunk_bytes, chunked above";
    const auto got = s.get(key);
    ASSERT_TRUE(got.ok()) << got.error;
    EXPECT_TRUE(got.body == body);
    EXPECT_EQ(got.json()["etag"], sigv4::sha256_hex(body));
    EXPECT_EQ(s.head(key).json()["size"], size);
  }
  EXPECT_EQ(chunk_items().size(), 2u + 2 + 3 + 4);
}

TEST_F(DynamoPluginTest, FullSizeItemsStayUnderDynamoDbsItemLimit) {
  // dynalite enforces the 400 KB item limit like DynamoDB: whatever the
  // plugin writes must fit, with the largest key and metadata too.
  auto inst = make(base_config());
  const StorageClient s(*inst);
  const std::string most_inline = pattern_bytes(384 * 1024, 1);
  const auto a = s.put("z/inline", most_inline);
  ASSERT_TRUE(a.ok()) << a.error;
  EXPECT_EQ(raw_item("z", "z/inline")["chunks"]["N"], "0");
  ASSERT_TRUE(s.put("z/chunked", most_inline + "!").ok());
  EXPECT_EQ(raw_item("z", "z/chunked")["chunks"]["N"], "2");

  json meta;
  for (int i = 0; i < 7; ++i)
    meta["k" + std::to_string(i)] = std::string(1100, '\x01');  // ~7.7 KiB, 6x when escaped as JSON
  const std::string long_key = "z/" + std::string(1020, 'k');
  const std::string body = pattern_bytes(384 * 1024, 2);
  const auto b = s.put(long_key, body, typed("audio/wav", meta.dump()));
  ASSERT_TRUE(b.ok()) << b.error;
  EXPECT_EQ(raw_item("z", long_key)["chunks"]["N"], "1") << "a large item leaves less room inline";
  const auto got = s.get(long_key);
  ASSERT_TRUE(got.ok()) << got.error;
  EXPECT_TRUE(got.body == body);
  EXPECT_EQ(got.json()["metadata"], meta);

  const std::string two_mib = pattern_bytes(2 << 20, 3);
  ASSERT_TRUE(s.put("z/2mib", two_mib).ok());
  EXPECT_TRUE(s.get("z/2mib").body == two_mib);
}

TEST_F(DynamoPluginTest, MaxObjectBytesIsAClearResourceExhausted) {
  auto c = base_config();
  c["max_object_bytes"] = 5000;
  c["chunk_bytes"] = 1024;
  auto inst = make(c);
  const StorageClient s(*inst);
  ASSERT_TRUE(s.put("m/at-limit", pattern_bytes(5000, 1)).ok());
  const auto over = s.put("m/over", pattern_bytes(5001, 1));
  EXPECT_EQ(over.status, NEXUS_RESOURCE_EXHAUSTED);
  EXPECT_NE(over.error.find("5001 bytes"), std::string::npos) << over.error;
  EXPECT_NE(over.error.find("max_object_bytes"), std::string::npos) << over.error;
  EXPECT_EQ(s.get("m/over").status, NEXUS_NOT_FOUND);
  EXPECT_EQ(chunk_items().size(), 5u) << "only the chunks of the object at the limit";
}

TEST_F(DynamoPluginTest, OverwriteAndDeleteLeaveNoOrphanChunks) {
  auto c = base_config();
  c["chunk_bytes"] = 1024;
  auto inst = make(c);
  const StorageClient s(*inst);
  ASSERT_TRUE(s.put("o/x", pattern_bytes(4000, 1)).ok());
  const std::string gen1 = raw_item("o", "o/x")["gen"]["S"];
  ASSERT_TRUE(s.put("o/x", pattern_bytes(2500, 2)).ok());
  const std::string gen2 = raw_item("o", "o/x")["gen"]["S"];
  EXPECT_NE(gen1, gen2);
  EXPECT_EQ(chunk_items(), (std::vector<std::string>{gen2 + "/000000", gen2 + "/000001", gen2 + "/000002"}));
  ASSERT_TRUE(s.put("o/x", "small now").ok());
  EXPECT_TRUE(chunk_items().empty());
  ASSERT_TRUE(s.put("o/x", pattern_bytes(3000, 3)).ok());
  ASSERT_TRUE(s.del("o/x").ok());
  EXPECT_TRUE(scan().empty()) << "no item at all is left";
}

TEST_F(DynamoPluginTest, AFailedChunkedWriteKeepsTheOldObjectAndRemovesItsChunks) {
  auto c = base_config();
  c["chunk_bytes"] = 1024;
  auto inst = make(c);
  const StorageClient s(*inst);
  const std::string old_body = pattern_bytes(2500, 1);
  ASSERT_TRUE(s.put("f/x", old_body).ok());
  const auto old_chunks = chunk_items();
  ASSERT_EQ(old_chunks.size(), 3u);

  // The third chunk write is refused (not retryable).
  faults(json::array({{{"target", "PutItem"},
                       {"contains", "chunk_of"},
                       {"skip", 2},
                       {"times", -1},
                       {"status", 400},
                       {"type", "ValidationException"},
                       {"message", "injected"}}}));
  const auto r = s.put("f/x", pattern_bytes(5000, 2));
  EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << r.error;
  EXPECT_NE(r.error.find("chunk 3 of 5"), std::string::npos) << r.error;
  faults(json::array());
  EXPECT_TRUE(s.get("f/x").body == old_body) << "the old object is intact";
  EXPECT_EQ(chunk_items(), old_chunks) << "the new chunks written before the failure are gone";

  // The object's own item cannot be written (server errors past the retries).
  faults(json::array({{{"target", "PutItem"},
                       {"contains", "content_type"},
                       {"times", -1},
                       {"status", 500},
                       {"type", "InternalServerError"}}}));
  const auto r2 = s.put("f/x", pattern_bytes(5000, 3));
  EXPECT_EQ(r2.status, NEXUS_UNAVAILABLE) << r2.error;
  faults(json::array());
  EXPECT_TRUE(s.get("f/x").body == old_body);
  EXPECT_EQ(chunk_items(), old_chunks);
}

TEST_F(DynamoPluginTest, ReadersNeverSeeAMixOfTwoWrites) {
  auto c = base_config();
  c["chunk_bytes"] = 1024;
  auto inst = make(c);
  const std::vector<std::string> versions{std::string(6000, 'a'), std::string(7000, 'b'), std::string(5000, 'c')};
  ASSERT_TRUE(StorageClient(*inst).put("mix/x", versions[0]).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> mixed{0}, reads{0};
  std::string first_problem;
  std::mutex problem_mutex;
  std::thread writer([&] {
    const StorageClient s(*inst);
    for (int i = 0; i < 30; ++i) s.put("mix/x", versions[static_cast<std::size_t>(i) % 3]);
    stop = true;
  });
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&] {
      const StorageClient s(*inst);
      while (!stop) {
        const auto g = s.get("mix/x");
        ++reads;
        const bool ok = g.ok() ? std::find(versions.begin(), versions.end(), g.body) != versions.end()
                               : g.status == NEXUS_UNAVAILABLE;
        if (!ok) {
          ++mixed;
          std::lock_guard lock(problem_mutex);
          if (first_problem.empty()) first_problem = g.error + " (" + std::to_string(g.body.size()) + " bytes)";
        }
      }
    });
  writer.join();
  for (auto& r : readers) r.join();
  EXPECT_EQ(mixed.load(), 0) << first_problem;
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(chunk_items().size(), 5u) << "only the last version's chunks remain";
}

// --- keys ----------------------------------------------------------------------

TEST_F(DynamoPluginTest, TraversalAndMalformedKeysAreRefused) {
  auto inst = make(base_config());
  const StorageClient s(*inst);
  for (const std::string& key : std::vector<std::string>{"../etc/passwd", "a/../../b", "/abs", "a\\b", "a//b",
                                                         std::string("a\0b", 3), "", "a/./b", "a/",
                                                         "a\x01"
                                                         "b",
                                                         std::string(1025, 'k'),
                                                         "a\xff"
                                                         "b"}) {
    EXPECT_EQ(s.put(key, "x").status, NEXUS_INVALID_ARGUMENT) << key;
    EXPECT_EQ(s.get(key).status, NEXUS_INVALID_ARGUMENT) << key;
    EXPECT_EQ(s.head(key).status, NEXUS_INVALID_ARGUMENT) << key;
    EXPECT_EQ(s.del(key).status, NEXUS_INVALID_ARGUMENT) << key;
  }
  EXPECT_TRUE(scan().empty());
  const std::string longest = std::string(500, 'a') + "/" + std::string(523, 'b');  // 1024 bytes: the sort key limit
  ASSERT_TRUE(s.put(longest, "x").ok());
  EXPECT_EQ(s.get(longest).body, "x");
}

// --- failures ------------------------------------------------------------------

TEST_F(DynamoPluginTest, ThrottlingIsRetriedThenSucceeds) {
  auto c = base_config();
  c["max_retries"] = 3;
  auto inst = make(c);
  const StorageClient s(*inst);
  ASSERT_TRUE(s.put("t/k", "v").ok());
  faults(json::array(
      {{{"target", "GetItem"}, {"times", 2}, {"status", 400}, {"type", "ProvisionedThroughputExceededException"}}}));
  const auto g = s.get("t/k");
  ASSERT_TRUE(g.ok()) << g.error;
  EXPECT_EQ(g.body, "v");
  EXPECT_EQ(count_of("GetItem"), 3);
  faults(json::array({{{"target", "PutItem"}, {"times", 1}, {"status", 400}, {"type", "ThrottlingException"}},
                      {{"target", "Query"}, {"times", 1}, {"status", 503}, {"type", "ServiceUnavailable"}}}));
  EXPECT_TRUE(s.put("t/k2", "v").ok());
  EXPECT_TRUE(s.list("t/", "", 5).ok());
  EXPECT_EQ(count_of("PutItem"), 2);
  EXPECT_EQ(count_of("Query"), 2);
}

TEST_F(DynamoPluginTest, PersistentServerErrorsAreUnavailableAfterMaxRetries) {
  auto c = base_config();
  c["max_retries"] = 2;
  auto inst = make(c);
  faults(json::array(
      {{{"target", "GetItem"}, {"times", -1}, {"status", 500}, {"type", "InternalServerError"}, {"message", "boom"}}}));
  const auto g = StorageClient(*inst).get("t/k");
  EXPECT_EQ(g.status, NEXUS_UNAVAILABLE) << g.error;
  EXPECT_NE(g.error.find("InternalServerError"), std::string::npos) << g.error;
  EXPECT_EQ(count_of("GetItem"), 3) << "one attempt plus max_retries 2";
}

TEST_F(DynamoPluginTest, OtherClientErrorsAreNotRetried) {
  auto c = base_config();
  c["max_retries"] = 3;
  auto inst = make(c);
  const StorageClient s(*inst);
  faults(json::array({{{"target", "GetItem"},
                       {"times", -1},
                       {"status", 400},
                       {"type", "ValidationException"},
                       {"message", "bad key"}}}));
  const auto v = s.get("t/k");
  EXPECT_EQ(v.status, NEXUS_INVALID_ARGUMENT) << v.error;
  EXPECT_NE(v.error.find("ValidationException: bad key"), std::string::npos) << v.error;
  EXPECT_EQ(count_of("GetItem"), 1);
  faults(json::array({{{"target", "GetItem"}, {"times", -1}, {"status", 400}, {"type", "AccessDeniedException"}}}));
  const auto denied = s.head("t/k");
  EXPECT_EQ(denied.status, NEXUS_PERMISSION_DENIED) << denied.error;
  EXPECT_NE(denied.error.find("IAM"), std::string::npos) << denied.error;
  EXPECT_EQ(count_of("GetItem"), 1);
}

TEST_F(DynamoPluginTest, BadCredentialsAreUnauthenticatedAndNeverLeakTheSecret) {
  make(base_config());  // the table, created with good keys
  auto c = base_config();
  c["access_key_id"] = "AKIAWRONGWRONGWRONG";
  c["secret_access_key"] = "very-secret-value-123";
  auto r = plugin_.create(c.dump());
  EXPECT_EQ(r.status, NEXUS_UNAUTHENTICATED) << r.error;
  EXPECT_NE(r.error.find("UnrecognizedClientException"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("AWS_ACCESS_KEY_ID"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find("very-secret-value-123"), std::string::npos) << r.error;

  c["access_key_id"] = kKeyId;  // right key id, wrong secret: the signature does not match
  r = plugin_.create(c.dump());
  EXPECT_EQ(r.status, NEXUS_UNAUTHENTICATED) << r.error;
  EXPECT_NE(r.error.find("InvalidSignatureException"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find("very-secret-value-123"), std::string::npos) << r.error;
  for (const auto& line : plugin_.log().lines()) {
    EXPECT_EQ(line.find("very-secret-value-123"), std::string::npos) << line;
    EXPECT_EQ(line.find(kSecret), std::string::npos) << line;
  }
}

TEST_F(DynamoPluginTest, CredentialsAndEndpointFromTheEnvironment) {
  make(base_config());
  auto c = base_config();
  c.erase("access_key_id");
  c.erase("secret_access_key");
  c.erase("endpoint");
  EnvGuard env({{"AWS_ACCESS_KEY_ID", kKeyId},
                {"AWS_SECRET_ACCESS_KEY", kSecret},
                {"AWS_SESSION_TOKEN", std::nullopt},
                {"AWS_ENDPOINT_URL_DYNAMODB", std::nullopt},
                {"AWS_ENDPOINT_URL", proxy_->url()}});
  auto inst = make(c);
  ASSERT_TRUE(StorageClient(*inst).put("env/k", "v").ok()) << "the proxy checked the signature";
  EXPECT_TRUE(plugin_.log().contains("credentials from env AWS_ACCESS_KEY_ID"));
  EXPECT_TRUE(plugin_.log().contains("(env AWS_ENDPOINT_URL)"));
}

TEST_F(DynamoPluginTest, UnreachableEndpointIsUnavailable) {
  auto c = base_config();
  c["endpoint"] = "http://127.0.0.1:" + std::to_string(free_tcp_port());
  c["max_retries"] = 2;
  const auto r = plugin_.create(c.dump());
  EXPECT_EQ(r.status, NEXUS_UNAVAILABLE) << r.error;
  EXPECT_NE(r.error.find("3 attempts"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("endpoint"), std::string::npos) << r.error;

  // A DynamoDB that goes away after the instance started.
  auto lone = std::make_unique<PeerProcess>(dynalite_options());
  c["endpoint"] = lone->url();
  auto inst = make(c);
  const StorageClient s(*inst);
  ASSERT_TRUE(s.put("u/k", "v").ok());
  sdk::StringSink detail;
  EXPECT_EQ(plugin_.descriptor().on_instance_health(inst->handle(), detail.writer()), NEXUS_OK) << detail.str();
  lone.reset();
  for (const auto& res : {s.put("u/k", "v"), s.get("u/k"), s.list("u/", "", 5)})
    EXPECT_EQ(res.status, NEXUS_UNAVAILABLE) << res.error;
  EXPECT_EQ(plugin_.descriptor().on_instance_health(inst->handle(), detail.writer()), NEXUS_UNAVAILABLE);
}

TEST_F(DynamoPluginTest, HealthReportsADeletedTable) {
  auto inst = make(base_config());
  sdk::StringSink ok;
  EXPECT_EQ(plugin_.descriptor().on_instance_health(inst->handle(), ok.writer()), NEXUS_OK) << ok.str();
  ASSERT_EQ(raw_call(dynalite_->port(), "DeleteTable", {{"TableName", test_table()}})["__status"], 200);
  // dynalite reports DELETING until its (zero-length) timer has run.
  for (int i = 0; i < 250 && raw_call(dynalite_->port(), "DescribeTable", {{"TableName", test_table()}})["__status"] == 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  sdk::StringSink detail;
  EXPECT_EQ(plugin_.descriptor().on_instance_health(inst->handle(), detail.writer()), NEXUS_FAILED_PRECONDITION);
  EXPECT_NE(detail.str().find("does not exist"), std::string::npos) << detail.str();
  const auto put = StorageClient(*inst).put("h/k", "v");
  EXPECT_EQ(put.status, NEXUS_FAILED_PRECONDITION) << put.error;
}

// --- threads -------------------------------------------------------------------

TEST_F(DynamoPluginTest, ConcurrentCallsShareThePool) {
  auto c = base_config();
  c["chunk_bytes"] = 1024;
  auto inst = make(c);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::mutex first_mutex;
  std::string first_failure;
  auto fail = [&](const std::string& what) {
    ++failures;
    std::lock_guard lock(first_mutex);
    if (first_failure.empty()) first_failure = what;
  };
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&, t] {
      const StorageClient s(*inst);
      for (int i = 0; i < 12; ++i) {
        const std::string key = "conc/t" + std::to_string(t) + "-" + std::to_string(i % 4);
        const std::string body =
            pattern_bytes(i % 2 ? 3000 + static_cast<std::size_t>(t) : 300, static_cast<unsigned>(t * 100 + i));
        if (const auto p = s.put(key, body); !p.ok()) fail("put " + key + ": " + p.error);
        const auto g = s.get(key);
        if (!g.ok() || g.body != body)
          fail("get " + key + ": " + g.error + " (" + std::to_string(g.body.size()) + " bytes)");
        if (const auto l = s.list("conc/", "", 50); !l.ok()) fail("list: " + l.error);
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0) << "first failure: " << first_failure;
  EXPECT_EQ(list_all(StorageClient(*inst), "conc/", 1000).size(), 24u);
}

}  // namespace
}  // namespace nexus::test
