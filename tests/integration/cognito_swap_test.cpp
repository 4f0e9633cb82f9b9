// "Swapping the default API key auth for Cognito-style JWT auth is an edit
// of the config only" (docs/auth.md, "From API keys to Cognito"): the
// shipped etc/nexus.json with its apikey instance replaced by the jwt block
// docs/auth.md shows, and the routes naming it, served by a real nexusd
// against a Cognito-shaped issuer (oauth2-mock-server on 127.0.0.1: access
// tokens with client_id, token_use and cognito:groups, no aud).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/log_check.hpp"
#include "support/mcp_client.hpp"
#include "support/nexusd_process.hpp"
#include "support/oidc_issuer.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;

constexpr const char* kClientId = "app-client-1";
const std::string kOldApiKey = "cognito-swap-old-api-key-0123456789";

// etc/nexus.json exactly as shipped (comments allowed, as nexusd reads it).
json shipped_config() {
  std::ifstream in(std::string(NEXUS_SOURCE_DIR) + "/etc/nexus.json");
  return json::parse(in, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
}

// The edit docs/auth.md describes: the "keys" instance becomes "sso", a jwt
// instance for the user pool, and every route that named "keys" names "sso".
json swapped_to_cognito(json config, const std::string& issuer_url) {
  if (config["instances"]["keys"]["plugin"] != "apikey")
    throw std::runtime_error(
        "etc/nexus.json no longer guards its routes with the apikey instance \"keys\"; "
        "update this test and docs/auth.md");
  config["instances"].erase("keys");
  config["instances"]["sso"] = {{"plugin", "jwt"},
                                {"config",
                                 {{"issuer", issuer_url},
                                  {"client_id", kClientId},
                                  {"token_use", "access"},
                                  {"scope_claims", {"scope", "cognito:groups"}},
                                  {"scope_map", {{"admins", {"*"}}, {"agents", {"tools:kv_get", "tools:kv_list", "storage:*:read"}}}}}}};
  for (auto& [group, route] : config["routes"].items()) {
    if (!route.contains("auth")) continue;
    for (auto& name : route["auth"])
      if (name == "keys") name = "sso";
  }
  return config;
}

class CognitoSwap : public ::testing::Test {
 protected:
  CognitoSwap() {
    json config = swapped_to_cognito(shipped_config(), issuer_.url());
    config["state_dir"] = (data_ / "state").string();  // test plumbing, like the port NexusdProcess picks
    nexusd_ = std::make_unique<NexusdProcess>(
        config, EnvVars{{"NEXUS_DATA_DIR", data_.path().string()}, {"NEXUS_API_KEY", kOldApiKey}});
  }
  // A Cognito user-pool access token for `username` in `groups`.
  std::string access_token(const std::string& username, const std::vector<std::string>& groups,
                           json extra = json::object()) {
    json claims = {{"sub", "uuid-" + username},
                   {"username", username},
                   {"client_id", kClientId},
                   {"token_use", "access"},
                   {"scope", "aws.cognito.signin.user.admin"},
                   {"cognito:groups", groups}};
    claims.update(extra);
    credentials_.push_back(issuer_.token("test-key-1", claims));
    return credentials_.back();
  }
  static HeaderList bearer(const std::string& t) { return {{"Authorization", "Bearer " + t}}; }
  static std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  }

  OidcIssuer issuer_;
  TempDir data_;
  std::unique_ptr<NexusdProcess> nexusd_;
  std::vector<std::string> credentials_ = {kOldApiKey};
};

}  // namespace

TEST_F(CognitoSwap, AnAdminsTokenOpensEveryRouteTheApiKeyGuarded) {
  const HttpClient http(nexusd_->port());
  const HeaderList admin = bearer(access_token("ada", {"admins"}));
  EXPECT_EQ(http.put("/v1/storage/recordings/calls/1.txt", "hello", admin).status, 200);
  EXPECT_EQ(http.get("/v1/storage/recordings/calls/1.txt", admin).body, "hello");
  EXPECT_EQ(http.get("/v1/instances", admin).status, 200);
  EXPECT_EQ(http.get("/metrics", admin).status, 200);
  McpTestClient mcp(nexusd_->port(), admin);
  ASSERT_EQ(mcp.initialize().status, 200);
  const auto tools = mcp.tool_names();
  for (const char* name : {"kv_get", "kv_put", "storage_read", "storage_write", "transcribe_recording"})
    EXPECT_NE(std::find(tools.begin(), tools.end(), name), tools.end()) << name;

  // The API key that guarded these routes before the swap no longer does.
  const auto old_key = http.get("/v1/storage/recordings/calls/1.txt", {{"X-API-Key", kOldApiKey}});
  EXPECT_EQ(old_key.status, 401) << old_key.body;
  const auto no_token = McpTestClient(nexusd_->port(), {}).initialize();
  EXPECT_EQ(no_token.status, 401);
  EXPECT_NE(no_token.header("www-authenticate").find("Bearer"), std::string::npos);
  expect_never_logged(*nexusd_, credentials_);
}

TEST_F(CognitoSwap, AnAgentsGroupGrantsItsToolsAndReadsOnly) {
  const HttpClient http(nexusd_->port());
  ASSERT_EQ(http.put("/v1/storage/recordings/calls/2.txt", "call", bearer(access_token("ada", {"admins"}))).status,
            200);
  const HeaderList agent = bearer(access_token("bot", {"agents"}));
  EXPECT_EQ(http.get("/v1/storage/recordings/calls/2.txt", agent).body, "call");
  const auto write = http.put("/v1/storage/recordings/calls/2.txt", "overwritten", agent);
  EXPECT_EQ(write.status, 403) << write.body;
  EXPECT_EQ(write.header("www-authenticate"),
            "Bearer error=\"insufficient_scope\", scope=\"storage:recordings:write\"");
  EXPECT_EQ(http.get("/v1/instances", agent).status, 403);

  McpTestClient mcp(nexusd_->port(), agent);
  ASSERT_EQ(mcp.initialize().status, 200);
  EXPECT_EQ(sorted(mcp.tool_names()), (std::vector<std::string>{"kv_get", "kv_list"}));
  EXPECT_TRUE(mcp.call_tool("kv_list").contains("result"));
  mcp.expect_scope_challenge("kv_put", {{"key", "x"}, {"value", "x"}});
  expect_never_logged(*nexusd_, credentials_);
}

TEST_F(CognitoSwap, IdTokensAndOtherAppClientsAre401) {
  const HttpClient http(nexusd_->port());
  const std::string id_token = access_token("ada", {"admins"}, {{"token_use", "id"}, {"aud", kClientId}});
  const std::string other_client = access_token("ada", {"admins"}, {{"client_id", "another-app-client"}});
  const std::string no_token_use = access_token("ada", {"admins"}, {{"token_use", nullptr}});
  for (const auto& [t, why] : std::vector<std::pair<std::string, std::string>>{
           {id_token, "token_use must be 'access'"},
           {other_client, "client_id (or aud) must equal config.client_id"},
           {no_token_use, "token_use must be 'access'"}}) {
    const auto r = http.get("/v1/storage/recordings", bearer(t));
    EXPECT_EQ(r.status, 401) << why << ": " << r.body;
    EXPECT_NE(r.body.find(why), std::string::npos) << r.body;
  }
  expect_never_logged(*nexusd_, credentials_);
}

}  // namespace nexus::test
