// The "memory" storage plugin through its C ABI: the same semantics as fs
// (ranges, metadata, conditional puts, cursors) plus its byte budget.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "support/plugin_harness.hpp"

namespace nexus::test {
namespace {

class MemoryPluginTest : public ::testing::Test {
 protected:
  MemoryPluginTest() : plugin_(plugin_path("memory")) { instance_ = make("{}"); }

  std::unique_ptr<PluginInstance> make(const std::string& config) {
    auto c = plugin_.create(config);
    if (c.status != NEXUS_OK) throw std::runtime_error("memory create failed: " + c.error);
    return std::move(c.instance);
  }
  StorageClient store() const { return StorageClient(*instance_); }

  std::vector<std::string> list_all(std::string_view prefix, std::uint32_t limit) const {
    std::vector<std::string> keys;
    std::string cursor;
    for (int n = 0; n < 10000; ++n) {
      const CallResult r = store().list(prefix, cursor, limit);
      EXPECT_TRUE(r.ok()) << r.error;
      if (!r.ok()) break;
      const auto j = r.json();
      EXPECT_LE(j["objects"].size(), limit);
      for (const auto& o : j["objects"]) keys.push_back(o["key"].get<std::string>());
      if (!j.contains("next_cursor")) break;
      cursor = j["next_cursor"].get<std::string>();
    }
    return keys;
  }

  LoadedPlugin plugin_;
  std::unique_ptr<PluginInstance> instance_;
};

TEST_F(MemoryPluginTest, DescriptorDeclaresAStrictSchemaWithDescriptions) {
  const auto& d = plugin_.descriptor();
  EXPECT_STREQ(d.id, "memory");
  EXPECT_EQ(d.concurrency, NEXUS_CONCURRENCY_PARALLEL);
  EXPECT_STREQ(d.interfaces[0], NEXUS_STORAGE_V1);
  const auto schema = nlohmann::json::parse(d.config_schema);
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["properties"]["max_bytes"]["default"], 268435456);
  for (const auto& [name, prop] : schema["properties"].items()) EXPECT_TRUE(prop.contains("description")) << name;
}

TEST_F(MemoryPluginTest, ReadAfterWriteOverwriteDelete) {
  const auto put = store().put("a/b.txt", "hello", typed("text/plain", R"({"lang":"en"})"));
  ASSERT_TRUE(put.ok()) << put.error;
  EXPECT_EQ(put.json()["size"], 5);
  EXPECT_EQ(put.json()["metadata"]["lang"], "en");
  const auto get = store().get("a/b.txt");
  EXPECT_EQ(get.body, "hello");
  EXPECT_EQ(get.json(), put.json());
  EXPECT_EQ(store().head("a/b.txt").json(), put.json());

  const auto second = store().put("a/b.txt", "bye");
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second.json()["etag"], put.json()["etag"]);
  EXPECT_EQ(store().get("a/b.txt").body, "bye");
  EXPECT_EQ(store().get("a/b.txt").json()["content_type"], "application/octet-stream");

  ASSERT_TRUE(store().del("a/b.txt").ok());
  const auto gone = store().get("a/b.txt");
  EXPECT_EQ(gone.status, NEXUS_NOT_FOUND);
  EXPECT_NE(gone.error.find("a/b.txt"), std::string::npos);
  EXPECT_EQ(store().del("a/b.txt").status, NEXUS_NOT_FOUND);
  EXPECT_EQ(store().head("a/b.txt").status, NEXUS_NOT_FOUND);
}

TEST_F(MemoryPluginTest, SameBodyTwiceGetsANewEtag) {
  const auto a = store().put("k", "same").json()["etag"];
  const auto b = store().put("k", "same").json()["etag"];
  EXPECT_NE(a, b);
}

TEST_F(MemoryPluginTest, Ranges) {
  ASSERT_TRUE(store().put("r", "0123456789").ok());
  EXPECT_EQ(store().get("r", std::pair{2, 5}).body, "2345");
  EXPECT_EQ(store().get("r", std::pair{7, -1}).body, "789");
  EXPECT_EQ(store().get("r", std::pair{-3, -1}).body, "789");
  EXPECT_EQ(store().get("r", std::pair{-30, -1}).body, "0123456789");
  EXPECT_EQ(store().get("r", std::pair{8, 100}).body, "89");
  const auto out = store().get("r", std::pair{10, 12});
  EXPECT_EQ(out.status, NEXUS_OUT_OF_RANGE);
  ASSERT_FALSE(out.info.empty());
  EXPECT_EQ(out.json()["size"], 10);
  EXPECT_TRUE(out.body.empty());
}

TEST_F(MemoryPluginTest, EmptyAndLargeObjects) {
  ASSERT_TRUE(store().put("empty", "").ok());
  const auto e = store().get("empty");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e.body, "");
  EXPECT_EQ(store().get("empty", std::pair{0, -1}).status, NEXUS_OUT_OF_RANGE);

  std::string big(16u << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7919 >> 5);
  ASSERT_TRUE(store().put("big", big).ok());
  EXPECT_TRUE(store().get("big").body == big);
  EXPECT_TRUE(store().get("big", std::pair{(1 << 20) - 1, (2 << 20) + 1}).body == big.substr((1 << 20) - 1, (1 << 20) + 3));
  const auto cancelled = store().get("big", std::nullopt, CallOptions{.cancelled = true});
  EXPECT_EQ(cancelled.status, NEXUS_CANCELLED);
  EXPECT_LT(cancelled.body.size(), big.size());
}

TEST_F(MemoryPluginTest, IfAbsentAndIfMatch) {
  PutArgs once;
  once.if_absent = true;
  ASSERT_TRUE(store().put("k", "1", once).ok());
  EXPECT_EQ(store().put("k", "2", once).status, NEXUS_ALREADY_EXISTS);
  EXPECT_EQ(store().get("k").body, "1");
  PutArgs match;
  match.if_match = store().head("k").json()["etag"];
  ASSERT_TRUE(store().put("k", "3", match).ok());
  EXPECT_EQ(store().put("k", "4", match).status, NEXUS_FAILED_PRECONDITION);
  EXPECT_EQ(store().put("missing", "4", match).status, NEXUS_FAILED_PRECONDITION);
  EXPECT_EQ(store().get("k").body, "3");
}

TEST_F(MemoryPluginTest, BadKeysAndMetadataAreRefused) {
  for (const std::string& key : std::vector<std::string>{"../x", "a/../../x", "/etc/passwd", "a\\b", std::string("a\0b", 3), "a//b", "", "a/"}) {
    EXPECT_EQ(store().put(key, "x").status, NEXUS_INVALID_ARGUMENT) << key;
    EXPECT_EQ(store().get(key).status, NEXUS_INVALID_ARGUMENT) << key;
  }
  EXPECT_EQ(store().put("k", "x", typed("text/plain", R"({"Bad Key":"v"})")).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(store().put("k", "x", typed("text/plain", R"({"k":1})")).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_TRUE(list_all("", 10).empty());
}

TEST_F(MemoryPluginTest, ListingPagesInByteOrderAndCursorsAreStable) {
  std::set<std::string> expected;
  for (int i = 0; i < 250; ++i) {
    const std::string key = (i % 2 ? "p/" : "q/") + std::to_string(i);
    ASSERT_TRUE(store().put(key, "x").ok());
    expected.insert(key);
  }
  for (const char* k : {"p-", "p0", "p/\xc3\xa9"}) {  // '-' < '/' < '0' < 0xc3 byte-wise
    ASSERT_TRUE(store().put(k, "x").ok());
    expected.insert(k);
  }
  const auto keys = list_all("", 7);
  EXPECT_EQ(keys, std::vector<std::string>(expected.begin(), expected.end()));
  std::vector<std::string> p;
  for (const auto& k : expected)
    if (k.rfind("p/", 0) == 0) p.push_back(k);
  EXPECT_EQ(list_all("p/", 7), p);

  const auto first = store().list("q/", "", 7).json();
  const std::string last = first["objects"][6]["key"];
  const std::string cursor = first["next_cursor"];
  EXPECT_EQ(cursor.rfind("v1:", 0), 0u);
  ASSERT_TRUE(store().put("q/0", "behind").ok());
  ASSERT_TRUE(store().put(last + "0", "ahead").ok());
  const auto next = store().list("q/", cursor, 7).json();
  EXPECT_EQ(next["objects"][0]["key"], last + "0");
  for (const auto& o : next["objects"]) EXPECT_NE(o["key"], "q/0");

  for (const std::string bad : {"nope", "v1:%%", "v9:YQ", "v1:Y"}) EXPECT_EQ(store().list("", bad, 5).status, NEXUS_INVALID_ARGUMENT) << bad;
}

TEST_F(MemoryPluginTest, MaxBytesIsEnforcedAcrossObjects) {
  auto small = make(R"({"max_bytes": 10})");
  const StorageClient s(*small);
  ASSERT_TRUE(s.put("a", "123456").ok());
  const auto over = s.put("b", "12345");
  EXPECT_EQ(over.status, NEXUS_RESOURCE_EXHAUSTED);
  EXPECT_NE(over.error.find("max_bytes"), std::string::npos) << over.error;
  EXPECT_EQ(s.get("b").status, NEXUS_NOT_FOUND);
  ASSERT_TRUE(s.put("a", "1234567890").ok()) << "replacing counts the new size, not both";
  ASSERT_TRUE(s.del("a").ok());
  ASSERT_TRUE(s.put("b", "12345").ok()) << "a delete frees its bytes";

  const auto bad = plugin_.create(R"({"max_bytes": "lots"})");
  EXPECT_EQ(bad.status, NEXUS_INVALID_ARGUMENT);
  EXPECT_NE(bad.error.find("max_bytes"), std::string::npos);
  EXPECT_EQ(plugin_.create(R"({"size": 1})").status, NEXUS_INVALID_ARGUMENT);
}

TEST_F(MemoryPluginTest, TwoInstancesShareNothing) {
  auto other = make("{}");
  const StorageClient b(*other);
  ASSERT_TRUE(store().put("k", "a").ok());
  EXPECT_EQ(b.get("k").status, NEXUS_NOT_FOUND);
  ASSERT_TRUE(b.put("k", "b").ok());
  EXPECT_EQ(store().get("k").body, "a");
}

TEST_F(MemoryPluginTest, ConcurrentPutsAndGets) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      const StorageClient s(*instance_);
      const std::string body(500 + t, static_cast<char>('a' + t));
      for (int i = 0; i < 200; ++i) {
        if (!s.put("t" + std::to_string(t) + "/" + std::to_string(i % 10), body).ok()) ++failures;
        if (!s.put("shared", body).ok()) ++failures;
        const auto g = s.get("shared");
        if (!g.ok() || g.body.find_first_not_of(g.body[0]) != std::string::npos) ++failures;
        if (!s.list("", "", 20).ok()) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(list_all("", 1000).size(), 81u);
}

}  // namespace
}  // namespace nexus::test
