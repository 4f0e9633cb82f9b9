// POST /v1/tokens end to end: a caller authenticated by API key mints a
// short-lived bearer token for a subset of its scopes, and the token then
// authenticates — with exactly those scopes — on the storage routes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/nexusd_process.hpp"

namespace nexus::test {
namespace {

constexpr const char* kKey = "tokens-test-api-key-0123456789abcdef";
constexpr const char* kSecret = "tokens-test-hmac-secret-0123456789abcdef-xyz";

nlohmann::json config() {
  return {{"instances",
           {{"mem", {{"plugin", "memory"}, {"config", nlohmann::json::object()}}},
            {"keys",
             {{"plugin", "apikey"},
              {"config", {{"keys", {{{"id", "ops"}, {"env", "TOKENS_TEST_KEY"}, {"scopes", {"storage:*"}}}}}}}}},
            {"minted", {{"plugin", "bearer"}, {"config", {{"keys", {{{"kid", "k1"}, {"secret", kSecret}}}}, {"max_ttl_seconds", 600}}}}}}},
          {"routes", {{"storage", {{"auth", {"keys", "minted"}}}}, {"tokens", {{"auth", {"keys"}}}}}}};
}

struct TokensTest : ::testing::Test {
  NexusdProcess nexusd{config(), {{"TOKENS_TEST_KEY", kKey}}};
  HttpClient http{nexusd.port()};

  HttpResponse mint(const std::string& body, const std::string& key = kKey) {
    return http.request("POST", "/v1/tokens", {{"X-API-Key", key}, {"Content-Type", "application/json"}}, body);
  }
};

}  // namespace

TEST_F(TokensTest, MintedTokenCarriesOnlyTheRequestedScopes) {
  ASSERT_EQ(http.put("/v1/storage/mem/a.txt", "hello", {{"X-API-Key", kKey}}).status, 200);
  const auto r = mint(R"({"scopes": ["storage:mem:read"], "ttl_seconds": 120})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("cache-control"), "no-store");
  const auto token = nlohmann::json::parse(r.body);
  EXPECT_EQ(token["token_type"], "Bearer");
  EXPECT_LE(token["expires_in"].get<int>(), 120);
  const std::string bearer = "Bearer " + token["token"].get<std::string>();

  EXPECT_EQ(http.get("/v1/storage/mem/a.txt", {{"Authorization", bearer}}).body, "hello");
  const auto put = http.put("/v1/storage/mem/b.txt", "x", {{"Authorization", bearer}});
  EXPECT_EQ(put.status, 403) << put.body;
  EXPECT_NE(put.body.find("storage:mem:write"), std::string::npos);
  // The token cannot mint more tokens: the tokens route accepts API keys only.
  EXPECT_EQ(http.request("POST", "/v1/tokens", {{"Authorization", bearer}}, R"({"scopes": ["storage:mem:read"]})").status,
            401);
  // The token never reaches the logs.
  nexusd.terminate();
  EXPECT_EQ((nexusd.stdout_text() + nexusd.stderr_text()).find(token["token"].get<std::string>()), std::string::npos);
}

TEST_F(TokensTest, NeverMoreThanTheCallerHas) {
  const auto r = mint(R"({"scopes": ["admin:read"]})");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("admin:read"), std::string::npos);
}

TEST_F(TokensTest, TtlIsCappedByConfig) {
  const auto r = mint(R"({"scopes": ["storage:mem:list"], "ttl_seconds": 86400})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_LE(nlohmann::json::parse(r.body)["expires_in"].get<int>(), 600);
}

TEST_F(TokensTest, BadRequestsAreExplained) {
  EXPECT_EQ(mint("not json").status, 400);
  EXPECT_EQ(mint(R"(["storage:mem:read"])").status, 400);
  const auto unknown = mint(R"({"issuer": "nope", "scopes": ["storage:mem:read"]})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("nope"), std::string::npos);
  EXPECT_EQ(mint(R"({"scopes": ["storage:mem:read"]})", "wrong-key-0123456789abcdef").status, 401);
  EXPECT_EQ(http.get("/v1/tokens", {{"X-API-Key", kKey}}).status, 405);
}

}  // namespace nexus::test
