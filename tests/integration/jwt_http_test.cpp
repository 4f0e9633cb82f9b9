// OIDC JWTs end to end: nexusd with a jwt auth instance pointed at a real
// OIDC issuer (oauth2-mock-server on 127.0.0.1) authorises storage calls
// by the token's scopes, chained after an API-key provider.
#include <gtest/gtest.h>

#include <chrono>

#include <nexus/sdk/jose.hpp>
#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/log_check.hpp"
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
  // Signed by the issuer's RS256 key; `header_kid` replaces the kid the header names.
  std::string token(const nlohmann::json& claims, std::optional<int> expires_in = std::nullopt,
                    const std::string& header_kid = "") {
    const nlohmann::json header = header_kid.empty() ? nlohmann::json::object() : nlohmann::json{{"kid", header_kid}};
    return issuer.token("test-key-1", claims, header, {}, expires_in);
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

namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// `token` with its header or payload replaced; the signature is kept, so
// the result is a forgery.
std::string with_header(const std::string& token, const nlohmann::json& header) {
  const auto p = sdk::jose::split_compact(token);
  return sdk::jose::base64url_encode(header.dump()) + "." + std::string(p->payload_b64) + "." +
         std::string(p->signature_b64);
}
std::string with_payload(const std::string& token, const nlohmann::json& payload) {
  const auto p = sdk::jose::split_compact(token);
  return std::string(p->header_b64) + "." + sdk::jose::base64url_encode(payload.dump()) + "." +
         std::string(p->signature_b64);
}

}  // namespace

// Every token below claims an admin (scope "*"): if any got through, the
// PUT would succeed. Each is a 401 whose message says why, nothing is
// written, and none of them reaches the log.
TEST_F(JwtHttpTest, InvalidAndForgedTokensAre401WithTheReason) {
  HttpClient http(nexusd->port());
  const nlohmann::json admin = {{"aud", "nexus-api"}, {"sub", "mallory"}, {"cognito:groups", {"admins"}}};
  const std::string valid = token(admin);
  const std::string agent = token({{"aud", "nexus-api"}, {"sub", "bot"}, {"cognito:groups", {"agents"}}});

  auto escalated = sdk::jose::parse_jwt(agent)->payload;
  escalated["cognito:groups"] = {"admins"};
  auto other_issuer = admin;
  other_issuer["iss"] = "https://elsewhere.example";
  auto not_yet = admin;
  not_yet["nbf"] = unix_now() + 600;
  const auto none_header = nlohmann::json{{"alg", "none"}, {"typ", "JWT"}, {"kid", "test-key-1"}};
  const std::string unsigned_token = sdk::jose::base64url_encode(none_header.dump()) + "." +
                                     std::string(sdk::jose::split_compact(valid)->payload_b64) + ".";

  const std::vector<std::pair<std::string, std::string>> cases = {
      {token(not_yet), "not valid yet"},
      {token(admin, -600), "expired"},
      {token(other_issuer), "recognised the Authorization header's credentials"},  // every provider abstains
      // Unsigned (empty signature part): not JWT-shaped to the API-key
      // provider, first in the chain, which refuses it as a wrong key.
      {unsigned_token, "API key not recognised"},
      {with_header(valid, none_header), "alg 'none' refused"},
      {issuer.hs256_confusion("test-key-1", admin), "HMAC alg 'HS256' refused"},
      {with_payload(agent, escalated), "signature does not verify"},
      {token(admin, std::nullopt, "never-published-kid"), "unknown key"},
  };
  std::vector<std::string> seen = {valid, agent};
  for (const auto& [t, why] : cases) {
    seen.push_back(t);
    const auto r = http.put("/v1/storage/mem/forged.txt", "forged", bearer(t));
    EXPECT_EQ(r.status, 401) << why << ": " << r.body;
    EXPECT_NE(r.body.find(why), std::string::npos) << r.body;
    EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"nexus\"") << why;
  }
  EXPECT_EQ(http.get("/v1/storage/mem/forged.txt", bearer(valid)).status, 404) << "a forged token wrote something";
  // The same claims, properly signed, would have been enough.
  EXPECT_EQ(http.put("/v1/storage/mem/forged.txt", "signed", bearer(valid)).status, 200);
  expect_never_logged(*nexusd, seen);
}

}  // namespace nexus::test
