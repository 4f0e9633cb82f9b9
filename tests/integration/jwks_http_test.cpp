// The jwt plugin's key cache through a real nexusd and a real OIDC issuer
// (oauth2-mock-server on 127.0.0.1): a token signed with a key the issuer
// has just published is accepted after one JWKS refresh; tokens naming
// unknown keys cause no fetch storm; a JWKS endpoint that is down keeps the
// cached keys verifying; an issuer that is down from the start makes
// nexusd answer 503 (retry) until it is back, not refuse to start.
//
// The refresh interval is 2 s here: a test sleeps past it where the point
// is that a refresh is allowed again, and counts fetches only within it.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/log_check.hpp"
#include "support/nexusd_process.hpp"
#include "support/oidc_issuer.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;
constexpr int kRefreshIntervalSeconds = 2;

class JwksHttp : public ::testing::Test {
 protected:
  std::unique_ptr<NexusdProcess> start(int cache_seconds = 3600) {
    const json config = {{"instances",
                          {{"mem", {{"plugin", "memory"}, {"config", json::object()}}},
                           {"sso",
                            {{"plugin", "jwt"},
                             {"config",
                              {{"issuer", issuer_.url()},
                               {"audience", "nexus-api"},
                               {"jwks_refresh_min_interval_seconds", kRefreshIntervalSeconds},
                               {"jwks_cache_seconds", cache_seconds},
                               {"timeout_ms", 2000}}}}}}},
                         {"routes", {{"storage", {{"auth", {"sso"}}}}}}};
    return std::make_unique<NexusdProcess>(config, EnvVars{}, std::vector<std::string>{"--log-level", "debug"});
  }
  // A token allowed to list "mem", signed by `kid`; `header_kid` (when given) is the kid the header names instead.
  std::string token(const std::string& kid, const std::string& header_kid = "") {
    const json header = header_kid.empty() ? json::object() : json{{"kid", header_kid}};
    tokens_.push_back(
        issuer_.token(kid, {{"sub", "reader"}, {"aud", "nexus-api"}, {"scope", "storage:mem:list"}}, header));
    return tokens_.back();
  }
  static HeaderList bearer(const std::string& t) { return {{"Authorization", "Bearer " + t}}; }
  static void sleep_past_the_refresh_interval() {
    std::this_thread::sleep_for(std::chrono::milliseconds(kRefreshIntervalSeconds * 1000 + 200));
  }
  // A kid no earlier test run used (the issuer outlives nothing, but be sure).
  static std::string fresh_kid(const std::string& stem) {
    return stem + "-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  }

  OidcIssuer issuer_;
  std::vector<std::string> tokens_;
};

}  // namespace

TEST_F(JwksHttp, UnknownKidIsRefusedThenAKeyRotatedInAtTheIssuerIsAccepted) {
  auto nexusd = start();
  const HttpClient http(nexusd->port());
  ASSERT_EQ(http.get("/v1/storage/mem", bearer(token("test-key-1"))).status, 200);

  // Signed with a key the issuer has not published: refused, whatever the cache does.
  const std::string rotated_kid = fresh_kid("rotated");
  const auto unknown = http.get("/v1/storage/mem", bearer(token("test-key-1", rotated_kid)));
  EXPECT_EQ(unknown.status, 401) << unknown.body;
  EXPECT_NE(unknown.body.find("unknown key"), std::string::npos) << unknown.body;

  // The issuer rotates: a new key is published and tokens are signed with it.
  issuer_.add_key("RS256", rotated_kid);
  sleep_past_the_refresh_interval();
  const int before = issuer_.jwks_fetches();
  const std::string new_token = token(rotated_kid);
  const auto accepted = http.get("/v1/storage/mem", bearer(new_token));
  EXPECT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(issuer_.jwks_fetches(), before + 1) << "the unknown kid caused exactly one JWKS fetch";
  EXPECT_EQ(http.get("/v1/storage/mem", bearer(new_token)).status, 200);
  EXPECT_EQ(issuer_.jwks_fetches(), before + 1) << "the new key is cached";

  // Inside the interval, tokens naming unknown keys are refused from the cache.
  for (int i = 0; i < 20; ++i) {
    const auto r = http.get("/v1/storage/mem", bearer(token("test-key-1", "ghost-" + std::to_string(i))));
    EXPECT_EQ(r.status, 401) << r.body;
  }
  EXPECT_EQ(issuer_.jwks_fetches(), before + 1) << "20 bad tokens caused no JWKS fetch (no fetch storm)";
  expect_never_logged(*nexusd, tokens_);
}

TEST_F(JwksHttp, JwksDownKeepsVerifyingWithTheCachedKeys) {
  auto nexusd = start(/*cache_seconds=*/1);  // stale after a second: every later lookup tries a refresh
  const HttpClient http(nexusd->port());
  ASSERT_EQ(http.get("/v1/storage/mem", bearer(token("test-key-es"))).status, 200);

  issuer_.set_keys_up(false);
  const std::string published_while_down = fresh_kid("while-down");
  issuer_.add_key("RS256", published_while_down);
  sleep_past_the_refresh_interval();
  const int before = issuer_.jwks_fetches();
  for (const char* kid : {"test-key-1", "test-key-es", "test-key-ps"}) {
    const auto r = http.get("/v1/storage/mem", bearer(token(kid)));
    EXPECT_EQ(r.status, 200) << kid << ": " << r.body;
  }
  EXPECT_GE(issuer_.jwks_fetches(), before + 1) << "the stale cache did try the JWKS endpoint";
  // A key the endpoint would only now publish is unavailable: refused, not an error.
  const auto r = http.get("/v1/storage/mem", bearer(token(published_while_down)));
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_NE(r.body.find("unknown key"), std::string::npos) << r.body;

  issuer_.set_keys_up(true);
  sleep_past_the_refresh_interval();
  EXPECT_EQ(http.get("/v1/storage/mem", bearer(token(published_while_down))).status, 200) << "back up: fetched";
  expect_never_logged(*nexusd, tokens_);  // stops nexusd: its log is complete
  const std::string logs = nexusd->stdout_text() + nexusd->stderr_text();
  EXPECT_NE(logs.find("keeping the cached keys"), std::string::npos) << logs;
}

TEST_F(JwksHttp, IssuerDownAtStartIs503UntilItIsBack) {
  issuer_.set_keys_up(false);
  auto nexusd = start();  // starts anyway: the other routes must not depend on the issuer
  const HttpClient http(nexusd->port());
  const std::string t = token("test-key-1");
  const auto r = http.get("/v1/storage/mem", bearer(t));
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.body.find("no signing keys"), std::string::npos) << r.body;

  issuer_.set_keys_up(true);
  sleep_past_the_refresh_interval();
  EXPECT_EQ(http.get("/v1/storage/mem", bearer(t)).status, 200);
  expect_never_logged(*nexusd, tokens_);
}

}  // namespace nexus::test
