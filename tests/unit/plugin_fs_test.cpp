// The "fs" storage plugin through its C ABI: semantics, traversal safety,
// crash consistency of data + sidecar, listing, concurrency.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "support/plugin_harness.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

namespace fsys = std::filesystem;

std::string fs_config(const fsys::path& root, bool fsync = false) {
  // fsync off keeps the suite fast; the fsync path is covered by FsyncOnWorks.
  return nlohmann::json{{"root", root.string()}, {"fsync", fsync}}.dump();
}

std::string read_file(const fsys::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fsys::path& p, std::string_view data) {
  fsys::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
}

// Every file name below `root` (relative), including the backend's own.
std::set<std::string> files_under(const fsys::path& root) {
  std::set<std::string> out;
  for (const auto& e : fsys::recursive_directory_iterator(root))
    if (e.is_regular_file()) out.insert(fsys::relative(e.path(), root).string());
  return out;
}

class FsPluginTest : public ::testing::Test {
 protected:
  FsPluginTest() : plugin_(plugin_path("fs")) { instance_ = make(root_.path()); }

  std::unique_ptr<PluginInstance> make(const fsys::path& root, bool fsync = false) {
    auto c = plugin_.create(fs_config(root, fsync));
    if (c.status != NEXUS_OK) throw std::runtime_error("fs create failed: " + c.error);
    return std::move(c.instance);
  }
  StorageClient store() const { return StorageClient(*instance_); }

  // Every key, following cursors page by page.
  std::vector<std::string> list_all(std::string_view prefix, std::uint32_t limit, int* pages = nullptr) const {
    std::vector<std::string> keys;
    std::string cursor;
    int n = 0;
    for (;;) {
      const CallResult r = store().list(prefix, cursor, limit);
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

  TempDir root_;
  LoadedPlugin plugin_;
  std::unique_ptr<PluginInstance> instance_;
};

TEST_F(FsPluginTest, DescriptorDeclaresAStrictSchemaWithDescriptions) {
  const auto& d = plugin_.descriptor();
  EXPECT_STREQ(d.id, "fs");
  EXPECT_STREQ(d.version, "1.0.0");
  EXPECT_STREQ(d.license, "Apache-2.0");
  EXPECT_EQ(d.concurrency, NEXUS_CONCURRENCY_PARALLEL);
  ASSERT_NE(d.interfaces[0], nullptr);
  EXPECT_STREQ(d.interfaces[0], NEXUS_STORAGE_V1);
  const auto schema = nlohmann::json::parse(d.config_schema);
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["required"], nlohmann::json::array({"root"}));
  for (const auto& [name, prop] : schema["properties"].items()) EXPECT_TRUE(prop.contains("description")) << name;
}

TEST_F(FsPluginTest, ReadAfterWriteStoresAFileUnderRoot) {
  const CallResult put = store().put("recordings/2026/call-1.wav", "RIFF....", typed("audio/wav", R"({"caller":"+44"})"));
  ASSERT_TRUE(put.ok()) << put.error;
  const auto info = put.json();
  EXPECT_EQ(info["key"], "recordings/2026/call-1.wav");
  EXPECT_EQ(info["size"], 8);
  EXPECT_EQ(info["content_type"], "audio/wav");
  EXPECT_EQ(info["metadata"]["caller"], "+44");
  EXPECT_EQ(info["etag"].get<std::string>().size(), 16u);
  EXPECT_EQ(info["last_modified"].get<std::string>().size(), 20u);  // 2026-01-02T03:04:05Z

  const CallResult get = store().get("recordings/2026/call-1.wav");
  ASSERT_TRUE(get.ok()) << get.error;
  EXPECT_EQ(get.body, "RIFF....");
  EXPECT_EQ(get.json(), info);
  EXPECT_EQ(store().head("recordings/2026/call-1.wav").json(), info);

  EXPECT_EQ(read_file(root_.path() / "recordings/2026/call-1.wav"), "RIFF....");
  EXPECT_TRUE(fsys::exists(root_.path() / ".nexus-meta/recordings/2026/.nexus-m-call-1.wav.json"));
  // No temp file survives a successful put.
  for (const auto& f : files_under(root_.path())) EXPECT_EQ(f.find(".nexus-tmp-"), std::string::npos) << f;
}

TEST_F(FsPluginTest, FsyncOnWorks) {
  auto inst = make(root_.path(), /*fsync=*/true);
  StorageClient s(*inst);
  ASSERT_TRUE(s.put("a", "x").ok());
  EXPECT_EQ(s.get("a").body, "x");
}

TEST_F(FsPluginTest, OverwriteReplacesBodyEtagAndMetadata) {
  const auto first = store().put("k", "one", typed("text/plain", R"({"v":"1"})"));
  ASSERT_TRUE(first.ok());
  const auto second = store().put("k", "second", {});
  ASSERT_TRUE(second.ok());
  EXPECT_NE(first.json()["etag"], second.json()["etag"]);
  const auto get = store().get("k");
  EXPECT_EQ(get.body, "second");
  EXPECT_EQ(get.json()["content_type"], "application/octet-stream");
  EXPECT_TRUE(get.json()["metadata"].empty());
}

TEST_F(FsPluginTest, DeleteRemovesObjectSidecarAndEmptyParents) {
  ASSERT_TRUE(store().put("x/y/z", "1").ok());
  ASSERT_TRUE(store().put("x/keep", "2").ok());
  ASSERT_TRUE(store().del("x/y/z").ok());
  EXPECT_EQ(store().get("x/y/z").status, NEXUS_NOT_FOUND);
  EXPECT_FALSE(fsys::exists(root_.path() / "x/y"));
  EXPECT_FALSE(fsys::exists(root_.path() / ".nexus-meta/x/y"));
  EXPECT_TRUE(fsys::exists(root_.path() / "x/keep"));
  ASSERT_TRUE(store().del("x/keep").ok());
  EXPECT_FALSE(fsys::exists(root_.path() / "x"));
  EXPECT_TRUE(fsys::exists(root_.path()));
}

TEST_F(FsPluginTest, MissingKeysAreNotFound) {
  const auto get = store().get("nope/a");
  EXPECT_EQ(get.status, NEXUS_NOT_FOUND);
  EXPECT_NE(get.error.find("nope/a"), std::string::npos) << get.error;
  EXPECT_TRUE(get.info.empty());
  EXPECT_EQ(store().head("nope").status, NEXUS_NOT_FOUND);
  EXPECT_EQ(store().del("nope").status, NEXUS_NOT_FOUND);
}

TEST_F(FsPluginTest, RangesFollowHttpSemantics) {
  ASSERT_TRUE(store().put("r", "0123456789").ok());
  EXPECT_EQ(store().get("r", std::pair{2, 5}).body, "2345");
  EXPECT_EQ(store().get("r", std::pair{7, -1}).body, "789");
  EXPECT_EQ(store().get("r", std::pair{-3, -1}).body, "789");
  EXPECT_EQ(store().get("r", std::pair{-30, -1}).body, "0123456789");
  EXPECT_EQ(store().get("r", std::pair{8, 100}).body, "89");
  EXPECT_EQ(store().get("r", std::pair{9, 9}).body, "9");

  const auto out = store().get("r", std::pair{10, -1});
  EXPECT_EQ(out.status, NEXUS_OUT_OF_RANGE);
  ASSERT_FALSE(out.info.empty()) << "info must be written before OUT_OF_RANGE";
  EXPECT_EQ(out.json()["size"], 10);
  EXPECT_TRUE(out.body.empty());

  ASSERT_TRUE(store().put("empty", "").ok());
  const auto empty = store().get("empty", std::pair{-1, -1});
  EXPECT_EQ(empty.status, NEXUS_OUT_OF_RANGE);
  EXPECT_EQ(empty.json()["size"], 0);
}

TEST_F(FsPluginTest, EmptyObjectsRoundTrip) {
  const auto put = store().put("empty", "", typed("text/plain"));
  ASSERT_TRUE(put.ok()) << put.error;
  const auto get = store().get("empty");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get.body, "");
  EXPECT_EQ(get.json()["size"], 0);
  EXPECT_EQ(get.json()["content_type"], "text/plain");
}

TEST_F(FsPluginTest, SixteenMiBObjectRoundTripsInChunks) {
  std::string big(16u << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131) >> 7);
  ASSERT_TRUE(store().put("big.bin", big).ok());
  const auto get = store().get("big.bin");
  ASSERT_TRUE(get.ok()) << get.error;
  EXPECT_EQ(get.json()["size"], big.size());
  EXPECT_TRUE(get.body == big);
  const std::int64_t first = (1 << 20) - 5, last = 3 * (1 << 20) + 7;  // crosses chunk boundaries
  const auto part = store().get("big.bin", std::pair{first, last});
  EXPECT_TRUE(part.body == big.substr(first, last - first + 1));
}

TEST_F(FsPluginTest, CancelledGetStopsAfterInfo) {
  ASSERT_TRUE(store().put("c", std::string(3u << 20, 'c')).ok());
  const auto r = store().get("c", std::nullopt, CallOptions{.cancelled = true});
  EXPECT_EQ(r.status, NEXUS_CANCELLED);
  EXPECT_FALSE(r.info.empty());
  EXPECT_LT(r.body.size(), 3u << 20);
}

TEST_F(FsPluginTest, IfAbsentAndIfMatch) {
  PutArgs create_only;
  create_only.if_absent = true;
  ASSERT_TRUE(store().put("once", "first", create_only).ok());
  const auto again = store().put("once", "second", create_only);
  EXPECT_EQ(again.status, NEXUS_ALREADY_EXISTS);
  EXPECT_NE(again.error.find("once"), std::string::npos);
  EXPECT_EQ(store().get("once").body, "first");

  const std::string etag = store().head("once").json()["etag"];
  PutArgs wrong;
  wrong.if_match = "0000000000000000";
  EXPECT_EQ(store().put("once", "x", wrong).status, NEXUS_FAILED_PRECONDITION);
  EXPECT_EQ(store().get("once").body, "first");
  PutArgs right;
  right.if_match = etag;
  ASSERT_TRUE(store().put("once", "third", right).ok());
  EXPECT_EQ(store().get("once").body, "third");
  EXPECT_EQ(store().put("once", "fourth", right).status, NEXUS_FAILED_PRECONDITION) << "the etag changed with the last put";
  EXPECT_EQ(store().put("absent", "x", right).status, NEXUS_FAILED_PRECONDITION);
  // No temp files left behind by the refused writes.
  for (const auto& f : files_under(root_.path())) EXPECT_EQ(f.find(".nexus-tmp-"), std::string::npos) << f;
}

TEST_F(FsPluginTest, IfAbsentIsAtomicUnderRaces) {
  PutArgs create_only;
  create_only.if_absent = true;
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      const auto r = store().put("race", "writer-" + std::to_string(t), create_only);
      if (r.ok()) ++winners;
      else EXPECT_EQ(r.status, NEXUS_ALREADY_EXISTS) << r.error;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(winners.load(), 1);
}

TEST_F(FsPluginTest, TraversalKeysAreRefused) {
  // The root sits alone in a private folder, so "nothing appeared next to
  // it" is checked against a folder no other process writes to.
  const TempDir outer;
  const fsys::path root = outer.path() / "root";
  fsys::create_directory(root);
  const auto inst = make(root);
  const StorageClient store(*inst);
  const std::vector<std::string> bad = {"../x", "a/../../x", "/etc/passwd", "a\\b", std::string("a\0b", 3), "a//b", "a/",
                                        ".", "..", "", ".nexus-meta/x", "a/.nexus-tmp-1", ".nexus-x"};
  for (const auto& key : bad) {
    EXPECT_EQ(store.put(key, "x").status, NEXUS_INVALID_ARGUMENT) << key;
    EXPECT_EQ(store.get(key).status, NEXUS_INVALID_ARGUMENT) << key;
    EXPECT_EQ(store.head(key).status, NEXUS_INVALID_ARGUMENT) << key;
    EXPECT_EQ(store.del(key).status, NEXUS_INVALID_ARGUMENT) << key;
    EXPECT_FALSE(store.put(key, "x").error.empty()) << key;
  }
  EXPECT_NE(store.put(".nexus-meta/x", "x").error.find("reserve"), std::string::npos);
  EXPECT_TRUE(files_under(root).empty());
  EXPECT_EQ(std::distance(fsys::directory_iterator(outer.path()), fsys::directory_iterator()), 1)
      << "something was written next to the root";
}

TEST_F(FsPluginTest, SymlinksInsideRootAreNotFollowed) {
  const TempDir outside;
  write_file(outside.path() / "secret", "top secret");
  fsys::create_directory_symlink(outside.path(), root_.path() / "link");
  fsys::create_symlink(outside.path() / "secret", root_.path() / "file-link");

  auto r = store().get("link/secret");
  EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(r.body.find("top secret"), std::string::npos);
  EXPECT_NE(r.error.find("symbolic link"), std::string::npos) << r.error;
  EXPECT_EQ(store().put("link/new", "x").status, NEXUS_INVALID_ARGUMENT);
  EXPECT_FALSE(fsys::exists(outside.path() / "new"));
  EXPECT_EQ(store().get("file-link").status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(store().put("file-link", "overwrite").status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(store().del("file-link").status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(read_file(outside.path() / "secret"), "top secret");
  EXPECT_TRUE(list_all("", 100).empty());
}

TEST_F(FsPluginTest, KeyThatIsADirectoryConflicts) {
  ASSERT_TRUE(store().put("a/b", "x").ok());
  const auto put = store().put("a", "y");
  EXPECT_EQ(put.status, NEXUS_FAILED_PRECONDITION);
  EXPECT_NE(put.error.find("directory"), std::string::npos) << put.error;
  EXPECT_EQ(store().get("a").status, NEXUS_NOT_FOUND);
  EXPECT_EQ(store().head("a").status, NEXUS_NOT_FOUND);
  EXPECT_EQ(store().del("a").status, NEXUS_NOT_FOUND);
  // The other way round: "a/b" is an object, so "a/b/c" cannot be.
  EXPECT_EQ(store().put("a/b/c", "z").status, NEXUS_FAILED_PRECONDITION);
  EXPECT_EQ(store().get("a/b/c").status, NEXUS_NOT_FOUND);
  EXPECT_EQ(store().get("a/b").body, "x");
}

TEST_F(FsPluginTest, SidecarNamesNeverCollideWithKeys) {
  // The sidecar of "x" must not occupy a name the key "x.json/y" needs.
  ASSERT_TRUE(store().put("x", "one", typed("text/plain")).ok());
  const auto second = store().put("x.json/y", "two", typed("text/csv"));
  ASSERT_TRUE(second.ok()) << second.error;
  EXPECT_EQ(store().get("x").body, "one");
  EXPECT_EQ(store().head("x").json()["content_type"], "text/plain");
  EXPECT_EQ(store().head("x.json/y").json()["content_type"], "text/csv");
}

TEST_F(FsPluginTest, ListingPagesThroughManyKeysInByteOrder) {
  std::set<std::string> expected;
  for (int i = 0; i < 250; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "%s/%03d", i % 3 == 0 ? "d1" : (i % 3 == 1 ? "d1/sub" : "d2"), i);
    ASSERT_TRUE(store().put(key, std::to_string(i)).ok());
    expected.insert(key);
  }
  // Keys whose order differs from directory order: '-' < '/' < '0'.
  for (const char* k : {"d1-x", "d10", "d1/sub-a"}) {
    ASSERT_TRUE(store().put(k, "x").ok());
    expected.insert(k);
  }
  int pages = 0;
  const auto keys = list_all("", 7, &pages);
  EXPECT_EQ(keys, std::vector<std::string>(expected.begin(), expected.end()));
  EXPECT_EQ(pages, static_cast<int>((expected.size() + 6) / 7));
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size()) << "duplicates";

  std::vector<std::string> want_prefix;
  for (const auto& k : expected)
    if (k.rfind("d1/sub", 0) == 0) want_prefix.push_back(k);
  EXPECT_EQ(list_all("d1/sub", 7), want_prefix);
  EXPECT_EQ(list_all("d1/s", 1000), want_prefix);
  EXPECT_TRUE(list_all("zzz", 7).empty());

  const auto page = store().list("d2/", "", 3).json();
  ASSERT_EQ(page["objects"].size(), 3u);
  EXPECT_EQ(page["objects"][0]["content_type"], "application/octet-stream");
  EXPECT_FALSE(page["objects"][0].contains("metadata"));
  EXPECT_TRUE(page.contains("next_cursor"));
}

TEST_F(FsPluginTest, CursorIsStableAcrossWrites) {
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(store().put("k" + std::to_string(100 + i), "x").ok());
  const auto first = store().list("", "", 7).json();
  ASSERT_EQ(first["objects"].size(), 7u);
  EXPECT_EQ(first["objects"][6]["key"], "k106");
  const std::string cursor = first["next_cursor"];
  EXPECT_EQ(cursor.rfind("v1:", 0), 0u) << cursor;

  ASSERT_TRUE(store().put("k1000", "behind the cursor").ok());  // sorts before k106
  ASSERT_TRUE(store().put("k1065", "ahead of the cursor").ok());  // sorts after k106
  ASSERT_TRUE(store().del("k106").ok());                           // the cursor key itself may vanish
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
}

TEST_F(FsPluginTest, MalformedCursorsAreInvalidArgument) {
  ASSERT_TRUE(store().put("a", "x").ok());
  for (const std::string cursor : {"garbage", "v1:", "v1:!!!", "v2:YQ", "v1:YQ=", "v1:Li4vZXRj" /* ../etc */, "v1:Y"}) {
    const auto r = store().list("", cursor, 10);
    EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << cursor;
    EXPECT_NE(r.error.find("cursor"), std::string::npos) << r.error;
  }
  EXPECT_EQ(store().list("", "", 0).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(store().list("", "", 1001).status, NEXUS_INVALID_ARGUMENT);
}

TEST_F(FsPluginTest, TwoInstancesWithDifferentRootsShareNothing) {
  const TempDir other_root;
  auto other = make(other_root.path());
  StorageClient b(*other);
  ASSERT_TRUE(store().put("same-key", "from a").ok());
  ASSERT_TRUE(b.put("same-key", "from b").ok());
  ASSERT_TRUE(b.put("only-b", "b").ok());
  EXPECT_EQ(store().get("same-key").body, "from a");
  EXPECT_EQ(b.get("same-key").body, "from b");
  EXPECT_EQ(store().get("only-b").status, NEXUS_NOT_FOUND);
  EXPECT_EQ(list_all("", 10), std::vector<std::string>{"same-key"});
}

TEST_F(FsPluginTest, SidecarThatDoesNotMatchTheDataIsIgnored) {
  ASSERT_TRUE(store().put("doc", "old body", typed("text/plain", R"({"a":"b"})")).ok());
  // A crash between the data rename and the sidecar rename leaves new data
  // with the old sidecar: simulate by replacing the file behind its back.
  fsys::remove(root_.path() / "doc");
  write_file(root_.path() / "doc", "new body!");
  const auto get = store().get("doc");
  ASSERT_TRUE(get.ok()) << get.error;
  EXPECT_EQ(get.body, "new body!");
  EXPECT_EQ(get.json()["content_type"], "application/octet-stream");
  EXPECT_TRUE(get.json()["metadata"].empty());

  // A torn sidecar is ignored too.
  ASSERT_TRUE(store().put("doc2", "x", typed("text/plain")).ok());
  write_file(root_.path() / ".nexus-meta/.nexus-m-doc2.json", "{\"v\":1,\"ino");
  EXPECT_EQ(store().head("doc2").json()["content_type"], "application/octet-stream");
}

TEST_F(FsPluginTest, StaleTempFilesAreInvisibleAndSweptAtCreate) {
  ASSERT_TRUE(store().put("dir/obj", "x").ok());
  const auto stale1 = root_.path() / ".nexus-tmp-dead1";
  const auto stale2 = root_.path() / "dir/.nexus-tmp-dead2";
  const auto stale_meta = root_.path() / ".nexus-meta/dir/.nexus-tmp-dead3";
  const auto fresh = root_.path() / "dir/.nexus-tmp-live";
  for (const auto& p : {stale1, stale2, stale_meta, fresh}) write_file(p, "partial");
  const auto two_hours_ago = fsys::file_time_type::clock::now() - std::chrono::hours(2);
  for (const auto& p : {stale1, stale2, stale_meta}) fsys::last_write_time(p, two_hours_ago);

  EXPECT_EQ(list_all("", 100), std::vector<std::string>{"dir/obj"});
  EXPECT_EQ(store().get("dir/.nexus-tmp-live").status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(store().get(".nexus-tmp-dead1").status, NEXUS_INVALID_ARGUMENT);

  auto restarted = make(root_.path());
  EXPECT_FALSE(fsys::exists(stale1));
  EXPECT_FALSE(fsys::exists(stale2));
  EXPECT_FALSE(fsys::exists(stale_meta));
  EXPECT_TRUE(fsys::exists(fresh)) << "a young temp file may belong to a live writer";
  EXPECT_TRUE(plugin_.log().contains("stale temp"));
  EXPECT_EQ(StorageClient(*restarted).get("dir/obj").body, "x");
}

TEST_F(FsPluginTest, ConcurrentPutsAndGetsOnOneInstance) {
  constexpr int kThreads = 8, kOps = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      const StorageClient s(*instance_);
      for (int i = 0; i < kOps; ++i) {
        const std::string own = "t" + std::to_string(t) + "/k" + std::to_string(i % 5);
        const std::string body(1000 + t, static_cast<char>('a' + t));
        if (!s.put(own, body, typed("text/plain")).ok()) ++failures;
        if (s.get(own).body != body) ++failures;
        // Everyone overwrites one shared key; a reader must see one whole body.
        if (!s.put("shared", body).ok()) ++failures;
        const auto g = s.get("shared");
        if (!g.ok() || g.body.empty() || g.body.find_first_not_of(g.body[0]) != std::string::npos) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(list_all("", 1000).size(), static_cast<std::size_t>(kThreads * 5 + 1));
}

TEST_F(FsPluginTest, ConcurrentPutsAndDeletesInSharedDirectories) {
  // Deletes remove empty parents while puts create them: a put must never
  // fail because its directory vanished under it (the conformance kit found
  // this race).
  constexpr int kThreads = 8, kOps = 150;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::mutex first_error_mutex;
  std::string first_error;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      const StorageClient s(*instance_);
      for (int i = 0; i < kOps; ++i) {
        const std::string key = "deep/d" + std::to_string(i % 3) + "/t" + std::to_string(t);
        const auto put = s.put(key, "x");
        if (!put.ok()) {
          ++failures;
          std::lock_guard lock(first_error_mutex);
          if (first_error.empty()) first_error = put.error;
        }
        const auto del = s.del(key);
        if (!del.ok() && del.status != NEXUS_NOT_FOUND) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0) << first_error;
  EXPECT_TRUE(list_all("", 1000).empty());
}

TEST(FsPluginConfig, BadConfigsNameTheKey) {
  const LoadedPlugin plugin(plugin_path("fs"));
  auto missing = plugin.create("{}");
  EXPECT_EQ(missing.status, NEXUS_INVALID_ARGUMENT);
  EXPECT_NE(missing.error.find("config.root"), std::string::npos) << missing.error;

  const TempDir dir;
  auto unknown = plugin.create(nlohmann::json{{"root", dir.path().string()}, {"rooot", 1}}.dump());
  EXPECT_EQ(unknown.status, NEXUS_INVALID_ARGUMENT);
  EXPECT_NE(unknown.error.find("rooot"), std::string::npos) << unknown.error;

  auto no_create = plugin.create(nlohmann::json{{"root", (dir.path() / "absent").string()}, {"create", false}}.dump());
  EXPECT_EQ(no_create.status, NEXUS_INVALID_ARGUMENT);
  EXPECT_NE(no_create.error.find("config.create"), std::string::npos) << no_create.error;

  auto created = plugin.create(nlohmann::json{{"root", (dir.path() / "new/deep").string()}}.dump());
  EXPECT_EQ(created.status, NEXUS_OK) << created.error;
  EXPECT_TRUE(fsys::is_directory(dir.path() / "new/deep"));

  auto wrong_type = plugin.create(R"({"root": 5})");
  EXPECT_EQ(wrong_type.status, NEXUS_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace nexus::test
