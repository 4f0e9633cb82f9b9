// The "sql" tools plugin through its C ABI: queries, the guards that keep
// an agent's SQL to one read-only statement on one database, the row and
// time limits, sql_tables, and tables as resources.
#include <gtest/gtest.h>

#include <nexus/nexus.h>

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "support/plugin_harness.hpp"
#include "support/tools_harness.hpp"

namespace {

using nexus::test::Outcome;
using nexus::test::StringWriter;
using nexus::test::TestContext;
using nexus::test::LoadedPlugin;
using nexus::test::plugin_path;
using json = nlohmann::json;

// A call context whose callbacks record the error message and answer
// cancellation, with an optional absolute deadline.
class SqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("nexus-sql-test-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = (dir_ / "calls.db").string();
    // Build the fixture database through a writable instance of the plugin
    // itself, so the test needs no SQLite of its own.
    auto writer = create(json{{"path", db_}, {"read_only", false}, {"allow_writes", true}});
    for (const char* sql :
         {"CREATE TABLE calls (id INTEGER PRIMARY KEY, agent TEXT NOT NULL, seconds REAL, audio BLOB)",
          "INSERT INTO calls (agent, seconds, audio) VALUES ('ana', 61.5, x'00ff10'), ('bo', 12, NULL), ('cy', 300, "
          "NULL)",
          "CREATE VIEW long_calls AS SELECT id, agent FROM calls WHERE seconds > 60"}) {
      const Outcome o = call(*writer, "sql_query", {{"sql", sql}});
      ASSERT_EQ(o.status, NEXUS_OK) << o.error;
      ASSERT_FALSE(o.is_error()) << o.result.dump();
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<nexus::test::PluginInstance> create(const json& config) {
    auto c = plugin_.create(config.dump(), "calls");
    EXPECT_EQ(c.status, NEXUS_OK) << c.error;
    return std::move(c.instance);
  }
  std::unique_ptr<nexus::test::PluginInstance> read_only() { return create(json{{"path", db_}}); }

  const nexus_tools_v1& tools() const {
    return *static_cast<const nexus_tools_v1*>(plugin_.descriptor().on_get_interface(NEXUS_TOOLS_V1));
  }
  const nexus_resources_v1& resources() const {
    return *static_cast<const nexus_resources_v1*>(plugin_.descriptor().on_get_interface(NEXUS_RESOURCES_V1));
  }

  json list(const nexus::test::PluginInstance& inst) const {
    TestContext ctx;
    StringWriter out;
    EXPECT_EQ(tools().on_list_tools(inst.handle(), ctx.get(), out.get()), NEXUS_OK) << ctx.error();
    return json::parse(out.str());
  }

  Outcome call(const nexus::test::PluginInstance& inst, const std::string& name, const json& args,
               const TestContext& ctx = TestContext()) const {
    StringWriter out;
    const std::string a = args.dump();
    Outcome o;
    o.status = tools().on_call_tool(inst.handle(), ctx.get(), nexus_str{name.data(), name.size()},
                                    nexus_str{a.data(), a.size()}, out.get());
    o.error = ctx.error();
    if (o.status == NEXUS_OK) o.result = json::parse(out.str());
    return o;
  }

  LoadedPlugin plugin_{plugin_path("sql")};
  std::filesystem::path dir_;
  std::string db_;
};

TEST_F(SqlTest, ListsTwoToolsWithObjectSchemasAndHonestAnnotations) {
  auto inst = read_only();
  const json tools = list(*inst);
  ASSERT_EQ(tools.size(), 2u);
  EXPECT_EQ(tools[0]["name"], "sql_query");
  EXPECT_EQ(tools[1]["name"], "sql_tables");
  for (const auto& t : tools) {
    EXPECT_EQ(t["inputSchema"]["type"], "object");
    EXPECT_EQ(t["inputSchema"]["additionalProperties"], false);
    EXPECT_TRUE(t.contains("outputSchema"));
    EXPECT_EQ(t["annotations"]["readOnlyHint"], true) << t["name"];
  }
  auto writable = create(json{{"path", db_}, {"read_only", false}, {"allow_writes", true}});
  const json w = list(*writable);
  EXPECT_EQ(w[0]["annotations"]["readOnlyHint"], false);
  EXPECT_EQ(w[0]["annotations"]["destructiveHint"], true);
}

TEST_F(SqlTest, QueryReturnsColumnsRowsAndBlobsAsBase64) {
  auto inst = read_only();
  const Outcome o = call(*inst, "sql_query", {{"sql", "SELECT id, agent, seconds, audio FROM calls ORDER BY id"}});
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  ASSERT_FALSE(o.is_error()) << o.result.dump();
  const json& s = o.result["structuredContent"];
  EXPECT_EQ(s["columns"], json::array({"id", "agent", "seconds", "audio"}));
  EXPECT_EQ(s["row_count"], 3);
  EXPECT_EQ(s["truncated"], false);
  EXPECT_EQ(s["rows"][0], json::array({1, "ana", 61.5, "AP8Q"}));
  EXPECT_EQ(s["rows"][1][3], nullptr);
}

TEST_F(SqlTest, BindsParameters) {
  auto inst = read_only();
  const Outcome o = call(*inst, "sql_query",
                         {{"sql", "SELECT agent FROM calls WHERE seconds > ? AND agent <> ?"}, {"params", {20, "cy"}}});
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  EXPECT_EQ(o.result["structuredContent"]["rows"], json::array({json::array({"ana"})}));

  const Outcome wrong = call(*inst, "sql_query", {{"sql", "SELECT ?"}, {"params", json::array()}});
  ASSERT_EQ(wrong.status, NEXUS_OK);
  EXPECT_TRUE(wrong.is_error());
  EXPECT_NE(wrong.text().find("placeholder"), std::string::npos) << wrong.text();
}

TEST_F(SqlTest, SqlErrorIsAToolErrorThatSaysWhatWentWrong) {
  auto inst = read_only();
  const Outcome o = call(*inst, "sql_query", {{"sql", "SELECT nope FROM calls"}});
  ASSERT_EQ(o.status, NEXUS_OK);
  EXPECT_TRUE(o.is_error());
  EXPECT_NE(o.text().find("no such column"), std::string::npos) << o.text();
}

TEST_F(SqlTest, RefusesASecondStatementButAllowsTrailingCommentsAndSemicolons) {
  auto inst = read_only();
  const Outcome two = call(*inst, "sql_query", {{"sql", "SELECT 1; SELECT 2"}});
  ASSERT_EQ(two.status, NEXUS_OK);
  EXPECT_TRUE(two.is_error());
  EXPECT_NE(two.text().find("one statement"), std::string::npos) << two.text();

  const Outcome sneaky = call(*inst, "sql_query", {{"sql", "SELECT 1; -- hi\n DELETE FROM calls"}});
  EXPECT_TRUE(sneaky.is_error());

  const Outcome ok = call(*inst, "sql_query", {{"sql", "SELECT 1 AS one; -- trailing\n/* block */ ;"}});
  ASSERT_EQ(ok.status, NEXUS_OK);
  EXPECT_FALSE(ok.is_error()) << ok.result.dump();
  EXPECT_EQ(ok.result["structuredContent"]["rows"][0][0], 1);

  const Outcome empty = call(*inst, "sql_query", {{"sql", "-- nothing"}});
  EXPECT_TRUE(empty.is_error());
}

TEST_F(SqlTest, RefusesAttachEvenWhenWritesAreAllowed) {
  auto writable = create(json{{"path", db_}, {"read_only", false}, {"allow_writes", true}});
  const std::string other = (dir_ / "other.db").string();
  const Outcome o = call(*writable, "sql_query", {{"sql", "ATTACH DATABASE '" + other + "' AS other"}});
  ASSERT_EQ(o.status, NEXUS_OK);
  EXPECT_TRUE(o.is_error());
  EXPECT_NE(o.text().find("ATTACH"), std::string::npos) << o.text();
  EXPECT_FALSE(std::filesystem::exists(other));
}

TEST_F(SqlTest, RefusesVacuumIntoAnotherFile) {
  // VACUUM INTO writes a copy anywhere the process may write; it must not
  // pass as a "read" nor, on a writable instance, escape the database.
  const std::string copy = (dir_ / "copy.db").string();
  auto inst = read_only();
  EXPECT_TRUE(call(*inst, "sql_query", {{"sql", "VACUUM INTO '" + copy + "'"}}).is_error());
  auto writable = create(json{{"path", db_}, {"read_only", false}, {"allow_writes", true}});
  EXPECT_TRUE(call(*writable, "sql_query", {{"sql", "VACUUM INTO '" + copy + "'"}}).is_error());
  EXPECT_FALSE(std::filesystem::exists(copy));
}

TEST_F(SqlTest, RefusesWritesWhenReadOnly) {
  auto inst = read_only();
  for (const char* sql : {"DELETE FROM calls", "INSERT INTO calls (agent) VALUES ('x')", "CREATE TABLE t (a)",
                          "CREATE TEMP TABLE t (a)", "DROP VIEW long_calls"}) {
    const Outcome o = call(*inst, "sql_query", {{"sql", sql}});
    ASSERT_EQ(o.status, NEXUS_OK) << sql;
    EXPECT_TRUE(o.is_error()) << sql;
    EXPECT_NE(o.text().find("read-only"), std::string::npos) << sql << ": " << o.text();
  }
  const Outcome count = call(*inst, "sql_query", {{"sql", "SELECT count(*) FROM calls"}});
  EXPECT_EQ(count.result["structuredContent"]["rows"][0][0], 3);
}

TEST_F(SqlTest, RefusesPragmasThatChangeThingsAndAllowsReadingOnes) {
  auto inst = read_only();
  const Outcome undo = call(*inst, "sql_query", {{"sql", "PRAGMA query_only=0"}});
  EXPECT_TRUE(undo.is_error()) << undo.result.dump();
  const Outcome journal = call(*inst, "sql_query", {{"sql", "PRAGMA journal_mode=DELETE"}});
  EXPECT_TRUE(journal.is_error());
  const Outcome info = call(*inst, "sql_query", {{"sql", "PRAGMA table_info(calls)"}});
  ASSERT_EQ(info.status, NEXUS_OK);
  EXPECT_FALSE(info.is_error()) << info.result.dump();
  EXPECT_EQ(info.result["structuredContent"]["row_count"], 4);
}

TEST_F(SqlTest, RefusesLoadExtension) {
  auto writable = create(json{{"path", db_}, {"read_only", false}, {"allow_writes", true}});
  const Outcome o = call(*writable, "sql_query", {{"sql", "SELECT load_extension('/tmp/nope.so')"}});
  ASSERT_EQ(o.status, NEXUS_OK);
  EXPECT_TRUE(o.is_error());
}

TEST_F(SqlTest, WritesWhenConfiguredAndReportsChanges) {
  auto writable = create(json{{"path", db_}, {"read_only", false}, {"allow_writes", true}});
  const Outcome o = call(*writable, "sql_query",
                         {{"sql", "UPDATE calls SET seconds = seconds + 1 WHERE seconds < ?"}, {"params", {100}}});
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  ASSERT_FALSE(o.is_error()) << o.result.dump();
  EXPECT_EQ(o.result["structuredContent"]["changes"], 2);
}

TEST_F(SqlTest, ReadOnlyWithAllowWritesIsAConfigError) {
  auto c = plugin_.create(json{{"path", db_}, {"read_only", true}, {"allow_writes", true}}.dump());
  EXPECT_EQ(c.status, NEXUS_INVALID_ARGUMENT);
  EXPECT_NE(c.error.find("read_only"), std::string::npos) << c.error;
}

TEST_F(SqlTest, ReadOnlyInstanceNeedsAnExistingDatabase) {
  auto c = plugin_.create(json{{"path", (dir_ / "missing.db").string()}}.dump());
  EXPECT_NE(c.status, NEXUS_OK);
  EXPECT_NE(c.error.find("missing.db"), std::string::npos) << c.error;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "missing.db"));
}

TEST_F(SqlTest, TruncatesAtMaxRowsAndSaysSo) {
  auto inst = create(json{{"path", db_}, {"max_rows", 2}});
  const Outcome o = call(*inst, "sql_query", {{"sql", "SELECT id FROM calls ORDER BY id"}});
  ASSERT_EQ(o.status, NEXUS_OK);
  EXPECT_EQ(o.result["structuredContent"]["row_count"], 2);
  EXPECT_EQ(o.result["structuredContent"]["truncated"], true);
  EXPECT_NE(o.text().find("first 2 rows"), std::string::npos) << o.text();

  const Outcome exact = call(*inst, "sql_query", {{"sql", "SELECT id FROM calls LIMIT 2"}});
  EXPECT_EQ(exact.result["structuredContent"]["truncated"], false);
}

constexpr const char* kEndless =
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n";

TEST_F(SqlTest, StopsALongRecursiveQueryAtTheTimeLimit) {
  auto inst = create(json{{"path", db_}, {"timeout_ms", 200}});
  const auto start = std::chrono::steady_clock::now();
  const Outcome o = call(*inst, "sql_query", {{"sql", kEndless}});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  EXPECT_TRUE(o.is_error());
  EXPECT_NE(o.text().find("time limit"), std::string::npos) << o.text();
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST_F(SqlTest, StopsAtTheCallsDeadlineAndOnCancel) {
  auto inst = create(json{{"path", db_}, {"timeout_ms", 60000}});
  const auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const Outcome late = call(*inst, "sql_query", {{"sql", kEndless}}, TestContext(false, now_ms + 200));
  EXPECT_EQ(late.status, NEXUS_DEADLINE_EXCEEDED);
  const Outcome cancelled = call(*inst, "sql_query", {{"sql", kEndless}}, TestContext(true));
  EXPECT_EQ(cancelled.status, NEXUS_CANCELLED);
}

TEST_F(SqlTest, TablesListsTablesViewsAndColumns) {
  auto inst = read_only();
  const Outcome o = call(*inst, "sql_tables", json::object());
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  const json& tables = o.result["structuredContent"]["tables"];
  ASSERT_EQ(tables.size(), 2u) << tables.dump();
  EXPECT_EQ(tables[0]["name"], "calls");
  EXPECT_EQ(tables[0]["type"], "table");
  ASSERT_EQ(tables[0]["columns"].size(), 4u);
  EXPECT_EQ(tables[0]["columns"][0],
            json({{"name", "id"}, {"type", "INTEGER"}, {"not_null", false}, {"primary_key", true}}));
  EXPECT_EQ(tables[0]["columns"][1]["not_null"], true);
  EXPECT_EQ(tables[1]["name"], "long_calls");
  EXPECT_EQ(tables[1]["type"], "view");
}

TEST_F(SqlTest, InvalidArgumentsAndUnknownToolsAreProtocolErrors) {
  auto inst = read_only();
  EXPECT_EQ(call(*inst, "sql_query", json::object()).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(call(*inst, "sql_query", {{"sql", 5}}).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(call(*inst, "sql_query", {{"sql", "SELECT 1"}, {"extra", true}}).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(call(*inst, "sql_query", {{"sql", "SELECT ?"}, {"params", {json::object()}}}).status,
            NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(call(*inst, "sql_tables", {{"x", 1}}).status, NEXUS_INVALID_ARGUMENT);
  const Outcome unknown = call(*inst, "sql_drop_everything", json::object());
  EXPECT_EQ(unknown.status, NEXUS_NOT_FOUND);
  EXPECT_FALSE(unknown.error.empty());
}

TEST_F(SqlTest, TablesAreResources) {
  auto inst = read_only();
  TestContext ctx;
  StringWriter out;
  ASSERT_EQ(resources().on_list_resources(inst->handle(), ctx.get(), out.get()), NEXUS_OK) << ctx.error();
  const json listed = json::parse(out.str());
  ASSERT_EQ(listed["resources"].size(), 2u);
  EXPECT_EQ(listed["resources"][0]["uri"], "sql://calls/calls");
  EXPECT_EQ(listed["resources"][1]["uri"], "sql://calls/long_calls");

  const std::string uri = "sql://calls/long_calls";
  TestContext rctx;
  StringWriter read;
  ASSERT_EQ(resources().on_read_resource(inst->handle(), rctx.get(), nexus_str{uri.data(), uri.size()}, read.get()),
            NEXUS_OK)
      << rctx.error();
  const json contents = json::parse(read.str())["contents"];
  ASSERT_EQ(contents.size(), 1u);
  EXPECT_EQ(contents[0]["uri"], uri);
  EXPECT_EQ(contents[0]["mimeType"], "application/json");
  const json rows = json::parse(contents[0]["text"].get<std::string>());
  EXPECT_EQ(rows["rows"], json::array({json::array({1, "ana"}), json::array({3, "cy"})}));

  const std::string missing = "sql://calls/nope";
  TestContext mctx;
  StringWriter none;
  EXPECT_EQ(
      resources().on_read_resource(inst->handle(), mctx.get(), nexus_str{missing.data(), missing.size()}, none.get()),
      NEXUS_NOT_FOUND);
  EXPECT_FALSE(mctx.error().empty());
}

}  // namespace
