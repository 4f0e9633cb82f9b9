// RFC 9728 for the MCP endpoint: a 401 from /mcp names the protected-resource
// metadata, which is served publicly so a client can find the authorization
// server before it has credentials.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/nexusd_process.hpp"

namespace nexus::test {
namespace {

nlohmann::json config(bool with_metadata) {
  nlohmann::json c = {
      {"instances",
       {{"keys", {{"plugin", "apikey"}, {"config", {{"keys", {{{"id", "a"}, {"sha256", std::string(64, 'a')}, {"scopes", {"*"}}}}}}}}}}},
      {"routes", {{"mcp", {{"auth", {"keys"}}}}}}};
  if (with_metadata) {
    c["mcp"]["resource_metadata"] = {{"resource", "https://mcp.example.com/mcp"},
                                     {"authorization_servers", {"https://issuer.example.com"}},
                                     {"scopes_supported", {"tools:*"}}};
  }
  return c;
}

HttpResponse unauthenticated_initialize(const HttpClient& http) {
  return http.request("POST", "/mcp", {{"Content-Type", "application/json"}, {"Accept", "application/json, text/event-stream"}},
                      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})");
}

}  // namespace

TEST(ProtectedResource, A401FromMcpNamesTheMetadataWhichIsPublic) {
  NexusdProcess nexusd(config(true));
  HttpClient http(nexusd.port());
  const auto r = unauthenticated_initialize(http);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.header("www-authenticate")
                .find("resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\""),
            std::string::npos)
      << r.header("www-authenticate");

  const auto meta = http.get("/.well-known/oauth-protected-resource/mcp");
  ASSERT_EQ(meta.status, 200) << meta.body;
  const auto j = nlohmann::json::parse(meta.body);
  EXPECT_EQ(j["resource"], "https://mcp.example.com/mcp");
  EXPECT_EQ(j["authorization_servers"][0], "https://issuer.example.com");

  const auto elsewhere = http.get("/.well-known/oauth-protected-resource");
  EXPECT_EQ(elsewhere.status, 404);
  EXPECT_NE(elsewhere.body.find("/.well-known/oauth-protected-resource/mcp"), std::string::npos);
  EXPECT_EQ(http.request("POST", "/.well-known/oauth-protected-resource/mcp").status, 405);
}

TEST(ProtectedResource, WithoutMetadataThe401IsPlain) {
  NexusdProcess nexusd(config(false));
  HttpClient http(nexusd.port());
  const auto r = unauthenticated_initialize(http);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("www-authenticate").find("resource_metadata"), std::string::npos);
  EXPECT_EQ(http.get("/.well-known/oauth-protected-resource/mcp").status, 404);
}

TEST(ProtectedResource, MetadataWithoutAuthorizationServersIsAConfigError) {
  TempDir dir;
  nlohmann::json c = config(false);
  c["mcp"]["resource_metadata"] = {{"resource", "https://mcp.example.com/mcp"}};
  const auto file = dir / "nexus.json";
  std::ofstream(file) << c.dump();
  const auto r = run_nexusd({"--config", file.string(), "--check", "--plugin-dir", NEXUS_PLUGIN_DIR});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("/mcp/resource_metadata/authorization_servers"), std::string::npos) << r.err;
}

// MCP 2025-11-25 authorization, "Scope Challenge Handling": a token without
// the scope a request needs gets a 403 whose challenge names the scope and
// the same metadata, so the client can ask for a token that has it.
TEST(ProtectedResource, A403ScopeChallengeNamesTheScopeAndTheMetadata) {
  const std::string key = "narrow-key-0123456789abcdef";
  nlohmann::json c = config(true);
  c["plugin_dirs"] = {NEXUS_TEST_PLUGIN_DIR};
  c["instances"]["keys"]["config"]["keys"] = {{{"id", "narrow"}, {"sha256", sha256_hex(key)}, {"scopes", {"tools:other"}}}};
  c["instances"]["conformance"] = {{"plugin", "conformance"}, {"config", nlohmann::json::object()}};
  NexusdProcess nexusd(c);
  HttpClient http(nexusd.port());
  HeaderList h = {{"Content-Type", "application/json"},
                  {"Accept", "application/json, text/event-stream"},
                  {"Authorization", "Bearer " + key}};
  const auto init = http.request("POST", "/mcp", h,
                                 R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})");
  ASSERT_EQ(init.status, 200) << init.body;
  h.emplace_back("Mcp-Session-Id", init.header("mcp-session-id"));
  h.emplace_back("MCP-Protocol-Version", "2025-11-25");
  const auto r = http.request("POST", "/mcp", h,
                              R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_simple_text","arguments":{}}})");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.header("www-authenticate"),
            "Bearer error=\"insufficient_scope\", scope=\"tools:test_simple_text\", "
            "resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\"");
}

}  // namespace nexus::test
