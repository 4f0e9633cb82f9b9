// The order of a route group's auth chain, through a real nexusd: API keys
// and OIDC JWTs (oauth2-mock-server on 127.0.0.1) guarding the same routes.
// The first provider to allow decides who the caller is; a provider that
// denies ends the chain; when every provider abstains the answer is 401.
// Credentials count only from headers, never from the query string, and
// none of them ever reaches nexusd's log.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/log_check.hpp"
#include "support/nexusd_process.hpp"
#include "support/oidc_issuer.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;

const std::string kOpsKey = "chain-ops-key-0123456789abcdef";        // storage:*
const std::string kReaderKey = "chain-reader-key-0123456789abcdef";  // storage:mem:read only

class AuthChainHttp : public ::testing::Test {
 protected:
  // nexusd whose storage routes are guarded by `chain`, in that order.
  std::unique_ptr<NexusdProcess> start(const std::vector<std::string>& chain) {
    const json config = {
        {"instances",
         {{"mem", {{"plugin", "memory"}, {"config", json::object()}}},
          {"keys",
           {{"plugin", "apikey"},
            {"config",
             {{"keys",
               {{{"id", "ops"}, {"sha256", sha256_hex(kOpsKey)}, {"scopes", {"storage:*"}}},
                {{"id", "reader"}, {"sha256", sha256_hex(kReaderKey)}, {"scopes", {"storage:mem:read"}}}}}}}}},
          {"sso",
           {{"plugin", "jwt"},
            {"config",
             {{"issuer", issuer_.url()},
              {"audience", "nexus-api"},
              {"scope_claims", {"cognito:groups"}},
              {"scope_map", {{"admins", {"*"}}}},
              {"map_only", true}}}}}}},
        {"routes", {{"storage", {{"auth", chain}}}}}};
    return std::make_unique<NexusdProcess>(config, EnvVars{}, std::vector<std::string>{"--log-level", "debug"});
  }
  // An admin's token (every scope), valid for an hour or expired.
  std::string admin_jwt(bool expired = false) {
    const json claims = {{"sub", "alice"}, {"aud", "nexus-api"}, {"cognito:groups", {"admins"}}};
    return remember(
        issuer_.token("test-key-1", claims, json::object(), {}, expired ? std::optional<int>(-600) : std::nullopt));
  }
  std::string remember(std::string credential) {
    credentials_.push_back(credential);
    return credential;
  }
  static HeaderList bearer(const std::string& t) { return {{"Authorization", "Bearer " + t}}; }
  static std::string message_of(const HttpResponse& r) {
    const json j = json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"].value("message", "") : "(not an error body) " + r.body;
  }

  OidcIssuer issuer_;
  std::vector<std::string> credentials_ = {kOpsKey, kReaderKey};
};

}  // namespace

TEST_F(AuthChainHttp, ApiKeyThenJwtEachCredentialFindsItsProvider) {
  auto nexusd = start({"keys", "sso"});
  const HttpClient http(nexusd->port());
  ASSERT_EQ(http.put("/v1/storage/mem/a.txt", "by key", {{"X-API-Key", kOpsKey}}).status, 200);
  EXPECT_EQ(http.get("/v1/storage/mem/a.txt", bearer(kReaderKey)).body, "by key");
  // A JWT passes the API-key provider (it abstains) and is allowed by the next.
  const auto by_jwt = http.put("/v1/storage/mem/b.txt", "by jwt", bearer(admin_jwt()));
  EXPECT_EQ(by_jwt.status, 200) << by_jwt.body;

  // Every provider abstains: no credentials, another issuer's token, Basic.
  const std::string foreign = remember(issuer_.token(
      "test-key-1",
      {{"sub", "alice"}, {"aud", "nexus-api"}, {"cognito:groups", {"admins"}}, {"iss", "https://elsewhere.example"}}));
  for (const HeaderList& h : {HeaderList{}, bearer(foreign), HeaderList{{"Authorization", "Basic YWxpY2U6c2VjcmV0"}}}) {
    const auto r = http.put("/v1/storage/mem/c.txt", "nobody", h);
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"nexus\"");
    // Nothing sent is "no credentials"; credentials nobody knew say so.
    const std::string expected =
        h.empty() ? "no credentials" : "no auth instance of route group 'storage' (keys, sso) recognised";
    EXPECT_NE(message_of(r).find(expected), std::string::npos) << r.body;
  }
  EXPECT_EQ(http.get("/v1/storage/mem/c.txt", {{"X-API-Key", kOpsKey}}).status, 404) << "nothing was written";
  expect_never_logged(*nexusd, credentials_);
}

TEST_F(AuthChainHttp, TheFirstProviderToAllowDecidesWhoTheCallerIs) {
  // The same request carries a read-only API key and an admin's JWT.
  const HeaderList both = {{"X-API-Key", kReaderKey}, {"Authorization", "Bearer " + admin_jwt()}};

  auto keys_first = start({"keys", "sso"});
  const HttpClient a(keys_first->port());
  const auto as_reader = a.put("/v1/storage/mem/x.txt", "x", both);
  EXPECT_EQ(as_reader.status, 403) << "the API key came first, so the caller is the reader: " << as_reader.body;
  EXPECT_NE(message_of(as_reader).find("principal 'apikey:reader' (auth 'keys')"), std::string::npos) << as_reader.body;
  EXPECT_NE(as_reader.header("www-authenticate").find("insufficient_scope"), std::string::npos);

  auto jwt_first = start({"sso", "keys"});
  const HttpClient b(jwt_first->port());
  const auto as_admin = b.put("/v1/storage/mem/x.txt", "x", both);
  EXPECT_EQ(as_admin.status, 200) << "the JWT came first, so the caller is the admin: " << as_admin.body;

  expect_never_logged(*keys_first, credentials_);
  expect_never_logged(*jwt_first, credentials_);
}

TEST_F(AuthChainHttp, ADenyEndsTheChain) {
  // keys first: a wrong API key is refused even though a good JWT follows.
  auto keys_first = start({"keys", "sso"});
  const HttpClient a(keys_first->port());
  const std::string wrong_key = remember("chain-wrong-key-0123456789abcdef");
  const auto r1 =
      a.put("/v1/storage/mem/y.txt", "y", {{"X-API-Key", wrong_key}, {"Authorization", "Bearer " + admin_jwt()}});
  EXPECT_EQ(r1.status, 401) << r1.body;
  EXPECT_NE(message_of(r1).find("API key not recognised"), std::string::npos) << r1.body;
  EXPECT_EQ(a.put("/v1/storage/mem/y.txt", "y", bearer(admin_jwt())).status, 200) << "the JWT alone is good";

  // sso first: an expired JWT is refused even though a good API key follows.
  auto jwt_first = start({"sso", "keys"});
  const HttpClient b(jwt_first->port());
  const auto r2 =
      b.put("/v1/storage/mem/z.txt", "z", {{"Authorization", "Bearer " + admin_jwt(true)}, {"X-API-Key", kOpsKey}});
  EXPECT_EQ(r2.status, 401) << r2.body;
  EXPECT_NE(message_of(r2).find("expired"), std::string::npos) << r2.body;
  EXPECT_EQ(r2.header("www-authenticate"), "Bearer realm=\"nexus\"");
  EXPECT_EQ(b.put("/v1/storage/mem/z.txt", "z", {{"X-API-Key", kOpsKey}}).status, 200) << "the API key alone is good";

  expect_never_logged(*keys_first, credentials_);
  expect_never_logged(*jwt_first, credentials_);
}

TEST_F(AuthChainHttp, CredentialsInTheQueryStringAreIgnoredAndNeverLogged) {
  auto nexusd = start({"keys", "sso"});
  const HttpClient http(nexusd->port());
  ASSERT_EQ(http.put("/v1/storage/mem/q.txt", "q", {{"X-API-Key", kOpsKey}}).status, 200);
  const std::string jwt = admin_jwt();
  for (const std::string& query : {"access_token=" + jwt, "token=" + jwt, "api_key=" + kOpsKey, "key=" + kOpsKey,
                                   "authorization=Bearer%20" + jwt, "x-api-key=" + kOpsKey}) {
    const auto r = http.get("/v1/storage/mem/q.txt?" + query);
    EXPECT_EQ(r.status, 401) << query.substr(0, query.find('=')) << ": " << r.body;
    EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"nexus\"");
    EXPECT_EQ(r.body.find(query.substr(query.find('=') + 1)), std::string::npos) << "the credential was echoed";
  }
  // The same credentials in headers do work: the 401s above were the query string's.
  EXPECT_EQ(http.get("/v1/storage/mem/q.txt", bearer(jwt)).status, 200);
  EXPECT_EQ(http.get("/v1/storage/mem/q.txt", {{"X-API-Key", kOpsKey}}).status, 200);
  expect_never_logged(*nexusd, credentials_);
}

}  // namespace nexus::test
