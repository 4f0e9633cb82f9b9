// The "kv" tools plugin through its C ABI, over a real "memory" storage
// instance found through a small host stub (the harness's own host finds
// no other instances).
#include <gtest/gtest.h>

#include <nexus/nexus.h>

#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "support/plugin_harness.hpp"
#include "support/tools_harness.hpp"

namespace {

using nexus::test::Outcome;
using nexus::test::StubHost;
using nexus::test::TestContext;
using nexus::test::ToolsInstance;
using nexus::test::LoadedPlugin;
using nexus::test::plugin_path;
using json = nlohmann::json;

class KvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = memory_.create("{}", "values");
    ASSERT_EQ(created.status, NEXUS_OK) << created.error;
    store_ = std::move(created.instance);
    host_.add("values", *store_);
  }
  std::unique_ptr<ToolsInstance> make(json config = json::object()) {
    config["storage"] = "values";
    auto t = std::make_unique<ToolsInstance>(kv_, host_, config);
    EXPECT_EQ(t->status(), NEXUS_OK) << t->error();
    return t;
  }
  nexus::test::StorageClient storage() const { return nexus::test::StorageClient(*store_); }

  LoadedPlugin memory_{plugin_path("memory")};
  LoadedPlugin kv_{plugin_path("kv")};
  std::unique_ptr<nexus::test::PluginInstance> store_;
  StubHost host_;
};

TEST_F(KvTest, ListsFourToolsWithSchemasAndAnnotations) {
  auto kv = make();
  const json tools = kv->list();
  ASSERT_EQ(tools.size(), 4u);
  std::map<std::string, json> by_name;
  for (const auto& t : tools) {
    by_name[t["name"]] = t;
    EXPECT_EQ(t["inputSchema"]["type"], "object");
    EXPECT_EQ(t["inputSchema"]["additionalProperties"], false);
    EXPECT_FALSE(t["description"].get<std::string>().empty());
  }
  EXPECT_EQ(by_name["kv_get"]["annotations"]["readOnlyHint"], true);
  EXPECT_EQ(by_name["kv_put"]["annotations"]["readOnlyHint"], false);
  EXPECT_EQ(by_name["kv_delete"]["annotations"]["destructiveHint"], true);
  EXPECT_TRUE(by_name["kv_get"].contains("outputSchema"));
  EXPECT_TRUE(by_name["kv_list"].contains("outputSchema"));
}

TEST_F(KvTest, PutThenGetRoundTripsUnderThePrefix) {
  auto kv = make();
  const Outcome put = kv->call("kv_put", {{"key", "calls/1/summary"}, {"value", "angry customer"}});
  ASSERT_EQ(put.status, NEXUS_OK) << put.error;
  ASSERT_FALSE(put.is_error()) << put.result.dump();
  EXPECT_EQ(put.result["structuredContent"]["size"], 14);

  // Stored under the default prefix "kv/".
  EXPECT_EQ(storage().get("kv/calls/1/summary").body, "angry customer");

  const Outcome get = kv->call("kv_get", {{"key", "calls/1/summary"}});
  ASSERT_EQ(get.status, NEXUS_OK) << get.error;
  ASSERT_FALSE(get.is_error());
  const json& s = get.result["structuredContent"];
  EXPECT_EQ(s["key"], "calls/1/summary");
  EXPECT_EQ(s["value"], "angry customer");
  EXPECT_EQ(s["encoding"], "utf-8");
  EXPECT_EQ(s["content_type"], "text/plain; charset=utf-8");
  EXPECT_EQ(s["etag"], put.result["structuredContent"]["etag"]);
  EXPECT_EQ(get.text(), "angry customer");
}

TEST_F(KvTest, BinaryValuesComeBackAsBase64WithANote) {
  auto kv = make(json{{"prefix", "state/"}});
  ASSERT_TRUE(
      storage().put("state/blob", std::string("\x00\xff\x10", 3), nexus::test::typed("application/octet-stream")).ok());
  const Outcome get = kv->call("kv_get", {{"key", "blob"}});
  ASSERT_EQ(get.status, NEXUS_OK) << get.error;
  EXPECT_EQ(get.result["structuredContent"]["encoding"], "base64");
  EXPECT_EQ(get.result["structuredContent"]["value"], "AP8Q");
  EXPECT_NE(get.text().find("base64"), std::string::npos);

  const Outcome put = kv->call("kv_put", {{"key", "blob2"}, {"value", "AP8Q"}, {"encoding", "base64"}});
  ASSERT_FALSE(put.is_error()) << put.result.dump();
  EXPECT_EQ(storage().get("state/blob2").body, std::string("\x00\xff\x10", 3));
}

TEST_F(KvTest, MissingKeyIsAToolError) {
  auto kv = make();
  const Outcome get = kv->call("kv_get", {{"key", "nope"}});
  ASSERT_EQ(get.status, NEXUS_OK);
  EXPECT_TRUE(get.is_error());
  EXPECT_NE(get.text().find("kv_list"), std::string::npos) << get.text();
  const Outcome del = kv->call("kv_delete", {{"key", "nope"}});
  EXPECT_TRUE(del.is_error());
}

TEST_F(KvTest, IfMatchProtectsAgainstLostUpdates) {
  auto kv = make();
  const Outcome first = kv->call("kv_put", {{"key", "counter"}, {"value", "1"}});
  const std::string etag = first.result["structuredContent"]["etag"];
  ASSERT_FALSE(kv->call("kv_put", {{"key", "counter"}, {"value", "2"}, {"if_match", etag}}).is_error());
  const Outcome stale = kv->call("kv_put", {{"key", "counter"}, {"value", "3"}, {"if_match", etag}});
  ASSERT_EQ(stale.status, NEXUS_OK);
  EXPECT_TRUE(stale.is_error());
  EXPECT_NE(stale.text().find("kv_get"), std::string::npos) << stale.text();
  EXPECT_EQ(kv->call("kv_get", {{"key", "counter"}}).result["structuredContent"]["value"], "2");
}

TEST_F(KvTest, DeleteRemovesTheKey) {
  auto kv = make();
  ASSERT_FALSE(kv->call("kv_put", {{"key", "a"}, {"value", "x"}}).is_error());
  const Outcome del = kv->call("kv_delete", {{"key", "a"}});
  ASSERT_EQ(del.status, NEXUS_OK);
  EXPECT_FALSE(del.is_error());
  EXPECT_EQ(storage().head("kv/a").status, NEXUS_NOT_FOUND);
}

TEST_F(KvTest, ListPagesThroughKeysWithoutThePrefix) {
  auto kv = make();
  ASSERT_TRUE(storage().put("other/hidden", "x").ok());
  for (const char* k : {"calls/1", "calls/2", "calls/3", "notes/1"})
    ASSERT_FALSE(kv->call("kv_put", {{"key", k}, {"value", "v"}}).is_error());

  const Outcome all = kv->call("kv_list", json::object());
  ASSERT_EQ(all.status, NEXUS_OK) << all.error;
  EXPECT_EQ(all.result["structuredContent"]["keys"], json::array({"calls/1", "calls/2", "calls/3", "notes/1"}));
  EXPECT_EQ(all.result["structuredContent"]["next_cursor"], nullptr);

  const Outcome page1 = kv->call("kv_list", {{"prefix", "calls/"}, {"limit", 2}});
  EXPECT_EQ(page1.result["structuredContent"]["keys"], json::array({"calls/1", "calls/2"}));
  const json cursor = page1.result["structuredContent"]["next_cursor"];
  ASSERT_TRUE(cursor.is_string());
  const Outcome page2 = kv->call("kv_list", {{"prefix", "calls/"}, {"limit", 2}, {"cursor", cursor}});
  EXPECT_EQ(page2.result["structuredContent"]["keys"], json::array({"calls/3"}));

  const Outcome bad = kv->call("kv_list", {{"cursor", "garbage"}});
  ASSERT_EQ(bad.status, NEXUS_OK);
  EXPECT_TRUE(bad.is_error());
}

TEST_F(KvTest, ValuesAreLimited) {
  auto kv = make(json{{"max_value_bytes", 4}});
  const Outcome big = kv->call("kv_put", {{"key", "a"}, {"value", "12345"}});
  ASSERT_EQ(big.status, NEXUS_OK);
  EXPECT_TRUE(big.is_error());
  EXPECT_NE(big.text().find("max_value_bytes"), std::string::npos);
  ASSERT_TRUE(storage().put("kv/b", "123456").ok());
  EXPECT_TRUE(kv->call("kv_get", {{"key", "b"}}).is_error());
}

TEST_F(KvTest, InvalidArgumentsAreRefused) {
  auto kv = make();
  EXPECT_EQ(kv->call("kv_get", json::object()).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(kv->call("kv_get", {{"key", 5}}).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(kv->call("kv_get", {{"key", "a"}, {"extra", 1}}).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(kv->call("kv_get", {{"key", "../etc/passwd"}}).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(kv->call("kv_get", {{"key", "a//b"}}).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(kv->call("kv_put", {{"key", "a"}, {"value", "!!"}, {"encoding", "base64"}}).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(kv->call("kv_put", {{"key", "a"}, {"value", "x"}, {"encoding", "latin1"}}).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(kv->call("kv_list", {{"limit", 0}}).status, NEXUS_INVALID_ARGUMENT);
  const Outcome unknown = kv->call("kv_nuke", json::object());
  EXPECT_EQ(unknown.status, NEXUS_NOT_FOUND);
  EXPECT_FALSE(unknown.error.empty());
}

TEST_F(KvTest, ReadOnlyHidesAndRefusesWriteTools) {
  auto kv = make(json{{"read_only", true}});
  const json tools = kv->list();
  ASSERT_EQ(tools.size(), 2u);
  for (const auto& t : tools) EXPECT_EQ(t["annotations"]["readOnlyHint"], true) << t["name"];
  const Outcome put = kv->call("kv_put", {{"key", "a"}, {"value", "x"}});
  EXPECT_EQ(put.status, NEXUS_NOT_FOUND);
  EXPECT_NE(put.error.find("read-only"), std::string::npos) << put.error;
  EXPECT_EQ(kv->call("kv_delete", {{"key", "a"}}).status, NEXUS_NOT_FOUND);
  EXPECT_EQ(storage().head("kv/a").status, NEXUS_NOT_FOUND);
}

TEST_F(KvTest, CancellationReachesTheStorageCall) {
  auto kv = make();
  ASSERT_FALSE(kv->call("kv_put", {{"key", "a"}, {"value", "x"}}).is_error());
  // The child context forwards cancellation: the memory backend sees it and
  // refuses, and kv ends the call with CANCELLED rather than an isError
  // result that would tell the model the key is missing.
  const Outcome o = kv->call("kv_get", {{"key", "a"}}, TestContext(true));
  EXPECT_EQ(o.status, NEXUS_CANCELLED);
}

TEST_F(KvTest, CreateFailsWhenTheStorageIsUnknown) {
  ToolsInstance t(kv_, host_, json{{"storage", "missing"}});
  EXPECT_EQ(t.status(), NEXUS_NOT_FOUND);
  EXPECT_FALSE(t.error().empty());
  ToolsInstance bad_prefix(kv_, host_, json{{"storage", "values"}, {"prefix", "/abs/"}});
  EXPECT_EQ(bad_prefix.status(), NEXUS_INVALID_ARGUMENT);
}

}  // namespace
