// The "sqlite" storage plugin through its C ABI: object semantics shared
// with memory and fs, listing in byte order with cursors, two instances on
// one file and on two files, concurrency, the file's schema version, and
// create-time failures (bad config, not a database, locked file).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "../../plugins/sqlite/key_range.hpp"  // header-only; tested directly below
#include "support/plugin_harness.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

namespace fsys = std::filesystem;

// synchronous=normal keeps the suite fast; "full" is covered by its own test.
std::string sqlite_config(const fsys::path& file, nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json c{{"path", file.string()}, {"synchronous", "normal"}};
  c.update(extra);
  return c.dump();
}

void write_file(const fsys::path& p, std::string_view data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
}

// The 4-byte big-endian field at `offset` of an SQLite file header
// (60 = user_version, where the plugin keeps its schema version).
std::uint32_t read_header_u32(const fsys::path& p, std::size_t offset) {
  std::ifstream in(p, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  unsigned char b[4] = {};
  in.read(reinterpret_cast<char*>(b), 4);
  return (std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) | (std::uint32_t(b[2]) << 8) | b[3];
}

void write_header_u32(const fsys::path& p, std::size_t offset, std::uint32_t v) {
  std::fstream f(p, std::ios::binary | std::ios::in | std::ios::out);
  f.seekp(static_cast<std::streamoff>(offset));
  const char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
  f.write(b, 4);
}

// A nexus_writer into a string, for calling descriptor functions the
// harness does not wrap (on_instance_health).
class TextSink {
 public:
  TextSink()
      : w_{sizeof(nexus_writer), this, [](void* self, const void* d, size_t n) {
             static_cast<TextSink*>(self)->text_.append(static_cast<const char*>(d), n);
             return NEXUS_OK;
           }} {}
  const nexus_writer* writer() const { return &w_; }
  const std::string& text() const { return text_; }

 private:
  nexus_writer w_;
  std::string text_;
};

// Every key under `prefix`, following cursors page by page.
std::vector<std::string> list_all(const StorageClient& s, std::string_view prefix, std::uint32_t limit,
                                  int* pages = nullptr) {
  std::vector<std::string> keys;
  std::string cursor;
  int n = 0;
  for (;;) {
    const CallResult r = s.list(prefix, cursor, limit);
    EXPECT_TRUE(r.ok()) << r.error;
    if (!r.ok()) break;
    const auto j = r.json();
    EXPECT_LE(j["objects"].size(), limit);
    for (const auto& o : j["objects"]) keys.push_back(o["key"].get<std::string>());
    ++n;
    if (!j.contains("next_cursor")) break;
    cursor = j["next_cursor"].get<std::string>();
    if (n > 10000) break;
  }
  if (pages) *pages = n;
  return keys;
}

class SqlitePluginTest : public ::testing::Test {
 protected:
  SqlitePluginTest() : plugin_(plugin_path("sqlite")), db_(dir_.path() / "objects.db") { instance_ = make(db_); }

  std::unique_ptr<PluginInstance> make(const fsys::path& file, nlohmann::json extra = nlohmann::json::object()) const {
    auto c = plugin_.create(sqlite_config(file, std::move(extra)));
    if (c.status != NEXUS_OK) throw std::runtime_error("sqlite create failed: " + c.error);
    return std::move(c.instance);
  }
  StorageClient store() const { return StorageClient(*instance_); }
  std::vector<std::string> list_all(std::string_view prefix, std::uint32_t limit, int* pages = nullptr) const {
    return nexus::test::list_all(store(), prefix, limit, pages);
  }

  TempDir dir_;
  LoadedPlugin plugin_;
  fsys::path db_;
  std::unique_ptr<PluginInstance> instance_;
};

TEST_F(SqlitePluginTest, DescriptorDeclaresAStrictSchemaWithDescriptions) {
  const auto& d = plugin_.descriptor();
  EXPECT_STREQ(d.id, "sqlite");
  EXPECT_STREQ(d.license, "Apache-2.0");
  EXPECT_EQ(d.concurrency, NEXUS_CONCURRENCY_PARALLEL);
  ASSERT_NE(d.interfaces[0], nullptr);
  EXPECT_STREQ(d.interfaces[0], NEXUS_STORAGE_V1);
  EXPECT_EQ(d.interfaces[1], nullptr);
  const auto schema = nlohmann::json::parse(d.config_schema);
  EXPECT_EQ(schema["$schema"], "http://json-schema.org/draft-07/schema#");
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["required"], nlohmann::json::array({"path"}));
  std::set<std::string> names;
  for (const auto& [name, prop] : schema["properties"].items()) {
    names.insert(name);
    EXPECT_TRUE(prop.contains("description")) << name;
  }
  EXPECT_EQ(names, (std::set<std::string>{"path", "create", "busy_timeout_ms", "synchronous", "max_object_bytes"}));
  EXPECT_EQ(schema["properties"]["create"]["default"], true);
  EXPECT_EQ(schema["properties"]["busy_timeout_ms"]["default"], 5000);
  EXPECT_EQ(schema["properties"]["synchronous"]["default"], "full");
  EXPECT_EQ(schema["properties"]["synchronous"]["enum"], nlohmann::json::array({"full", "normal"}));
  EXPECT_EQ(schema["properties"]["max_object_bytes"]["default"], 268435456);
}

TEST_F(SqlitePluginTest, ReadAfterWrite) {
  const CallResult put =
      store().put("recordings/2026/call-1.wav", "RIFF....", typed("audio/wav", R"({"caller":"+44"})"));
  ASSERT_TRUE(put.ok()) << put.error;
  const auto info = put.json();
  EXPECT_EQ(info["key"], "recordings/2026/call-1.wav");
  EXPECT_EQ(info["size"], 8);
  EXPECT_EQ(info["content_type"], "audio/wav");
  EXPECT_EQ(info["metadata"]["caller"], "+44");
  const std::string etag = info["etag"];
  EXPECT_EQ(etag.size(), 32u) << "128-bit random version id in hex";
  EXPECT_EQ(etag.find_first_not_of("0123456789abcdef"), std::string::npos) << etag;
  EXPECT_EQ(info["last_modified"].get<std::string>().size(), 20u);  // 2026-01-02T03:04:05Z

  const CallResult get = store().get("recordings/2026/call-1.wav");
  ASSERT_TRUE(get.ok()) << get.error;
  EXPECT_EQ(get.body, "RIFF....");
  EXPECT_EQ(get.json(), info);
  const CallResult head = store().head("recordings/2026/call-1.wav");
  ASSERT_TRUE(head.ok()) << head.error;
  EXPECT_EQ(head.json(), info);
  EXPECT_TRUE(head.body.empty());
}

TEST_F(SqlitePluginTest, OverwriteReplacesBodyEtagAndMetadata) {
  const auto first = store().put("k", "one", typed("text/plain", R"({"v":"1"})"));
  ASSERT_TRUE(first.ok()) << first.error;
  const auto second = store().put("k", "second", {});
  ASSERT_TRUE(second.ok()) << second.error;
  EXPECT_NE(first.json()["etag"], second.json()["etag"]);
  const auto same_bytes = store().put("k", "second", {});
  EXPECT_NE(second.json()["etag"], same_bytes.json()["etag"])
      << "every write gets a new etag, even with the same bytes";
  const auto get = store().get("k");
  EXPECT_EQ(get.body, "second");
  EXPECT_EQ(get.json()["content_type"], "application/octet-stream");
  EXPECT_TRUE(get.json()["metadata"].empty());
  EXPECT_EQ(get.json()["etag"], same_bytes.json()["etag"]);
  EXPECT_EQ(list_all("", 10), std::vector<std::string>{"k"});
}

TEST_F(SqlitePluginTest, DeleteRemovesTheObject) {
  ASSERT_TRUE(store().put("x/y/z", "1").ok());
  ASSERT_TRUE(store().put("x/keep", "2").ok());
  const auto del = store().del("x/y/z");
  ASSERT_TRUE(del.ok()) << del.error;
  EXPECT_EQ(store().get("x/y/z").status, NEXUS_NOT_FOUND);
  EXPECT_EQ(store().head("x/y/z").status, NEXUS_NOT_FOUND);
  EXPECT_EQ(store().del("x/y/z").status, NEXUS_NOT_FOUND) << "a second delete finds nothing";
  EXPECT_EQ(store().get("x/keep").body, "2");
  EXPECT_EQ(list_all("", 10), std::vector<std::string>{"x/keep"});
}

TEST_F(SqlitePluginTest, MissingKeysAreNotFound) {
  const auto get = store().get("nope/a");
  EXPECT_EQ(get.status, NEXUS_NOT_FOUND);
  EXPECT_NE(get.error.find("nope/a"), std::string::npos) << get.error;
  EXPECT_TRUE(get.info.empty());
  EXPECT_TRUE(get.body.empty());
  EXPECT_EQ(store().head("nope").status, NEXUS_NOT_FOUND);
  const auto del = store().del("nope");
  EXPECT_EQ(del.status, NEXUS_NOT_FOUND);
  EXPECT_NE(del.error.find("nope"), std::string::npos) << del.error;
}

TEST_F(SqlitePluginTest, RangesFollowHttpSemantics) {
  ASSERT_TRUE(store().put("r", "0123456789").ok());
  EXPECT_EQ(store().get("r", std::pair{2, 5}).body, "2345");
  EXPECT_EQ(store().get("r", std::pair{7, -1}).body, "789");
  EXPECT_EQ(store().get("r", std::pair{-3, -1}).body, "789");
  EXPECT_EQ(store().get("r", std::pair{-30, -1}).body, "0123456789");
  EXPECT_EQ(store().get("r", std::pair{8, 100}).body, "89");
  EXPECT_EQ(store().get("r", std::pair{9, 9}).body, "9");
  EXPECT_EQ(store().get("r", std::pair{0, 0}).body, "0");
  const auto ranged = store().get("r", std::pair{2, 5});
  EXPECT_EQ(ranged.json()["size"], 10) << "info describes the whole object";

  const auto out = store().get("r", std::pair{10, -1});
  EXPECT_EQ(out.status, NEXUS_OUT_OF_RANGE);
  ASSERT_FALSE(out.info.empty()) << "info must be written before OUT_OF_RANGE";
  EXPECT_EQ(out.json()["size"], 10);
  EXPECT_TRUE(out.body.empty());
  EXPECT_NE(out.error.find("10 bytes"), std::string::npos) << out.error;

  EXPECT_EQ(store().get("r", std::pair{5, 2}).status, NEXUS_INVALID_ARGUMENT);

  ASSERT_TRUE(store().put("empty", "").ok());
  const auto empty = store().get("empty", std::pair{-1, -1});
  EXPECT_EQ(empty.status, NEXUS_OUT_OF_RANGE);
  EXPECT_EQ(empty.json()["size"], 0);
}

TEST_F(SqlitePluginTest, MetadataAndContentTypeRoundTrip) {
  const std::string meta = R"({"caller":"+44 20 7946 0000","lang":"fr-CA","note":"café ☕ \"quoted\"","empty":""})";
  const auto put = store().put("m", "body", typed("audio/ogg; codecs=opus", meta));
  ASSERT_TRUE(put.ok()) << put.error;
  for (const CallResult& r : {store().head("m"), store().get("m")}) {
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.json()["content_type"], "audio/ogg; codecs=opus");
    EXPECT_EQ(r.json()["metadata"], nlohmann::json::parse(meta));
  }
  ASSERT_TRUE(store().put("plain", "x").ok());
  EXPECT_EQ(store().head("plain").json()["content_type"], "application/octet-stream");
  EXPECT_EQ(store().head("plain").json()["metadata"], nlohmann::json::object());

  // The SDK refuses bad metadata before the backend sees it.
  EXPECT_EQ(store().put("bad", "x", typed("text/plain", R"({"Upper":"x"})")).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(store().put("bad", "x", typed("text/plain", R"({"n":1})")).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(store().head("bad").status, NEXUS_NOT_FOUND);
}

TEST_F(SqlitePluginTest, EmptyObjectsRoundTrip) {
  const auto put = store().put("empty", "", typed("text/plain"));
  ASSERT_TRUE(put.ok()) << put.error;
  const auto get = store().get("empty");
  ASSERT_TRUE(get.ok()) << get.error;
  EXPECT_EQ(get.body, "");
  EXPECT_EQ(get.json()["size"], 0);
  EXPECT_EQ(get.json()["content_type"], "text/plain");
}

TEST_F(SqlitePluginTest, SixteenMiBObjectRoundTripsByteExact) {
  std::string big(16u << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131) >> 7);
  const auto put = store().put("big.bin", big);
  ASSERT_TRUE(put.ok()) << put.error;
  const auto get = store().get("big.bin");
  ASSERT_TRUE(get.ok()) << get.error;
  EXPECT_EQ(get.json()["size"], big.size());
  EXPECT_TRUE(get.body == big);
  const std::int64_t first = (1 << 20) - 5, last = 3 * (1 << 20) + 7;  // crosses 1 MiB chunk boundaries
  const auto part = store().get("big.bin", std::pair{first, last});
  ASSERT_TRUE(part.ok()) << part.error;
  EXPECT_TRUE(part.body == big.substr(first, last - first + 1));
  const auto tail = store().get("big.bin", std::pair{-(3 << 20) - 1, -1});
  EXPECT_TRUE(tail.body == big.substr(big.size() - (3u << 20) - 1));
}

TEST_F(SqlitePluginTest, CancelledGetStopsAfterInfo) {
  ASSERT_TRUE(store().put("c", std::string(3u << 20, 'c')).ok());
  const auto r = store().get("c", std::nullopt, CallOptions{.cancelled = true});
  EXPECT_EQ(r.status, NEXUS_CANCELLED);
  EXPECT_FALSE(r.info.empty());
  EXPECT_LT(r.body.size(), 3u << 20);
  EXPECT_EQ(store().get("c").body.size(), 3u << 20) << "the reader connection is usable after a cancelled get";
}

TEST_F(SqlitePluginTest, MaxObjectBytesIsEnforced) {
  auto small = make(dir_.path() / "small.db", {{"max_object_bytes", 10}});
  StorageClient s(*small);
  EXPECT_TRUE(s.put("fits", "0123456789").ok());
  const auto r = s.put("too-big", "0123456789A");
  EXPECT_EQ(r.status, NEXUS_RESOURCE_EXHAUSTED);
  EXPECT_NE(r.error.find("max_object_bytes"), std::string::npos) << r.error;
  EXPECT_EQ(s.head("too-big").status, NEXUS_NOT_FOUND);
}

TEST_F(SqlitePluginTest, IfAbsentAndIfMatch) {
  PutArgs create_only;
  create_only.if_absent = true;
  ASSERT_TRUE(store().put("once", "first", create_only).ok());
  const auto again = store().put("once", "second", create_only);
  EXPECT_EQ(again.status, NEXUS_ALREADY_EXISTS);
  EXPECT_NE(again.error.find("once"), std::string::npos) << again.error;
  EXPECT_EQ(store().get("once").body, "first");

  const std::string etag = store().head("once").json()["etag"];
  PutArgs wrong;
  wrong.if_match = "00000000000000000000000000000000";
  const auto mismatch = store().put("once", "x", wrong);
  EXPECT_EQ(mismatch.status, NEXUS_FAILED_PRECONDITION);
  EXPECT_NE(mismatch.error.find(etag), std::string::npos) << mismatch.error;
  EXPECT_EQ(store().get("once").body, "first");
  PutArgs right;
  right.if_match = etag;
  const auto matched = store().put("once", "third", right);
  ASSERT_TRUE(matched.ok()) << matched.error;
  EXPECT_EQ(store().get("once").body, "third");
  EXPECT_EQ(store().put("once", "fourth", right).status, NEXUS_FAILED_PRECONDITION)
      << "the etag changed with the last put";
  EXPECT_EQ(store().put("absent", "x", right).status, NEXUS_FAILED_PRECONDITION);
  EXPECT_EQ(store().head("absent").status, NEXUS_NOT_FOUND);
  // Refused writes roll back and leave the writer usable.
  EXPECT_TRUE(store().put("after", "ok").ok());
}

TEST_F(SqlitePluginTest, IfAbsentIsAtomicUnderRaces) {
  PutArgs create_only;
  create_only.if_absent = true;
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      const auto r = store().put("race", "writer-" + std::to_string(t), create_only);
      if (r.ok())
        ++winners;
      else
        EXPECT_EQ(r.status, NEXUS_ALREADY_EXISTS) << r.error;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(winners.load(), 1);
}

TEST_F(SqlitePluginTest, TraversalAndMalformedKeysAreRefused) {
  const std::vector<std::string> bad = {"../x",
                                        "a/../../x",
                                        "/etc/passwd",
                                        "a\\b",
                                        std::string("a\0b", 3),
                                        "a//b",
                                        "a/",
                                        ".",
                                        "..",
                                        "",
                                        "a\x01"
                                        "b",
                                        std::string(1025, 'k')};
  for (const auto& key : bad) {
    EXPECT_EQ(store().put(key, "x").status, NEXUS_INVALID_ARGUMENT) << key;
    EXPECT_EQ(store().get(key).status, NEXUS_INVALID_ARGUMENT) << key;
    EXPECT_EQ(store().head(key).status, NEXUS_INVALID_ARGUMENT) << key;
    EXPECT_EQ(store().del(key).status, NEXUS_INVALID_ARGUMENT) << key;
    EXPECT_FALSE(store().put(key, "x").error.empty()) << key;
  }
  // Not UTF-8: JSON could never describe such an object, so it is refused
  // before it is stored.
  for (const std::string key : {"k\xFF", "k\xC3", "k\xC0\xAF", "k\xED\xA0\x80"}) {
    const auto r = store().put(key, "x");
    EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << key;
    EXPECT_NE(r.error.find("UTF-8"), std::string::npos) << r.error;
  }
  EXPECT_TRUE(list_all("", 100).empty());
  EXPECT_TRUE(store().put(std::string(1024, 'k'), "longest key").ok());
}

TEST(SqlitePrefixUpperBound, IncrementsTheLastByteThatIsNotFF) {
  using nexus::plugins::sqlite::prefix_upper_bound;
  EXPECT_EQ(prefix_upper_bound(""), std::nullopt);
  EXPECT_EQ(prefix_upper_bound("a/b"), "a/c");
  EXPECT_EQ(prefix_upper_bound("a/"), "a0");
  EXPECT_EQ(prefix_upper_bound("a\x7F"), "a\x80");
  EXPECT_EQ(prefix_upper_bound("a\xBF"), "a\xC0");
  EXPECT_EQ(prefix_upper_bound("a\xFE"), "a\xFF");
  EXPECT_EQ(prefix_upper_bound("a\xFF"), "b");
  EXPECT_EQ(prefix_upper_bound("a\xFF\xFF"), "b");
  EXPECT_EQ(prefix_upper_bound("\xFF"), std::nullopt);
  EXPECT_EQ(prefix_upper_bound("\xFF\xFF"), std::nullopt);
}

TEST_F(SqlitePluginTest, ListingPagesThroughManyKeysInByteOrder) {
  std::set<std::string> expected;  // std::string compares bytes unsigned: storage.h's order
  auto add = [&](const std::string& key) {
    const auto r = store().put(key, "v");
    ASSERT_TRUE(r.ok()) << key << ": " << r.error;
    expected.insert(key);
  };
  for (int i = 0; i < 250; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "%s/%03d", i % 3 == 0 ? "d1" : (i % 3 == 1 ? "d1/sub" : "d2"), i);
    add(key);
  }
  // Order that differs from "directory" order: '-' < '/' < '0'.
  for (const char* k : {"d1-x", "d10", "d1/sub-a"}) add(k);
  // Bytes >= 0x80 (UTF-8), ordered as unsigned bytes, around the highest
  // bytes UTF-8 has: U+FFFD = EF BF BD, U+FFFF = EF BF BF, U+10000 = F0 90 80 80,
  // U+10FFFF = F4 8F BF BF.
  for (const char* k : {"u/\xC3\xA9t\xC3\xA9", "u/e", "u/\xE2\x82\xAC", "u/\xEF\xBF\xBD", "u/\xEF\xBF\xBF",
                        "u/\xEF\xBF\xBF/x", "u/\xF0\x90\x80\x80", "u/\xF4\x8F\xBF\xBF",
                        "u/\xF4\x8F\xBF\xBF"
                        "a",
                        "u/~tilde", "u0"})
    add(k);
  ASSERT_GE(expected.size(), 260u);

  int pages = 0;
  const auto keys = list_all("", 7, &pages);
  EXPECT_EQ(keys, std::vector<std::string>(expected.begin(), expected.end())) << "complete and in byte order";
  EXPECT_EQ(pages, static_cast<int>((expected.size() + 6) / 7)) << "no empty last page";
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size()) << "duplicates";

  const auto with_prefix = [&](std::string_view prefix) {
    std::vector<std::string> out;
    for (const auto& k : expected)
      if (k.compare(0, prefix.size(), prefix) == 0) out.push_back(k);
    return out;
  };
  for (const std::string prefix : {"d1/sub", "d1/s", "d1", "d1/", "d2/", "u/", "u", "u/\xEF\xBF", "u/\xEF\xBF\xBF",
                                   "u/\xF4\x8F\xBF\xBF", "u/\xF4\x8F\xBF", "u/\xEF", "u/\xFF", "zzz", "u/\xC3"}) {
    EXPECT_EQ(list_all(prefix, 7), with_prefix(prefix)) << "prefix " << prefix;
    EXPECT_EQ(list_all(prefix, 1), with_prefix(prefix)) << "prefix " << prefix;
  }
  EXPECT_EQ(with_prefix("u/\xEF\xBF\xBF").size(), 2u);
  EXPECT_EQ(with_prefix("u/\xF4\x8F\xBF\xBF").size(), 2u);
  EXPECT_TRUE(list_all("zzz", 7).empty());

  const auto page = store().list("d2/", "", 3).json();
  ASSERT_EQ(page["objects"].size(), 3u);
  EXPECT_EQ(page["objects"][0]["key"], "d2/002");
  EXPECT_EQ(page["objects"][0]["content_type"], "application/octet-stream");
  EXPECT_EQ(page["objects"][0]["size"], 1);
  EXPECT_EQ(page["objects"][0]["etag"].get<std::string>().size(), 32u);
  EXPECT_FALSE(page["objects"][0].contains("metadata"));
  EXPECT_TRUE(page.contains("next_cursor"));

  // An exact fit ends without a cursor.
  const auto exact = store().list("u/\xEF\xBF\xBF", "", 2).json();
  EXPECT_EQ(exact["objects"].size(), 2u);
  EXPECT_FALSE(exact.contains("next_cursor"));
}

TEST_F(SqlitePluginTest, CursorIsStableAcrossWritesAndSharedWithOtherBackends) {
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(store().put("k" + std::to_string(100 + i), "x").ok());
  const auto first = store().list("", "", 7).json();
  ASSERT_EQ(first["objects"].size(), 7u);
  EXPECT_EQ(first["objects"][6]["key"], "k106");
  const std::string cursor = first["next_cursor"];
  EXPECT_EQ(cursor, "v1:azEwNg") << "the SDK's shared format: v1: + base64url(last key)";

  ASSERT_TRUE(store().put("k1000", "behind the cursor").ok());    // sorts before k106
  ASSERT_TRUE(store().put("k1065", "ahead of the cursor").ok());  // sorts after k106
  ASSERT_TRUE(store().del("k106").ok());                          // the cursor key itself may vanish
  std::vector<std::string> rest;
  std::string c = cursor;
  while (!c.empty()) {
    const auto page = store().list("", c, 7).json();
    for (const auto& o : page["objects"]) rest.push_back(o["key"]);
    c = page.value("next_cursor", "");
  }
  EXPECT_EQ(std::count(rest.begin(), rest.end(), "k1000"), 0);
  EXPECT_EQ(std::count(rest.begin(), rest.end(), "k1065"), 1);
  EXPECT_EQ(rest.front(), "k1065");
  EXPECT_EQ(rest.size(), 14u);

  // A cursor before the prefix starts at the prefix; one past it ends it.
  const auto before = store().list("k11", "v1:YQ" /* "a" */, 100).json();
  EXPECT_EQ(before["objects"].size(), 10u);
  EXPECT_TRUE(store().list("k11", "v1:eg" /* "z" */, 100).json()["objects"].empty());
}

TEST_F(SqlitePluginTest, MalformedCursorsAreInvalidArgument) {
  ASSERT_TRUE(store().put("a", "x").ok());
  for (const std::string cursor :
       {"garbage", "v1:", "v1:!!!", "v2:YQ", "v1:YQ=", "v1:Li4vZXRj" /* ../etc */, "v1:Y", "V1:YQ"}) {
    const auto r = store().list("", cursor, 10);
    EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << cursor;
    EXPECT_NE(r.error.find("cursor"), std::string::npos) << r.error;
  }
  EXPECT_EQ(store().list("", "", 0).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(store().list("", "", 1001).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_TRUE(store().list("", "", 1000).ok());
}

TEST_F(SqlitePluginTest, TwoInstancesOnTwoFilesShareNothing) {
  auto other = make(dir_.path() / "other.db");
  StorageClient b(*other);
  ASSERT_TRUE(store().put("same-key", "from a").ok());
  ASSERT_TRUE(b.put("same-key", "from b").ok());
  ASSERT_TRUE(b.put("only-b", "b").ok());
  EXPECT_EQ(store().get("same-key").body, "from a");
  EXPECT_EQ(b.get("same-key").body, "from b");
  EXPECT_EQ(store().get("only-b").status, NEXUS_NOT_FOUND);
  EXPECT_EQ(list_all("", 10), std::vector<std::string>{"same-key"});
  EXPECT_EQ(nexus::test::list_all(b, "", 10), (std::vector<std::string>{"only-b", "same-key"}));
}

TEST_F(SqlitePluginTest, TwoInstancesOnOneFileSeeEachOthersWrites) {
  auto other = make(db_);
  StorageClient b(*other);
  const auto put = store().put("shared/a", "from a", typed("text/plain", R"({"by":"a"})"));
  ASSERT_TRUE(put.ok()) << put.error;
  const auto seen = b.get("shared/a");
  ASSERT_TRUE(seen.ok()) << seen.error;
  EXPECT_EQ(seen.body, "from a");
  EXPECT_EQ(seen.json(), put.json());

  ASSERT_TRUE(b.put("shared/b", "from b").ok());
  EXPECT_EQ(store().get("shared/b").body, "from b");
  EXPECT_EQ(list_all("shared/", 1), (std::vector<std::string>{"shared/a", "shared/b"}));

  // if_match across instances: b's write changes the etag a saw.
  PutArgs match;
  match.if_match = put.json()["etag"];
  ASSERT_TRUE(b.put("shared/a", "b overwrote", match).ok());
  EXPECT_EQ(store().put("shared/a", "stale a", match).status, NEXUS_FAILED_PRECONDITION);
  EXPECT_EQ(store().get("shared/a").body, "b overwrote");

  ASSERT_TRUE(store().del("shared/b").ok());
  EXPECT_EQ(b.get("shared/b").status, NEXUS_NOT_FOUND);

  // Concurrent writers in two instances: the busy timeout serialises them.
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      const StorageClient mine(t % 2 ? *other : *instance_);
      for (int i = 0; i < 25; ++i) {
        const auto r = mine.put("w/" + std::to_string(t) + "/" + std::to_string(i), std::string(100, 'x'));
        if (!r.ok()) {
          ++failures;
          ADD_FAILURE() << r.error;
        }
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(list_all("w/", 1000).size(), 100u);
  EXPECT_EQ(nexus::test::list_all(b, "w/", 1000).size(), 100u);
}

TEST_F(SqlitePluginTest, EightThreadsPutGetAndListConcurrently) {
  constexpr int kThreads = 8, kOps = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  const auto fail = [&](const std::string& why) {
    ++failures;
    ADD_FAILURE() << why;
  };
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      const StorageClient s(*instance_);
      const std::string mine = "t" + std::to_string(t) + "/";
      for (int i = 0; i < kOps; ++i) {
        const std::string own = mine + "k" + std::to_string(i % 5);
        const std::string body(1000 + t * 10 + i, static_cast<char>('a' + t));
        if (const auto r = s.put(own, body, typed("text/plain")); !r.ok()) fail("put " + own + ": " + r.error);
        if (const auto r = s.get(own); !r.ok() || r.body != body) fail("get " + own + ": " + r.error);
        // Everyone overwrites one shared key; a reader must see one whole body
        // whose size matches its info.
        if (const auto r = s.put("shared", body); !r.ok()) fail("put shared: " + r.error);
        const auto g = s.get("shared");
        if (!g.ok() || g.body.empty() || g.body.find_first_not_of(g.body[0]) != std::string::npos ||
            g.json()["size"] != g.body.size())
          fail("torn read of shared: " + g.error);
        // This thread's keys are all listed, in order, none twice.
        const auto keys = nexus::test::list_all(s, mine, 2);
        std::vector<std::string> want;
        for (int k = 0; k < std::min(i + 1, 5); ++k) want.push_back(mine + "k" + std::to_string(k));
        if (keys != want) fail("listing of " + mine + " is not what was written");
        if (i % 10 == 0) {
          const auto all = nexus::test::list_all(s, "", 7);
          if (!std::is_sorted(all.begin(), all.end()) || std::adjacent_find(all.begin(), all.end()) != all.end())
            fail("listing of everything is unordered or has duplicates");
        }
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(list_all("", 1000).size(), static_cast<std::size_t>(kThreads * 5 + 1));
}

TEST_F(SqlitePluginTest, DataSurvivesDestroyAndRecreate) {
  const auto put = store().put("keep/me", "persistent", typed("text/plain", R"({"a":"b"})"));
  ASSERT_TRUE(put.ok()) << put.error;
  instance_.reset();  // on_instance_destroy: every connection closes
  EXPECT_TRUE(fsys::exists(db_));
  EXPECT_EQ(read_header_u32(db_, 60), 1u) << "schema version 1 in PRAGMA user_version";

  instance_ = make(db_, {{"create", false}});
  const auto get = store().get("keep/me");
  ASSERT_TRUE(get.ok()) << get.error;
  EXPECT_EQ(get.body, "persistent");
  EXPECT_EQ(get.json(), put.json());
}

TEST_F(SqlitePluginTest, SynchronousFullWorks) {
  auto full = make(dir_.path() / "full.db", {{"synchronous", "full"}});
  StorageClient s(*full);
  ASSERT_TRUE(s.put("a", "x").ok());
  EXPECT_EQ(s.get("a").body, "x");
}

TEST_F(SqlitePluginTest, HealthReadsTheDatabase) {
  TextSink detail;
  EXPECT_EQ(plugin_.descriptor().on_instance_health(instance_->handle(), detail.writer()), NEXUS_OK) << detail.text();
}

TEST_F(SqlitePluginTest, ParentDirectoriesAreCreated) {
  auto deep = make(dir_.path() / "a/b/c/objects.db");
  EXPECT_TRUE(fsys::exists(dir_.path() / "a/b/c/objects.db"));
  EXPECT_TRUE(StorageClient(*deep).put("x", "y").ok());
}

// Holds SQLite's WAL write lock (byte 120 of <db>-shm, see "WAL-index
// format" in SQLite's file format docs) from a child process: POSIX record
// locks do not conflict within one process, so only another process can
// play "a writer that never lets go".
TEST_F(SqlitePluginTest, WriteLockHeldPastBusyTimeoutIsUnavailable) {
  auto impatient = make(db_, {{"busy_timeout_ms", 50}});
  ASSERT_TRUE(store().put("before", "x").ok());
  const fsys::path shm = db_.string() + "-shm";
  ASSERT_TRUE(fsys::exists(shm));

  int locked[2], release[2];
  ASSERT_EQ(::pipe(locked), 0);
  ASSERT_EQ(::pipe(release), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Async-signal-safe calls only: the parent is multi-threaded.
    const int fd = ::open(shm.c_str(), O_RDWR);
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = 120;
    fl.l_len = 1;
    const char ok = (fd >= 0 && ::fcntl(fd, F_SETLK, &fl) == 0) ? '1' : '0';
    if (::write(locked[1], &ok, 1) != 1) ::_exit(2);
    char c;
    if (::read(release[0], &c, 1) < 0) ::_exit(3);
    ::_exit(0);
  }
  char ok = 0;
  ASSERT_EQ(::read(locked[0], &ok, 1), 1);
  EXPECT_EQ(ok, '1') << "child could not take the WAL write lock";

  StorageClient s(*impatient);
  const auto busy = s.put("blocked", "x");
  EXPECT_EQ(busy.status, NEXUS_UNAVAILABLE) << busy.error;
  EXPECT_NE(busy.error.find("busy_timeout_ms"), std::string::npos) << busy.error;
  EXPECT_EQ(s.del("before").status, NEXUS_UNAVAILABLE);
  EXPECT_EQ(s.get("before").body, "x") << "readers are not blocked by a writer in WAL mode";

  ASSERT_EQ(::write(release[1], "x", 1), 1);
  int wstatus = 0;
  ASSERT_EQ(::waitpid(child, &wstatus, 0), child);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
  for (int fd : {locked[0], locked[1], release[0], release[1]}) ::close(fd);

  const auto after = s.put("blocked", "x");
  EXPECT_TRUE(after.ok()) << after.error;
  EXPECT_EQ(store().head("blocked").status, NEXUS_OK);
  EXPECT_EQ(store().head("before").status, NEXUS_OK) << "the refused delete changed nothing";
}

// --- create-time failures ------------------------------------------------

class SqlitePluginCreate : public ::testing::Test {
 protected:
  SqlitePluginCreate() : plugin_(plugin_path("sqlite")) {}
  TempDir dir_;
  LoadedPlugin plugin_;
};

TEST_F(SqlitePluginCreate, FileThatIsNotADatabaseFailsNamingThePath) {
  for (const std::string content :
       {std::string("this is a text file, not an SQLite database\n"), std::string(8192, 'x')}) {
    const fsys::path file = dir_.path() / "notes.txt";
    write_file(file, content);
    const auto c = plugin_.create(sqlite_config(file));
    EXPECT_EQ(c.status, NEXUS_FAILED_PRECONDITION) << c.error;
    EXPECT_EQ(c.instance, nullptr);
    EXPECT_NE(c.error.find(file.string()), std::string::npos) << c.error;
    EXPECT_NE(c.error.find("not an SQLite database"), std::string::npos) << c.error;
    std::ifstream in(file, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), content) << "the file is left alone";
  }
}

TEST_F(SqlitePluginCreate, NewerSchemaVersionIsRefused) {
  const fsys::path file = dir_.path() / "objects.db";
  {
    auto c = plugin_.create(sqlite_config(file));
    ASSERT_EQ(c.status, NEXUS_OK) << c.error;
    ASSERT_TRUE(StorageClient(*c.instance).put("a", "x").ok());
  }
  ASSERT_EQ(read_header_u32(file, 60), 1u);
  write_header_u32(file, 60, 7);
  const auto c = plugin_.create(sqlite_config(file));
  EXPECT_EQ(c.status, NEXUS_FAILED_PRECONDITION);
  EXPECT_NE(c.error.find("schema version 7"), std::string::npos) << c.error;
  EXPECT_NE(c.error.find(file.string()), std::string::npos) << c.error;
  EXPECT_EQ(read_header_u32(file, 60), 7u) << "a refused file is not rewritten";
}

TEST_F(SqlitePluginCreate, SomeoneElsesDatabaseIsRefused) {
  const fsys::path file = dir_.path() / "app.db";
  {
    auto c = plugin_.create(sqlite_config(file));
    ASSERT_EQ(c.status, NEXUS_OK) << c.error;
  }
  write_header_u32(file, 60, 0);  // tables but no schema version: not ours
  const auto c = plugin_.create(sqlite_config(file));
  EXPECT_EQ(c.status, NEXUS_FAILED_PRECONDITION);
  EXPECT_NE(c.error.find("not a Nexus object store"), std::string::npos) << c.error;
}

TEST_F(SqlitePluginCreate, MissingFileWithCreateFalseFails) {
  const fsys::path file = dir_.path() / "absent.db";
  const auto c = plugin_.create(sqlite_config(file, {{"create", false}}));
  EXPECT_EQ(c.status, NEXUS_INVALID_ARGUMENT);
  EXPECT_NE(c.error.find(file.string()), std::string::npos) << c.error;
  EXPECT_NE(c.error.find("config.create"), std::string::npos) << c.error;
  EXPECT_FALSE(fsys::exists(file));
}

TEST_F(SqlitePluginCreate, PathThatIsADirectoryFailsNamingIt) {
  const auto c = plugin_.create(sqlite_config(dir_.path()));
  EXPECT_NE(c.status, NEXUS_OK);
  EXPECT_NE(c.error.find(dir_.path().string()), std::string::npos) << c.error;
}

TEST_F(SqlitePluginCreate, BadConfigBlocksFailCleanly) {
  const std::string file = (dir_.path() / "x.db").string();
  struct Case {
    std::string config;
    std::string mentions;
  };
  const std::vector<Case> cases = {
      {"{}", "config.path"},
      {"", "config.path"},
      {R"({"path": 5})", "config.path"},
      {R"({"path": ""})", "config.path"},
      {R"({"path": null})", "config.path"},
      {R"({"path": ["a"]})", "config.path"},
      {nlohmann::json{{"path", file}, {"pth", 1}}.dump(), "pth"},
      {nlohmann::json{{"path", file}, {"create", "yes"}}.dump(), "config.create"},
      {nlohmann::json{{"path", file}, {"busy_timeout_ms", "soon"}}.dump(), "config.busy_timeout_ms"},
      {nlohmann::json{{"path", file}, {"busy_timeout_ms", -1}}.dump(), "config.busy_timeout_ms"},
      {nlohmann::json{{"path", file}, {"busy_timeout_ms", 1e12}}.dump(), "config.busy_timeout_ms"},
      {nlohmann::json{{"path", file}, {"synchronous", "off"}}.dump(), "config.synchronous"},
      {nlohmann::json{{"path", file}, {"synchronous", 1}}.dump(), "config.synchronous"},
      {nlohmann::json{{"path", file}, {"max_object_bytes", -5}}.dump(), "config.max_object_bytes"},
      {nlohmann::json{{"path", file}, {"max_object_bytes", 1LL << 40}}.dump(), "config.max_object_bytes"},
      {nlohmann::json{{"path", file}, {"max_object_bytes", "big"}}.dump(), "config.max_object_bytes"},
      {"[]", "config"},
      {R"("objects.db")", "config"},
      {"{not json", "JSON"},
  };
  for (const auto& c : cases) {
    const auto r = plugin_.create(c.config);
    EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << c.config << " → " << r.error;
    EXPECT_EQ(r.instance, nullptr) << c.config;
    EXPECT_NE(r.error.find(c.mentions), std::string::npos) << c.config << " → " << r.error;
  }
  EXPECT_FALSE(fsys::exists(file)) << "no file is created for a refused config";
}

}  // namespace
}  // namespace nexus::test
