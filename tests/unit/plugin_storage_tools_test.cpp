// The "storage_tools" plugin through its C ABI, over two real "memory"
// storage instances found through a small host stub (the harness's own
// host finds no other instances).
#include <gtest/gtest.h>

#include <nexus/nexus.h>

#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "support/plugin_harness.hpp"
#include "support/principal_context.hpp"
#include "support/tools_harness.hpp"

namespace {

using nexus::test::Outcome;
using nexus::test::PrincipalContext;
using nexus::test::StringWriter;
using nexus::test::StubHost;
using nexus::test::TestContext;
using nexus::test::ToolsInstance;
using nexus::test::LoadedPlugin;
using nexus::test::plugin_path;
using nexus::test::typed;
using json = nlohmann::json;


// The first bytes of a PNG and of a WAV file: enough for a content type test.
const std::string kPng("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 16);
const std::string kWav("RIFF\x24\x00\x00\x00WAVEfmt ", 16);

std::string base64(const std::string& bytes) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned n = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8 | (unsigned char)bytes[i + 2];
    out += {a[n >> 18 & 63], a[n >> 12 & 63], a[n >> 6 & 63], a[n & 63]};
  }
  if (bytes.size() - i == 1) {
    const unsigned n = (unsigned char)bytes[i] << 16;
    out += {a[n >> 18 & 63], a[n >> 12 & 63], '=', '='};
  } else if (bytes.size() - i == 2) {
    const unsigned n = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8;
    out += {a[n >> 18 & 63], a[n >> 12 & 63], a[n >> 6 & 63], '='};
  }
  return out;
}

class StorageToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"recordings", "transcripts"}) {
      auto created = memory_.create("{}", name);
      ASSERT_EQ(created.status, NEXUS_OK) << created.error;
      host_.add(name, *created.instance);
      stores_[name] = std::move(created.instance);
    }
  }
  std::unique_ptr<ToolsInstance> make(json config = json::object()) {
    config["storages"] = {"recordings", "transcripts"};
    auto t = std::make_unique<ToolsInstance>(plugin_, host_, config);
    EXPECT_EQ(t->status(), NEXUS_OK) << t->error();
    return t;
  }
  nexus::test::StorageClient storage(const std::string& name) const {
    return nexus::test::StorageClient(*stores_.at(name));
  }

  const nexus_resources_v1& resources() const {
    return *static_cast<const nexus_resources_v1*>(plugin_.descriptor().on_get_interface(NEXUS_RESOURCES_V1));
  }
  const nexus_tools_v1& tools() const {
    return *static_cast<const nexus_tools_v1*>(plugin_.descriptor().on_get_interface(NEXUS_TOOLS_V1));
  }
  // A tool call by an authenticated caller with `principal`.
  Outcome call_as(const json& principal, const ToolsInstance& st, const std::string& name, const json& args) const {
    const PrincipalContext ctx(principal);
    StringWriter out;
    const std::string a = args.dump();
    Outcome o;
    o.status = tools().on_call_tool(st.raw(), ctx.get(), nexus_str{name.data(), name.size()},
                                    nexus_str{a.data(), a.size()}, out.get());
    o.error = ctx.error();
    if (o.status == NEXUS_OK) o.result = json::parse(out.str());
    return o;
  }
  // resources/read by an authenticated caller: the status, and the error text.
  std::pair<nexus_status, std::string> read_as(const json& principal, const ToolsInstance& st,
                                               const std::string& uri) const {
    const PrincipalContext ctx(principal);
    StringWriter out;
    const nexus_status s = resources().on_read_resource(st.raw(), ctx.get(), nexus_str{uri.data(), uri.size()}, out.get());
    return {s, ctx.error()};
  }

  LoadedPlugin memory_{plugin_path("memory")};
  LoadedPlugin plugin_{plugin_path("storage_tools")};
  std::map<std::string, std::unique_ptr<nexus::test::PluginInstance>> stores_;
  StubHost host_;
};

TEST_F(StorageToolsTest, ListsToolsWithAStorageEnumAndAnnotations) {
  auto st = make();
  const json tools = st->list();
  ASSERT_EQ(tools.size(), 5u);
  std::map<std::string, json> by_name;
  for (const auto& t : tools) {
    by_name[t["name"]] = t;
    EXPECT_EQ(t["inputSchema"]["type"], "object");
    EXPECT_EQ(t["inputSchema"]["additionalProperties"], false);
    EXPECT_EQ(t["inputSchema"]["properties"]["storage"]["enum"], json::array({"recordings", "transcripts"}))
        << t["name"];
    EXPECT_EQ(t["inputSchema"]["required"][0], "storage");
  }
  EXPECT_EQ(by_name["storage_read"]["annotations"]["readOnlyHint"], true);
  EXPECT_EQ(by_name["storage_write"]["annotations"]["readOnlyHint"], false);
  EXPECT_EQ(by_name["storage_delete"]["annotations"]["destructiveHint"], true);
}

TEST_F(StorageToolsTest, WriteThenInfoListAndDelete) {
  auto st = make();
  const Outcome w = st->call("storage_write", {{"storage", "transcripts"},
                                               {"key", "calls/1.json"},
                                               {"text", "{\"a\":1}"},
                                               {"content_type", "application/json"}});
  ASSERT_EQ(w.status, NEXUS_OK) << w.error;
  ASSERT_FALSE(w.is_error()) << w.result.dump();
  EXPECT_EQ(w.result["structuredContent"]["size"], 7);
  EXPECT_EQ(storage("transcripts").get("calls/1.json").body, "{\"a\":1}");
  EXPECT_EQ(storage("recordings").head("calls/1.json").status, NEXUS_NOT_FOUND);

  const Outcome info = st->call("storage_info", {{"storage", "transcripts"}, {"key", "calls/1.json"}});
  ASSERT_FALSE(info.is_error());
  EXPECT_EQ(info.result["structuredContent"]["content_type"], "application/json");
  EXPECT_EQ(info.result["structuredContent"]["etag"], w.result["structuredContent"]["etag"]);

  const Outcome bin =
      st->call("storage_write", {{"storage", "recordings"}, {"key", "a.bin"}, {"base64", base64(kPng)}});
  ASSERT_FALSE(bin.is_error()) << bin.result.dump();
  EXPECT_EQ(storage("recordings").get("a.bin").body, kPng);

  ASSERT_TRUE(storage("transcripts").put("calls/2.json", "{}").ok());
  const Outcome page = st->call("storage_list", {{"storage", "transcripts"}, {"prefix", "calls/"}, {"limit", 1}});
  ASSERT_FALSE(page.is_error()) << page.result.dump();
  ASSERT_EQ(page.result["structuredContent"]["objects"].size(), 1u);
  EXPECT_EQ(page.result["structuredContent"]["objects"][0]["key"], "calls/1.json");
  const json cursor = page.result["structuredContent"]["next_cursor"];
  ASSERT_TRUE(cursor.is_string());
  const Outcome next = st->call("storage_list", {{"storage", "transcripts"}, {"prefix", "calls/"}, {"cursor", cursor}});
  EXPECT_EQ(next.result["structuredContent"]["objects"][0]["key"], "calls/2.json");
  EXPECT_EQ(next.result["structuredContent"]["next_cursor"], nullptr);

  const Outcome del = st->call("storage_delete", {{"storage", "transcripts"}, {"key", "calls/1.json"}});
  ASSERT_FALSE(del.is_error());
  EXPECT_EQ(storage("transcripts").head("calls/1.json").status, NEXUS_NOT_FOUND);
}

TEST_F(StorageToolsTest, ReadReturnsContentByType) {
  auto st = make();
  ASSERT_TRUE(storage("recordings").put("notes.txt", "hello", typed("text/plain; charset=utf-8")).ok());
  ASSERT_TRUE(storage("recordings").put("call.json", "{\"x\":2}", typed("application/json")).ok());
  ASSERT_TRUE(storage("recordings").put("chart.png", kPng, typed("image/png")).ok());
  ASSERT_TRUE(storage("recordings").put("call.wav", kWav, typed("audio/wav")).ok());
  ASSERT_TRUE(
      storage("recordings").put("data.bin", std::string("\x00\x01\x02", 3), typed("application/octet-stream")).ok());

  auto read = [&](const std::string& key) {
    const Outcome o = st->call("storage_read", {{"storage", "recordings"}, {"key", key}});
    EXPECT_EQ(o.status, NEXUS_OK) << o.error;
    EXPECT_FALSE(o.is_error()) << o.result.dump();
    return o.result["content"][0];
  };
  EXPECT_EQ(read("notes.txt"), json({{"type", "text"}, {"text", "hello"}}));
  EXPECT_EQ(read("call.json"), json({{"type", "text"}, {"text", "{\"x\":2}"}}));
  EXPECT_EQ(read("chart.png"), json({{"type", "image"}, {"data", base64(kPng)}, {"mimeType", "image/png"}}));
  EXPECT_EQ(read("call.wav"), json({{"type", "audio"}, {"data", base64(kWav)}, {"mimeType", "audio/wav"}}));
  const json blob = read("data.bin");
  EXPECT_EQ(blob["type"], "resource");
  EXPECT_EQ(
      blob["resource"],
      json({{"uri", "storage://recordings/data.bin"}, {"mimeType", "application/octet-stream"}, {"blob", "AAEC"}}));
}

TEST_F(StorageToolsTest, ReadsARangeAndRefusesTooLargeReads) {
  auto st = make(json{{"max_read_bytes", 4}});
  ASSERT_TRUE(storage("recordings").put("t.txt", "0123456789", typed("text/plain")).ok());
  const Outcome whole = st->call("storage_read", {{"storage", "recordings"}, {"key", "t.txt"}});
  ASSERT_EQ(whole.status, NEXUS_OK);
  EXPECT_TRUE(whole.is_error());
  EXPECT_NE(whole.text().find("range"), std::string::npos) << whole.text();

  const Outcome part =
      st->call("storage_read", {{"storage", "recordings"}, {"key", "t.txt"}, {"range", {{"first", 2}, {"last", 5}}}});
  ASSERT_FALSE(part.is_error()) << part.result.dump();
  EXPECT_EQ(part.result["content"][0]["text"], "2345");

  const Outcome tail =
      st->call("storage_read", {{"storage", "recordings"}, {"key", "t.txt"}, {"range", {{"first", -3}}}});
  EXPECT_EQ(tail.result["content"][0]["text"], "789");

  const Outcome past =
      st->call("storage_read", {{"storage", "recordings"}, {"key", "t.txt"}, {"range", {{"first", 50}}}});
  ASSERT_EQ(past.status, NEXUS_OK);
  EXPECT_TRUE(past.is_error());
}

TEST_F(StorageToolsTest, MissingObjectsAreToolErrors) {
  auto st = make();
  for (const char* tool : {"storage_read", "storage_info", "storage_delete"}) {
    const Outcome o = st->call(tool, {{"storage", "recordings"}, {"key", "nope.wav"}});
    ASSERT_EQ(o.status, NEXUS_OK) << tool;
    EXPECT_TRUE(o.is_error()) << tool;
    EXPECT_NE(o.text().find("storage_list"), std::string::npos) << tool << ": " << o.text();
  }
}

TEST_F(StorageToolsTest, InvalidArgumentsAreRefused) {
  auto st = make();
  EXPECT_EQ(st->call("storage_read", {{"storage", "elsewhere"}, {"key", "a"}}).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(st->call("storage_read", {{"storage", "recordings"}}).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(st->call("storage_read", {{"storage", "recordings"}, {"key", "../x"}}).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(st->call("storage_read", {{"storage", "recordings"}, {"key", "a"}, {"range", {{"last", 3}}}}).status,
            NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(st->call("storage_list", {{"storage", "recordings"}, {"bogus", 1}}).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(st->call("storage_write", {{"storage", "recordings"}, {"key", "a"}}).status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(
      st->call("storage_write", {{"storage", "recordings"}, {"key", "a"}, {"text", "x"}, {"base64", "eA=="}}).status,
      NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(st->call("storage_write", {{"storage", "recordings"}, {"key", "a"}, {"base64", "*not*"}}).status,
            NEXUS_INVALID_ARGUMENT);
  const Outcome unknown = st->call("storage_format", json::object());
  EXPECT_EQ(unknown.status, NEXUS_NOT_FOUND);
  EXPECT_FALSE(unknown.error.empty());
}

TEST_F(StorageToolsTest, ReadOnlyHidesAndRefusesWriteTools) {
  auto st = make(json{{"read_only", true}});
  const json tools = st->list();
  ASSERT_EQ(tools.size(), 3u);
  for (const auto& t : tools) EXPECT_EQ(t["annotations"]["readOnlyHint"], true) << t["name"];
  ASSERT_TRUE(storage("recordings").put("keep.txt", "x").ok());
  const Outcome w = st->call("storage_write", {{"storage", "recordings"}, {"key", "new.txt"}, {"text", "x"}});
  EXPECT_EQ(w.status, NEXUS_NOT_FOUND);
  EXPECT_NE(w.error.find("read-only"), std::string::npos) << w.error;
  EXPECT_EQ(st->call("storage_delete", {{"storage", "recordings"}, {"key", "keep.txt"}}).status, NEXUS_NOT_FOUND);
  EXPECT_TRUE(storage("recordings").head("keep.txt").ok());
  EXPECT_EQ(storage("recordings").head("new.txt").status, NEXUS_NOT_FOUND);
}

TEST_F(StorageToolsTest, ResourceTemplatesAndReads) {
  auto st = make();
  ASSERT_TRUE(storage("transcripts").put("calls/1.txt", "hi there", typed("text/plain")).ok());
  ASSERT_TRUE(storage("recordings").put("calls/1.wav", kWav, typed("audio/wav")).ok());

  TestContext ctx;
  StringWriter out;
  ASSERT_EQ(resources().on_list_resources(st->raw(), ctx.get(), out.get()), NEXUS_OK) << ctx.error();
  const json listed = json::parse(out.str());
  EXPECT_EQ(listed["resources"], json::array());
  ASSERT_EQ(listed["resourceTemplates"].size(), 2u);
  EXPECT_EQ(listed["resourceTemplates"][0]["uriTemplate"], "storage://recordings/{key}");
  EXPECT_EQ(listed["resourceTemplates"][1]["uriTemplate"], "storage://transcripts/{key}");

  auto read = [&](const std::string& uri, nexus_status expected) {
    TestContext rctx;
    StringWriter r;
    EXPECT_EQ(resources().on_read_resource(st->raw(), rctx.get(), nexus_str{uri.data(), uri.size()}, r.get()), expected)
        << uri << ": " << rctx.error();
    return expected == NEXUS_OK ? json::parse(r.str())["contents"][0] : json();
  };
  EXPECT_EQ(read("storage://transcripts/calls/1.txt", NEXUS_OK),
            json({{"uri", "storage://transcripts/calls/1.txt"}, {"mimeType", "text/plain"}, {"text", "hi there"}}));
  EXPECT_EQ(read("storage://transcripts/calls%2F1.txt", NEXUS_OK)["text"], "hi there");
  EXPECT_EQ(read("storage://recordings/calls/1.wav", NEXUS_OK)["blob"], base64(kWav));
  read("storage://recordings/calls/none.wav", NEXUS_NOT_FOUND);
  read("storage://elsewhere/calls/1.wav", NEXUS_NOT_FOUND);
  read("http://example.com/x", NEXUS_NOT_FOUND);

  const std::string tmpl = "storage://transcripts/{key}";
  TestContext cctx;
  StringWriter c;
  ASSERT_EQ(resources().on_complete(st->raw(), cctx.get(), nexus_str{tmpl.data(), tmpl.size()}, nexus_str{"key", 3},
                                    nexus_str{"calls/", 6}, nexus_str{nullptr, 0}, c.get()),
            NEXUS_OK)
      << cctx.error();
  EXPECT_EQ(json::parse(c.str())["values"], json::array({"calls/1.txt"}));
}

// ---- the caller's storage scopes (the same as the REST storage routes) ----

TEST_F(StorageToolsTest, EachToolNeedsTheStorageScopeOfItsOperation) {
  auto st = make();
  ASSERT_TRUE(storage("transcripts").put("calls/1.json", "{}").ok());
  struct Case {
    const char* tool;
    const char* scope;
    json args;
  };
  const Case cases[] = {
      {"storage_list", "storage:transcripts:list", {{"storage", "transcripts"}}},
      {"storage_read", "storage:transcripts:read", {{"storage", "transcripts"}, {"key", "calls/1.json"}}},
      {"storage_info", "storage:transcripts:read", {{"storage", "transcripts"}, {"key", "calls/1.json"}}},
      {"storage_write", "storage:transcripts:write",
       {{"storage", "transcripts"}, {"key", "calls/2.json"}, {"text", "{}"}}},
      {"storage_delete", "storage:transcripts:delete", {{"storage", "transcripts"}, {"key", "calls/1.json"}}},
  };
  // Every other operation on the instance, and this one on another instance.
  for (const Case& c : cases) {
    json others = json::array({"storage:recordings:*"});
    for (const Case& o : cases)
      if (std::string(o.scope) != c.scope) others.push_back(o.scope);
    const Outcome refused = call_as(PrincipalContext::with_scopes(others), *st, c.tool, c.args);
    ASSERT_EQ(refused.status, NEXUS_OK) << c.tool << ": " << refused.error;
    EXPECT_TRUE(refused.is_error()) << c.tool << ": " << refused.result.dump();
    EXPECT_NE(refused.text().find(std::string("needs scope '") + c.scope + "'"), std::string::npos)
        << c.tool << ": " << refused.text();
    EXPECT_EQ(refused.text().find("tools:*"), std::string::npos) << "lists the caller's scopes: " << refused.text();
  }
  // Nothing was written or deleted by the refused calls.
  EXPECT_TRUE(storage("transcripts").head("calls/1.json").ok());
  EXPECT_EQ(storage("transcripts").head("calls/2.json").status, NEXUS_NOT_FOUND);

  for (const Case& c : cases) {
    const Outcome allowed = call_as(PrincipalContext::with_scopes({c.scope}), *st, c.tool, c.args);
    ASSERT_EQ(allowed.status, NEXUS_OK) << c.tool << ": " << allowed.error;
    EXPECT_FALSE(allowed.is_error()) << c.tool << ": " << allowed.result.dump();
  }
  EXPECT_EQ(storage("transcripts").head("calls/1.json").status, NEXUS_NOT_FOUND);  // the delete ran
  EXPECT_TRUE(storage("transcripts").head("calls/2.json").ok());                    // the write ran
}

TEST_F(StorageToolsTest, TheRefusalNamesTheKeyTheInstanceAndTheScope) {
  auto st = make();
  const Outcome o = call_as(PrincipalContext::with_scopes({"storage:recordings:read"}), *st, "storage_read",
                            {{"storage", "transcripts"}, {"key", "calls/1.json"}});
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  EXPECT_TRUE(o.is_error());
  EXPECT_EQ(o.text().rfind("not allowed: reading 'calls/1.json' in storage 'transcripts' needs scope "
                           "'storage:transcripts:read'",
                           0),
            0u)
      << o.text();
  const Outcome list =
      call_as(PrincipalContext::with_scopes({"storage:recordings:read"}), *st, "storage_list", {{"storage", "recordings"}});
  EXPECT_EQ(list.text().rfind("not allowed: listing storage 'recordings' needs scope 'storage:recordings:list'", 0), 0u)
      << list.text();
}

TEST_F(StorageToolsTest, AMissingScopeIsRefusedBeforeTheStorageIsAsked) {
  // Whether an object exists is itself not for a caller without the scope.
  auto st = make();
  const Outcome o = call_as(PrincipalContext::with_scopes({}), *st, "storage_info",
                            {{"storage", "recordings"}, {"key", "nope.wav"}});
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  EXPECT_TRUE(o.is_error());
  EXPECT_NE(o.text().find("storage:recordings:read"), std::string::npos) << o.text();
  EXPECT_EQ(o.text().find("no object"), std::string::npos) << o.text();
}

TEST_F(StorageToolsTest, WildcardScopesCoverInTheHostsGrammar) {
  auto st = make();
  ASSERT_TRUE(storage("transcripts").put("a.txt", "a", typed("text/plain")).ok());
  const json args = {{"storage", "transcripts"}, {"key", "a.txt"}};
  EXPECT_FALSE(call_as(PrincipalContext::with_scopes({"storage:*:read"}), *st, "storage_read", args).is_error());
  EXPECT_FALSE(call_as(PrincipalContext::with_scopes({"storage:transcripts:*"}), *st, "storage_read", args).is_error());
  EXPECT_FALSE(call_as(PrincipalContext::with_scopes({"*"}), *st, "storage_read", args).is_error());
  EXPECT_TRUE(call_as(PrincipalContext::with_scopes({"storage:*:list"}), *st, "storage_read", args).is_error());
  EXPECT_TRUE(call_as(PrincipalContext::with_scopes({"storage:transcripts"}), *st, "storage_read", args).is_error());
}

TEST_F(StorageToolsTest, APrincipalWithoutReadableScopesHoldsNone) {
  auto st = make();
  ASSERT_TRUE(storage("recordings").put("a.txt", "a").ok());
  const json args = {{"storage", "recordings"}, {"key", "a.txt"}};
  for (const json& principal : {json{{"subject", "agent"}}, json{{"subject", "agent"}, {"scopes", "storage:*"}},
                                json("not json at all"), json::array({"storage:*"})}) {
    const Outcome o = call_as(principal, *st, "storage_read", args);
    ASSERT_EQ(o.status, NEXUS_OK) << principal.dump() << ": " << o.error;
    EXPECT_TRUE(o.is_error()) << principal.dump() << ": " << o.result.dump();
    EXPECT_NE(o.text().find("storage:recordings:read"), std::string::npos) << o.text();
  }
}

TEST_F(StorageToolsTest, AnAnonymousCallerNeedsNoStorageScope) {
  // A public route group passes no principal: the host checks no scope for
  // it, and neither do the tools.
  auto st = make();
  ASSERT_TRUE(storage("recordings").put("a.txt", "a", typed("text/plain")).ok());
  const Outcome o = st->call("storage_read", {{"storage", "recordings"}, {"key", "a.txt"}});
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  EXPECT_FALSE(o.is_error()) << o.result.dump();
}

TEST_F(StorageToolsTest, ResourcesNeedTheReadScopeAndCompletionTheListScope) {
  auto st = make();
  ASSERT_TRUE(storage("transcripts").put("calls/1.txt", "hi", typed("text/plain")).ok());
  const json reader = PrincipalContext::with_scopes({"storage:transcripts:read"});

  const auto [denied, why] = read_as(reader, *st, "storage://recordings/calls/1.wav");
  EXPECT_EQ(denied, NEXUS_PERMISSION_DENIED);
  EXPECT_NE(why.find("needs scope 'storage:recordings:read'"), std::string::npos) << why;
  EXPECT_EQ(read_as(reader, *st, "storage://transcripts/calls/1.txt").first, NEXUS_OK);

  // Templates only for what the caller may read.
  const PrincipalContext lctx(reader);
  StringWriter listed;
  ASSERT_EQ(resources().on_list_resources(st->raw(), lctx.get(), listed.get()), NEXUS_OK) << lctx.error();
  const json templates = json::parse(listed.str())["resourceTemplates"];
  ASSERT_EQ(templates.size(), 1u) << templates.dump();
  EXPECT_EQ(templates[0]["uriTemplate"], "storage://transcripts/{key}");

  // Completing a key lists keys: empty without storage:<instance>:list.
  auto complete = [&](const json& principal) {
    const PrincipalContext ctx(principal);
    const std::string tmpl = "storage://transcripts/{key}";
    StringWriter c;
    EXPECT_EQ(resources().on_complete(st->raw(), ctx.get(), nexus_str{tmpl.data(), tmpl.size()}, nexus_str{"key", 3},
                                      nexus_str{"calls/", 6}, nexus_str{nullptr, 0}, c.get()),
              NEXUS_OK)
        << ctx.error();
    return json::parse(c.str())["values"];
  };
  EXPECT_EQ(complete(reader), json::array());
  EXPECT_EQ(complete(PrincipalContext::with_scopes({"storage:transcripts:list"})), json::array({"calls/1.txt"}));
}

TEST_F(StorageToolsTest, CreateFailsWhenAStorageIsUnknown) {
  ToolsInstance t(plugin_, host_, json{{"storages", {"recordings", "missing"}}});
  EXPECT_EQ(t.status(), NEXUS_NOT_FOUND);
  EXPECT_FALSE(t.error().empty());
}

}  // namespace
