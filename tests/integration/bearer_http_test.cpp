// Host-minted bearer tokens through a real nexusd, beyond minting itself
// (tokens_test.cpp): expiry, revocation, audience restriction, stateless
// verification on another replica, minting bound by the scopes of a JWT
// caller (oauth2-mock-server on 127.0.0.1), and tools/list filtered by a
// minted token's scopes. No token, key or secret ever reaches a log.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/hs256_token.hpp"
#include "support/http_client.hpp"
#include "support/log_check.hpp"
#include "support/mcp_client.hpp"
#include "support/nexusd_process.hpp"
#include "support/oidc_issuer.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;

const std::string kOpsKey = "bearer-http-ops-key-0123456789abcdef";  // storage:*, tools:*
const std::string kSecret = "bearer-http-hmac-secret-0123456789abcdef-xyz";

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class BearerHttp : public ::testing::Test {
 protected:
  BearerHttp() { std::ofstream(revoked_path()) << "# revoked token ids, one per line\n"; }

  // `oidc_issuer`: when given, a jwt instance "sso" (Cognito groups →
  // scopes) may also mint tokens.
  json config(const std::string& oidc_issuer = "") const {
    json instances = {
        {"mem", {{"plugin", "memory"}, {"config", json::object()}}},
        {"kvstore", {{"plugin", "memory"}, {"config", json::object()}}},
        {"kv", {{"plugin", "kv"}, {"config", {{"storage", "kvstore"}}}}},
        {"keys",
         {{"plugin", "apikey"},
          {"config",
           {{"keys", {{{"id", "ops"}, {"sha256", sha256_hex(kOpsKey)}, {"scopes", {"storage:*", "tools:*"}}}}}}}}},
        {"minted",
         {{"plugin", "bearer"},
          {"config",
           {{"keys", {{{"kid", "k1"}, {"secret", kSecret}}}},
            {"max_ttl_seconds", 600},
            {"revocation_file", revoked_path().string()}}}}}};
    std::vector<std::string> minters = {"keys"};
    if (!oidc_issuer.empty()) {
      instances["sso"] = {{"plugin", "jwt"},
                          {"config",
                           {{"issuer", oidc_issuer},
                            {"audience", "nexus-api"},
                            {"scope_claims", {"cognito:groups"}},
                            {"scope_map", {{"agents", {"storage:mem:read", "storage:mem:list"}}}},
                            {"map_only", true}}}};
      minters.push_back("sso");
    }
    return {{"instances", instances},
            {"routes",
             {{"storage", {{"auth", {"keys", "minted"}}}},
              {"mcp", {{"auth", {"keys", "minted"}}}},
              {"tokens", {{"auth", minters}}}}}};
  }
  std::unique_ptr<NexusdProcess> start(const std::string& oidc_issuer = "") {
    return std::make_unique<NexusdProcess>(config(oidc_issuer), EnvVars{},
                                           std::vector<std::string>{"--log-level", "debug"});
  }
  // POST /v1/tokens as `credentials`; the answer's JSON (with "status").
  json mint(const HttpClient& http, const json& request, const HeaderList& credentials = {{"X-API-Key", kOpsKey}}) {
    HeaderList h = credentials;
    h.emplace_back("Content-Type", "application/json");
    const auto r = http.request("POST", "/v1/tokens", h, request.dump());
    json out = json::parse(r.body, nullptr, false);
    if (!out.is_object()) out = {{"body", r.body}};
    out["status"] = r.status;
    if (out.contains("token")) credentials_.push_back(out["token"].get<std::string>());
    return out;
  }
  std::string minted(const HttpClient& http, const json& request) {
    const json r = mint(http, request);
    EXPECT_EQ(r["status"], 200) << r;
    return r.value("token", std::string());
  }
  // A token the bearer plugin would mint, made by hand with `claims` over valid defaults.
  std::string hand_made(const json& claims, const std::string& secret = kSecret) {
    json c = {{"iss", "nexus"},    {"sub", "apikey:ops"},     {"scope", "storage:mem:read"},
              {"iat", unix_now()}, {"exp", unix_now() + 120}, {"jti", "hand-made-" + std::to_string(unix_now())}};
    if (claims.is_object()) c.update(claims);
    credentials_.push_back(hs256_token(secret, {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", "k1"}}, c));
    return credentials_.back();
  }
  std::filesystem::path revoked_path() const { return dir_ / "revoked-jti"; }
  static HeaderList bearer(const std::string& t) { return {{"Authorization", "Bearer " + t}}; }

  TempDir dir_;
  std::vector<std::string> credentials_ = {kOpsKey, kSecret};
};

}  // namespace

TEST_F(BearerHttp, ExpiredTokenIs401) {
  auto nexusd = start();
  const HttpClient http(nexusd->port());
  ASSERT_EQ(http.put("/v1/storage/mem/a.txt", "hello", {{"X-API-Key", kOpsKey}}).status, 200);

  // Expired two minutes ago: beyond the plugin's 30 s clock-skew leeway.
  const auto expired =
      http.get("/v1/storage/mem/a.txt", bearer(hand_made({{"iat", unix_now() - 600}, {"exp", unix_now() - 120}})));
  EXPECT_EQ(expired.status, 401) << expired.body;
  EXPECT_NE(expired.body.find("token expired"), std::string::npos) << expired.body;
  EXPECT_EQ(expired.header("www-authenticate"), "Bearer realm=\"nexus\"");
  // The same token but current is accepted, so the refusal was the expiry
  // (and verification needs no record of minting: this one never was).
  EXPECT_EQ(http.get("/v1/storage/mem/a.txt", bearer(hand_made(json::object()))).body, "hello");
  // Signed with another secret: refused.
  const auto forged =
      http.get("/v1/storage/mem/a.txt", bearer(hand_made(json::object(), "another-secret-0123456789abcdef-0123456")));
  EXPECT_EQ(forged.status, 401) << forged.body;
  EXPECT_NE(forged.body.find("does not verify"), std::string::npos) << forged.body;
  expect_never_logged(*nexusd, credentials_);
}

TEST_F(BearerHttp, RevokedTokenIs401WithoutAReload) {
  auto nexusd = start();
  const HttpClient http(nexusd->port());
  ASSERT_EQ(http.put("/v1/storage/mem/a.txt", "hello", {{"X-API-Key", kOpsKey}}).status, 200);
  const json doomed = mint(http, {{"scopes", {"storage:mem:read"}}});
  const json kept = mint(http, {{"scopes", {"storage:mem:read"}}});
  ASSERT_EQ(doomed["status"], 200) << doomed;
  ASSERT_EQ(kept["status"], 200) << kept;
  EXPECT_EQ(http.get("/v1/storage/mem/a.txt", bearer(doomed["token"].get<std::string>())).status, 200);

  std::ofstream(revoked_path(), std::ios::app) << doomed["token_id"].get<std::string>() << "\n";
  const auto r = http.get("/v1/storage/mem/a.txt", bearer(doomed["token"].get<std::string>()));
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_NE(r.body.find("revoked"), std::string::npos) << r.body;
  EXPECT_EQ(http.get("/v1/storage/mem/a.txt", bearer(kept["token"].get<std::string>())).body, "hello")
      << "only that token id is revoked";
  expect_never_logged(*nexusd, credentials_);
}

TEST_F(BearerHttp, AudienceRestrictsTheTokenToOneRouteGroup) {
  auto nexusd = start();
  const HttpClient http(nexusd->port());
  const std::string for_mcp = minted(http, {{"scopes", {"storage:mem:list", "tools:kv_get"}}, {"audience", "mcp"}});
  const auto r = http.get("/v1/storage/mem", bearer(for_mcp));
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_NE(r.body.find("restricted to audience 'mcp'"), std::string::npos) << r.body;
  McpTestClient mcp(nexusd->port(), bearer(for_mcp));
  EXPECT_EQ(mcp.initialize().status, 200);

  const std::string for_storage = minted(http, {{"scopes", {"storage:mem:list"}}, {"audience", "storage"}});
  EXPECT_EQ(http.get("/v1/storage/mem", bearer(for_storage)).status, 200);
  expect_never_logged(*nexusd, credentials_);
}

TEST_F(BearerHttp, VerificationIsStatelessAnotherReplicaAcceptsTheToken) {
  auto minter = start();
  auto replica = start();  // same config, no shared state
  const std::string t = minted(HttpClient(minter->port()), {{"scopes", {"storage:mem:list"}}});
  const auto r = HttpClient(replica->port()).get("/v1/storage/mem", bearer(t));
  EXPECT_EQ(r.status, 200) << r.body;
  expect_never_logged(*minter, credentials_);
  expect_never_logged(*replica, credentials_);
}

TEST_F(BearerHttp, AJwtCallerMintsOnlyWhatItsGroupsGrant) {
  OidcIssuer issuer;
  auto nexusd = start(issuer.url());
  const HttpClient http(nexusd->port());
  const std::string agent =
      issuer.token("test-key-1", {{"sub", "bot"}, {"aud", "nexus-api"}, {"cognito:groups", {"agents"}}});
  credentials_.push_back(agent);
  const HeaderList as_agent = bearer(agent);

  for (const std::string scope : {"storage:mem:write", "storage:*", "storage:other:read", "*"}) {
    const json refused = mint(http, {{"scopes", {"storage:mem:read", scope}}}, as_agent);
    EXPECT_EQ(refused["status"], 403) << scope << ": " << refused;
    EXPECT_NE(refused.dump().find("'" + scope + "' is not covered"), std::string::npos) << refused;
    EXPECT_FALSE(refused.contains("token"));
  }
  const json ok = mint(http, {{"scopes", {"storage:mem:list"}}, {"ttl_seconds", 60}}, as_agent);
  ASSERT_EQ(ok["status"], 200) << ok;
  EXPECT_EQ(ok["scopes"], json::array({"storage:mem:list"}));
  EXPECT_EQ(http.get("/v1/storage/mem", bearer(ok["token"].get<std::string>())).status, 200);
  const auto read = http.get("/v1/storage/mem/a.txt", bearer(ok["token"].get<std::string>()));
  EXPECT_EQ(read.status, 403) << "the token has list, not read, although its minter has both: " << read.body;
  expect_never_logged(*nexusd, credentials_);
}

TEST_F(BearerHttp, ToolsListShowsOnlyTheToolsAMintedTokenMayCall) {
  auto nexusd = start();
  const HttpClient http(nexusd->port());
  McpTestClient ops(nexusd->port(), {{"X-API-Key", kOpsKey}});
  ASSERT_EQ(ops.initialize().status, 200);
  auto all = ops.tool_names();
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<std::string>{"kv_delete", "kv_get", "kv_list", "kv_put"}));

  const std::string reader = minted(http, {{"scopes", {"tools:kv_get", "tools:kv_list"}}});
  McpTestClient narrow(nexusd->port(), bearer(reader));
  ASSERT_EQ(narrow.initialize().status, 200);
  auto shown = narrow.tool_names();
  std::sort(shown.begin(), shown.end());
  EXPECT_EQ(shown, (std::vector<std::string>{"kv_get", "kv_list"}));
  EXPECT_TRUE(narrow.call_tool("kv_list").contains("result"));
  narrow.expect_scope_challenge("kv_put", {{"key", "k"}, {"value", "v"}});
  EXPECT_EQ(ops.call_tool("kv_get", {{"key", "k"}})["result"]["isError"], true) << "kv_put wrote nothing";
  expect_never_logged(*nexusd, credentials_);
}

}  // namespace nexus::test
