// The sqlite plugin's storage layout, proven from inside SQLite rather than
// from its comments: the database file is in WAL mode, and prefix listings
// walk the key index (a range seek) instead of scanning and sorting the
// table. The plugin runs in this process and uses the one libsqlite3.so
// loaded here, so an auto extension registered through that library sees
// every connection the plugin opens and reads each listing statement's
// counters (sqlite3_stmt_status) when it finishes.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <mutex>

#include "support/plugin_harness.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

// What the listing statements did, summed over every run.
struct ListingCounters {
  std::atomic<int> runs{0};
  std::atomic<int> fullscan_steps{0};
  std::atomic<int> sorts{0};
  std::atomic<int> vm_steps{0};
};
ListingCounters& counters() {
  static ListingCounters c;
  return c;
}

// libsqlite3's functions, looked up in the copy the plugin loaded (the test
// binary does not link SQLite itself).
struct SqliteApi {
  decltype(&sqlite3_auto_extension) auto_extension = nullptr;
  decltype(&sqlite3_cancel_auto_extension) cancel_auto_extension = nullptr;
  decltype(&sqlite3_trace_v2) trace_v2 = nullptr;
  decltype(&sqlite3_sql) sql = nullptr;
  decltype(&sqlite3_stmt_status) stmt_status = nullptr;
};
SqliteApi& api() {
  static SqliteApi a;
  return a;
}

bool is_listing(const char* sql) { return sql && std::strncmp(sql, "SELECT key, size", 16) == 0; }

int on_trace(unsigned type, void*, void* p, void*) {
  if (type != SQLITE_TRACE_PROFILE) return 0;
  auto* stmt = static_cast<sqlite3_stmt*>(p);
  if (!is_listing(api().sql(stmt))) return 0;
  auto& c = counters();
  ++c.runs;
  c.fullscan_steps += api().stmt_status(stmt, SQLITE_STMTSTATUS_FULLSCAN_STEP, 1);
  c.sorts += api().stmt_status(stmt, SQLITE_STMTSTATUS_SORT, 1);
  c.vm_steps += api().stmt_status(stmt, SQLITE_STMTSTATUS_VM_STEP, 1);
  return 0;
}

int install_trace(sqlite3* db, const char**, const void*) {
  api().trace_v2(db, SQLITE_TRACE_PROFILE, on_trace, nullptr);
  return SQLITE_OK;
}
using AutoExtensionEntry = void (*)();

class SqliteLayoutTest : public ::testing::Test {
 protected:
  SqliteLayoutTest() : plugin_(plugin_path("sqlite")) {
    // Loaded by the plugin already: RTLD_NOLOAD returns that same copy.
    lib_ = dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_NOLOAD);
    if (!lib_) throw std::runtime_error("the sqlite plugin did not load libsqlite3.so.0: " + std::string(dlerror()));
    auto& a = api();
    a.auto_extension = reinterpret_cast<decltype(a.auto_extension)>(dlsym(lib_, "sqlite3_auto_extension"));
    a.cancel_auto_extension = reinterpret_cast<decltype(a.cancel_auto_extension)>(dlsym(lib_, "sqlite3_cancel_auto_extension"));
    a.trace_v2 = reinterpret_cast<decltype(a.trace_v2)>(dlsym(lib_, "sqlite3_trace_v2"));
    a.sql = reinterpret_cast<decltype(a.sql)>(dlsym(lib_, "sqlite3_sql"));
    a.stmt_status = reinterpret_cast<decltype(a.stmt_status)>(dlsym(lib_, "sqlite3_stmt_status"));
    if (!a.auto_extension || !a.cancel_auto_extension || !a.trace_v2 || !a.sql || !a.stmt_status)
      throw std::runtime_error("libsqlite3.so.0 lacks a function this test needs");
    a.auto_extension(reinterpret_cast<AutoExtensionEntry>(&install_trace));
  }
  ~SqliteLayoutTest() override {
    instance_.reset();  // its connections close before the hook goes
    api().cancel_auto_extension(reinterpret_cast<AutoExtensionEntry>(&install_trace));
    dlclose(lib_);
  }

  std::unique_ptr<PluginInstance> make() {
    const nlohmann::json c{{"path", db_.string()}, {"synchronous", "normal"}};
    auto r = plugin_.create(c.dump());
    if (r.status != NEXUS_OK) throw std::runtime_error("sqlite create failed: " + r.error);
    return std::move(r.instance);
  }

  TempDir dir_;
  std::filesystem::path db_ = dir_.path() / "calls.db";
  LoadedPlugin plugin_;
  void* lib_ = nullptr;
  std::unique_ptr<PluginInstance> instance_;
};

TEST_F(SqliteLayoutTest, TheDatabaseFileIsInWalMode) {
  instance_ = make();
  ASSERT_TRUE(StorageClient(*instance_).put("k", "v").ok());
  // Bytes 18 and 19 of the header: file format write/read versions, 2 in
  // WAL mode (1 for a rollback journal). The mode is stored in the file.
  std::ifstream in(db_, std::ios::binary);
  char header[20] = {};
  in.read(header, sizeof header);
  ASSERT_TRUE(in) << "cannot read " << db_;
  EXPECT_EQ(std::string(header, 15), "SQLite format 3");
  EXPECT_EQ(header[18], 2) << "write version: WAL";
  EXPECT_EQ(header[19], 2) << "read version: WAL";
  EXPECT_TRUE(std::filesystem::exists(db_.string() + "-wal"));
}

TEST_F(SqliteLayoutTest, PrefixListingsSeekTheKeyIndexInsteadOfScanningTheTable) {
  instance_ = make();
  const StorageClient s(*instance_);
  // 3000 objects, 20 of them under the listed prefix, which sorts in the
  // middle of the table.
  for (int i = 0; i < 1500; ++i) ASSERT_TRUE(s.put("recordings/t" + std::to_string(10000 + i) + "/recording.wav", "x").ok());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(s.put("transcripts/t" + std::to_string(10000 + i) + "/transcript.json", "{}").ok());
  for (int i = 0; i < 1480; ++i) ASSERT_TRUE(s.put("zz/" + std::to_string(10000 + i), "x").ok());

  auto& c = counters();
  c.runs = 0;
  c.fullscan_steps = 0;
  c.sorts = 0;
  c.vm_steps = 0;
  std::string cursor;
  int listed = 0;
  for (int page = 0; page < 10; ++page) {
    const auto r = s.list("transcripts/", cursor, 7);
    ASSERT_TRUE(r.ok()) << r.error;
    listed += static_cast<int>(r.json()["objects"].size());
    if (!r.json().contains("next_cursor")) break;
    cursor = r.json()["next_cursor"];
  }
  EXPECT_EQ(listed, 20);
  ASSERT_GE(c.runs.load(), 3) << "the hook saw no listing statement, so it proves nothing";
  EXPECT_EQ(c.fullscan_steps.load(), 0) << "a listing stepped through the table instead of seeking the key index";
  EXPECT_EQ(c.sorts.load(), 0) << "a listing sorted rows: the key index should give the order";
  EXPECT_LT(c.vm_steps.load(), 3000) << "a 20-key prefix took work proportional to the 3000-row table";

  // An empty prefix pages through the whole table the same way.
  c.fullscan_steps = 0;
  c.sorts = 0;
  ASSERT_TRUE(s.list("", "", 5).ok());
  EXPECT_EQ(c.sorts.load(), 0);
}

}  // namespace
}  // namespace nexus::test
