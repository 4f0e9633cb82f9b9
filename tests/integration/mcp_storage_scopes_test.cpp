// MCP tools that reach storage through a real nexusd honour the caller's
// storage scopes, as the REST storage routes do (docs/auth.md): with
// "tools:*" but only "storage:a:read", an agent reads storage "a" through
// storage_read and is refused "b" (and writing "a"); a public MCP route
// group, whose callers carry no principal, still reads without scopes.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/mcp_client.hpp"
#include "support/nexusd_process.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;

const std::string kOpsKey = "storage-scopes-ops-key-0123456789abcdef";      // storage:*: seeds the objects
const std::string kAgentKey = "storage-scopes-agent-key-0123456789abcdef";  // tools:*, mcp:read, storage:a:read

// Two memory storages, storage_tools over both; `mcp_route` guards /mcp.
json config(const json& mcp_route) {
  const json keys = {
      {{"id", "ops"}, {"sha256", sha256_hex(kOpsKey)}, {"scopes", {"storage:*"}}},
      {{"id", "agent"}, {"sha256", sha256_hex(kAgentKey)}, {"scopes", {"tools:*", "mcp:read", "storage:a:read"}}}};
  return {{"instances",
           {{"a", {{"plugin", "memory"}, {"config", json::object()}}},
            {"b", {{"plugin", "memory"}, {"config", json::object()}}},
            {"files", {{"plugin", "storage_tools"}, {"config", {{"storages", {"a", "b"}}}}}},
            {"keys", {{"plugin", "apikey"}, {"config", {{"keys", keys}}}}}}},
          {"routes", {{"storage", {{"auth", {"keys"}}}}, {"mcp", mcp_route}}}};
}

// Puts "notes.txt" into both storages through the REST route.
void seed(const NexusdProcess& nexusd) {
  const HttpClient http(nexusd.port());
  for (const char* storage : {"a", "b"}) {
    const auto r = http.put(std::string("/v1/storage/") + storage + "/notes.txt", std::string("in ") + storage,
                            {{"X-API-Key", kOpsKey}, {"Content-Type", "text/plain"}});
    ASSERT_EQ(r.status, 200) << storage << ": " << r.body;
  }
}

std::string first_text(const json& answer) {
  return answer["result"]["content"][0].value("text", "");
}

TEST(McpStorageScopes, AnAgentReadsOnlyTheStoragesItsScopesName) {
  NexusdProcess nexusd(config({{"auth", {"keys"}}}));
  seed(nexusd);
  McpTestClient agent(nexusd.port(), {{"X-API-Key", kAgentKey}});
  ASSERT_EQ(agent.initialize().status, 200);

  const json allowed = agent.call_tool("storage_read", {{"storage", "a"}, {"key", "notes.txt"}});
  ASSERT_TRUE(allowed.contains("result")) << allowed;
  EXPECT_EQ(allowed["result"]["isError"], false) << allowed;
  EXPECT_EQ(first_text(allowed), "in a");

  const json refused = agent.call_tool("storage_read", {{"storage", "b"}, {"key", "notes.txt"}});
  ASSERT_TRUE(refused.contains("result")) << refused;
  EXPECT_EQ(refused["result"]["isError"], true) << refused;
  EXPECT_NE(first_text(refused).find("needs scope 'storage:b:read'"), std::string::npos) << refused;
  EXPECT_EQ(refused.dump().find("in b"), std::string::npos) << "the object leaked: " << refused;

  // Reading "a" is not writing it.
  const json write = agent.call_tool("storage_write", {{"storage", "a"}, {"key", "notes.txt"}, {"text", "changed"}});
  EXPECT_EQ(write["result"]["isError"], true) << write;
  EXPECT_NE(first_text(write).find("needs scope 'storage:a:write'"), std::string::npos) << write;
  EXPECT_EQ(first_text(agent.call_tool("storage_read", {{"storage", "a"}, {"key", "notes.txt"}})), "in a");

  // The same objects as MCP resources.
  const json resource = agent.call("resources/read", {{"uri", "storage://b/notes.txt"}});
  ASSERT_TRUE(resource.contains("error")) << resource;
  EXPECT_NE(resource["error"].value("message", "").find("storage:b:read"), std::string::npos) << resource;
  EXPECT_EQ(resource["error"]["code"], -32602) << "the caller's mistake, not the server's: " << resource;
  const json readable = agent.call("resources/read", {{"uri", "storage://a/notes.txt"}});
  ASSERT_TRUE(readable.contains("result")) << readable;
  EXPECT_EQ(readable["result"]["contents"][0]["text"], "in a");
}

TEST(McpStorageScopes, APublicRouteGroupNeedsNoStorageScopes) {
  NexusdProcess nexusd(config({{"public", true}}));
  seed(nexusd);
  McpTestClient anyone(nexusd.port(), {});
  ASSERT_EQ(anyone.initialize().status, 200);
  for (const char* storage : {"a", "b"}) {
    const json read = anyone.call_tool("storage_read", {{"storage", storage}, {"key", "notes.txt"}});
    ASSERT_TRUE(read.contains("result")) << read;
    EXPECT_EQ(read["result"]["isError"], false) << storage << ": " << read;
    EXPECT_EQ(first_text(read), std::string("in ") + storage);
  }
}

}  // namespace
}  // namespace nexus::test
