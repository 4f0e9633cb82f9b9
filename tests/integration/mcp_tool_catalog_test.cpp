// The tool catalog (host/src/mcp/tool_catalog.hpp) is built once per
// runtime snapshot, with every tool's schemas compiled, instead of on every
// tools/call: a reload must show the new tools at once, and a cached schema
// must keep checking every call.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/mcp_wire.hpp"
#include "support/nexusd_process.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;

const std::string kAdminKey = "catalog-admin-key-0123456789abcdef";

json config(const std::string& prefix) {
  return {{"plugin_dirs", {NEXUS_TEST_PLUGIN_DIR}},
          {"instances",
           {{"tools", {{"plugin", "conformance"}, {"config", {{"prefix", prefix}}}}},
            {"keys",
             {{"plugin", "apikey"},
              {"config", {{"keys", {{{"id", "admin"}, {"sha256", sha256_hex(kAdminKey)}, {"scopes", {"*"}}}}}}}}}}},
          {"routes", {{"health", {{"public", true}}}, {"mcp", {{"public", true}}}, {"admin", {{"auth", {"keys"}}}}}},
          {"mcp", {{"session_key", "catalog-test-session-key-0123456789"}, {"page_size", 100}}}};
}

class Session {
 public:
  explicit Session(std::uint16_t port) : http_(port) {
    const auto r = post(mcp_initialize("catalog-test"));
    EXPECT_EQ(r.status, 200) << r.body;
    id_ = r.header("mcp-session-id");
  }
  std::vector<std::string> tool_names() {
    std::vector<std::string> names;
    const json listed = last(post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}}));
    for (const auto& t : listed["result"]["tools"]) names.push_back(t["name"]);
    return names;
  }
  json call(const std::string& name, json arguments = json::object()) {
    return last(post({{"jsonrpc", "2.0"},
                      {"id", 2},
                      {"method", "tools/call"},
                      {"params", {{"name", name}, {"arguments", std::move(arguments)}}}}));
  }

 private:
  HttpResponse post(const json& message) const {
    HeaderList h = {{"Accept", "application/json, text/event-stream"},
                    {"Content-Type", "application/json"},
                    {"MCP-Protocol-Version", "2025-11-25"}};
    if (!id_.empty()) h.emplace_back("Mcp-Session-Id", id_);
    return http_.request("POST", "/mcp", h, message.dump());
  }
  // The last JSON message of a JSON or SSE answer.
  static json last(const HttpResponse& r) {
    if (r.header("content-type").find("text/event-stream") == std::string::npos)
      return json::parse(r.body, nullptr, false);
    json out;
    for (std::size_t pos = 0; (pos = r.body.find("data: ", pos)) != std::string::npos;) {
      const std::size_t end = r.body.find('\n', pos);
      if (end > pos + 6) out = json::parse(r.body.substr(pos + 6, end - pos - 6), nullptr, false);
      pos = end;
    }
    return out;
  }

  HttpClient http_;
  std::string id_;
};

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(McpToolCatalog, AReloadShowsTheNewToolsAtOnce) {
  NexusdProcess server(config("a_"));
  Session s(server.port());
  ASSERT_TRUE(contains(s.tool_names(), "a_test_simple_text"));
  ASSERT_TRUE(s.call("a_test_simple_text").contains("result"));

  // Same instance name, another config: the catalog of the new snapshot.
  json next = config("b_");
  {
    std::ifstream in(server.config_path());
    const json running = json::parse(in);
    next["http"] = running["http"];
    next["plugin_dirs"] = running["plugin_dirs"];
  }
  std::ofstream(server.config_path()) << next.dump(2);
  const auto reload =
      HttpClient(server.port()).request("POST", "/v1/admin/reload", {{"Authorization", "Bearer " + kAdminKey}});
  ASSERT_EQ(reload.status, 200) << reload.body;

  const auto names = s.tool_names();
  EXPECT_TRUE(contains(names, "b_test_simple_text"));
  EXPECT_FALSE(contains(names, "a_test_simple_text"));
  EXPECT_EQ(s.call("a_test_simple_text")["error"]["code"], -32602);
  EXPECT_TRUE(s.call("b_test_simple_text").contains("result"));
}

TEST(McpToolCatalog, ACachedSchemaChecksEveryCall) {
  NexusdProcess server(config(""));
  Session s(server.port());
  // json_schema_2020_12_tool: additionalProperties false, name a string.
  for (int i = 0; i < 3; ++i) {
    const json bad = s.call("json_schema_2020_12_tool", {{"name", 7}});
    EXPECT_EQ(bad["result"]["isError"], true) << "call " << i << ": " << bad;
    const json extra = s.call("json_schema_2020_12_tool", {{"unexpected", true}});
    EXPECT_EQ(extra["result"]["isError"], true) << "call " << i << ": " << extra;
    const json good = s.call("json_schema_2020_12_tool", {{"name", "Ada"}});
    EXPECT_NE(good["result"].value("isError", false), true) << "call " << i << ": " << good;
  }
  // An outputSchema is checked on every call too.
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(s.call("test_structured_output", {{"bad", true}})["error"]["code"], -32603);
    EXPECT_EQ(s.call("test_structured_output")["result"]["structuredContent"]["count"], 3);
  }
}

}  // namespace
}  // namespace nexus::test
