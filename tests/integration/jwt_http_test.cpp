// OIDC JWTs end to end: nexusd with a jwt auth instance pointed at a real
// OIDC issuer (oauth2-mock-server on 127.0.0.1) authorises storage calls
// by the token's scopes, chained after an API-key provider.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/nexusd_process.hpp"
#include "support/oidc_issuer.hpp"

namespace nexus::test {
namespace {

struct JwtHttpTest : ::testing::Test {
  OidcIssuer issuer;
  std::unique_ptr<NexusdProcess> nexusd;

  void SetUp() override {
    const nlohmann::json config = {
        {"instances",
         {{"mem", {{"plugin", "memory"}, {"config", nlohmann::json::object()}}},
          {"keys",
           {{"plugin", "apikey"},
            {"config", {{"keys", {{{"id", "ops"}, {"sha256", std::string(64, 'a')}, {"scopes", {"*"}}}}}}}}},
          {"sso",
           {{"plugin", "jwt"},
            {"config",
             {{"issuer", issuer.url()},
              {"audience", "nexus-api"},
              {"scope_map", {{"agents", {"storage:mem:read"}}, {"admins", {"*"}}}},
              {"map_only", true},
              {"scope_claims", {"cognito:groups"}}}}}}}},
        {"routes", {{"storage", {{"auth", {"keys", "sso"}}}}}}};
    nexusd = std::make_unique<NexusdProcess>(config);
  }
  std::string token(const nlohmann::json& claims, std::optional<int> expires_in = std::nullopt) {
    return issuer.token("test-key-1", claims, nlohmann::json::object(), {}, expires_in);
  }
  HeaderList bearer(const std::string& t) { return {{"Authorization", "Bearer " + t}}; }
};

}  // namespace

TEST_F(JwtHttpTest, ScopesFromGroupsDecideWhatATokenMayDo) {
  HttpClient http(nexusd->port());
  const std::string admin = token({{"aud", "nexus-api"}, {"sub", "alice"}, {"cognito:groups", {"admins"}}});
  const std::string agent = token({{"aud", "nexus-api"}, {"sub", "bot"}, {"cognito:groups", {"agents"}}});

  ASSERT_EQ(http.put("/v1/storage/mem/call.txt", "hello", bearer(admin)).status, 200);
  EXPECT_EQ(http.get("/v1/storage/mem/call.txt", bearer(agent)).body, "hello");
  const auto denied = http.put("/v1/storage/mem/call.txt", "overwrite", bearer(agent));
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(denied.header("www-authenticate").find("insufficient_scope"), std::string::npos);
}

TEST_F(JwtHttpTest, BadTokensAre401AndNeverLogged) {
  HttpClient http(nexusd->port());
  const std::string expired = token({{"aud", "nexus-api"}, {"sub", "alice"}, {"cognito:groups", {"admins"}}}, -120);
  const std::string wrong_aud = token({{"aud", "someone-else"}, {"sub", "alice"}, {"cognito:groups", {"admins"}}});
  for (const auto& t : {expired, wrong_aud}) {
    const auto r = http.get("/v1/storage/mem/call.txt", bearer(t));
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_NE(r.header("www-authenticate").find("Bearer"), std::string::npos);
  }
  nexusd->terminate();
  const std::string logs = nexusd->stdout_text() + nexusd->stderr_text();
  EXPECT_EQ(logs.find(expired), std::string::npos);
  EXPECT_EQ(logs.find(wrong_aud), std::string::npos);
}

}  // namespace nexus::test
