// The "jwt" auth plugin through its C ABI, against a real OIDC issuer
// (oauth2-mock-server on 127.0.0.1, driven by tests/peers/oidc_server.mjs):
// RS256/PS256/ES256, claims, Cognito shapes, algorithm attacks, the JWKS
// cache (refresh on unknown kid, no fetch storm, rotation, endpoint down)
// and that no token ever reaches a log line or a DENY reason.
#include <gtest/gtest.h>

#include <nexus/sdk/jose.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "support/http_client.hpp"
#include "support/oidc_issuer.hpp"
#include "support/peers.hpp"
#include "support/plugin_harness.hpp"

namespace nexus::test {
namespace {

namespace jose = nexus::sdk::jose;
using nlohmann::json;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Replaces the header of a compact JWS (the signature is kept: forged).
std::string with_header(const std::string& token, const json& header) {
  const auto p = jose::split_compact(token);
  return jose::base64url_encode(header.dump()) + "." + std::string(p->payload_b64) + "." +
         std::string(p->signature_b64);
}
// Replaces the payload of a compact JWS, keeping header and signature.
std::string with_payload(const std::string& token, const json& payload) {
  const auto p = jose::split_compact(token);
  return std::string(p->header_b64) + "." + jose::base64url_encode(payload.dump()) + "." +
         std::string(p->signature_b64);
}
json payload_of(const std::string& token) {
  return jose::parse_jwt(token)->payload;
}

class JwtPluginTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { issuer_ = std::make_unique<OidcIssuer>(); }
  static void TearDownTestSuite() { issuer_.reset(); }

  JwtPluginTest() : plugin_(plugin_path("jwt")) {}

  void TearDown() override {
    issuer_->set_keys_up(true);
    // Nothing a token carries may reach a log line or a reason: the whole
    // token, and its signature part on its own.
    const auto lines = plugin_.log().lines();
    for (const auto& t : tokens_) {
      const std::string sig(jose::split_compact(t) ? jose::split_compact(t)->signature_b64 : std::string_view(t));
      for (const auto& l : lines) {
        EXPECT_EQ(l.find(t), std::string::npos) << "token in log line: " << l;
        if (sig.size() > 16) {
          EXPECT_EQ(l.find(sig), std::string::npos) << "signature in log line: " << l;
        }
      }
      for (const auto& e : errors_) {
        EXPECT_EQ(e.find(t), std::string::npos) << "token in reason: " << e;
        if (sig.size() > 16) {
          EXPECT_EQ(e.find(sig), std::string::npos) << "signature in reason: " << e;
        }
      }
    }
  }

  json base_config() const { return {{"issuer", issuer_->url()}, {"audience", "nexus-api"}}; }

  std::unique_ptr<PluginInstance> make(const json& config) {
    auto c = plugin_.create(config.dump());
    if (c.status != NEXUS_OK) throw std::runtime_error("jwt create failed: " + c.error);
    return std::move(c.instance);
  }
  std::string create_error(const json& config) {
    auto c = plugin_.create(config.dump());
    EXPECT_EQ(c.status, NEXUS_INVALID_ARGUMENT) << config.dump();
    errors_.push_back(c.error);
    return c.error;
  }
  AuthOutcome auth_token(const PluginInstance& inst, const std::string& token) {
    tokens_.push_back(token);
    AuthOutcome o = AuthClient(inst).authenticate({{"authorization", "Bearer " + token}});
    errors_.push_back(o.error);
    return o;
  }
  // Authenticates and expects DENY with a reason containing `why`.
  void expect_deny(const PluginInstance& inst, const std::string& token, const std::string& why) {
    const auto o = auth_token(inst, token);
    EXPECT_EQ(o.status, NEXUS_OK) << o.error;
    EXPECT_EQ(o.decision, NEXUS_AUTH_DENY) << "wanted a DENY mentioning '" << why << "'; principal " << o.principal;
    EXPECT_NE(o.error.find(why), std::string::npos) << o.error;
    EXPECT_TRUE(o.principal.empty());
  }
  json expect_allow(const PluginInstance& inst, const std::string& token) {
    const auto o = auth_token(inst, token);
    EXPECT_EQ(o.status, NEXUS_OK) << o.error;
    EXPECT_EQ(o.decision, NEXUS_AUTH_ALLOW) << o.error;
    return o.principal.empty() ? json() : json::parse(o.principal);
  }

  static std::unique_ptr<OidcIssuer> issuer_;
  LoadedPlugin plugin_;
  std::vector<std::string> tokens_;
  std::vector<std::string> errors_;
};
std::unique_ptr<OidcIssuer> JwtPluginTest::issuer_;

TEST_F(JwtPluginTest, DescriptorDeclaresAStrictSchemaWithDescriptions) {
  const auto& d = plugin_.descriptor();
  EXPECT_STREQ(d.id, "jwt");
  EXPECT_STREQ(d.interfaces[0], NEXUS_AUTH_V1);
  EXPECT_EQ(d.interfaces[1], nullptr);
  EXPECT_EQ(d.concurrency, NEXUS_CONCURRENCY_PARALLEL);
  const auto schema = json::parse(d.config_schema);
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["required"], json::array({"issuer"}));
  for (const auto& [name, prop] : schema["properties"].items()) EXPECT_TRUE(prop.contains("description")) << name;
}

TEST_F(JwtPluginTest, ValidTokensOfEveryAlgorithmAreAllowedWithThePrincipal) {
  auto inst = make(base_config());
  for (const std::string kid : {"test-key-1", "test-key-ps", "test-key-es"}) {
    const std::string token = issuer_->token(kid, {{"sub", "user-" + kid},
                                                   {"aud", "nexus-api"},
                                                   {"scope", "storage:recordings:read tools:sql.query"},
                                                   {"email", "a@example.com"},
                                                   {"custom_secret_stuff", "x"}});
    const auto p = expect_allow(*inst, token);
    EXPECT_EQ(p["subject"], "user-" + kid);
    EXPECT_EQ(p["scopes"], json::array({"storage:recordings:read", "tools:sql.query"}));
    EXPECT_EQ(p["claims"]["sub"], "user-" + kid);
    EXPECT_EQ(p["claims"]["iss"], issuer_->url());
    EXPECT_EQ(p["claims"]["aud"], "nexus-api");
    EXPECT_EQ(p["claims"]["email"], "a@example.com");
    EXPECT_TRUE(p["claims"]["exp"].is_number());
    EXPECT_FALSE(p["claims"].contains("custom_secret_stuff")) << "only the listed claims are copied";
    EXPECT_EQ(json::parse(p.dump()).dump().find(jose::split_compact(token)->signature_b64), std::string::npos);
  }
  // typ "at+jwt" (RFC 9068 access tokens) is accepted too, case-insensitively.
  expect_allow(*inst, issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api"}}, {{"typ", "AT+JWT"}}));
}

TEST_F(JwtPluginTest, AudienceMayBeAnArrayOnEitherSide) {
  auto config = base_config();
  config["audience"] = {"other-api", "nexus-api"};
  auto inst = make(config);
  expect_allow(*inst, issuer_->token("test-key-1", {{"sub", "u"}, {"aud", {"x", "nexus-api"}}}));
  expect_deny(*inst, issuer_->token("test-key-1", {{"sub", "u"}, {"aud", {"x", "y"}}}), "audience");
  expect_deny(*inst, issuer_->token("test-key-1", {{"sub", "u"}}), "audience");
  expect_deny(*inst, issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api-evil"}}), "audience");
}

TEST_F(JwtPluginTest, CognitoGroupsBecomeScopesThroughTheMap) {
  auto config = base_config();
  config["scope_map"] = {{"admins", {"*"}}, {"agents", {"tools:*", "mcp:*"}}};
  auto inst = make(config);
  auto p = expect_allow(*inst, issuer_->token("test-key-1", {{"sub", "alice"},
                                                             {"aud", "nexus-api"},
                                                             {"scope", "openid agents"},
                                                             {"cognito:groups", {"agents", "viewers"}}}));
  // Order: scope claim first (agents mapped), then cognito:groups (agents again: deduplicated; viewers passes through).
  EXPECT_EQ(p["scopes"], json::array({"openid", "tools:*", "mcp:*", "viewers"}));
  EXPECT_EQ(p["claims"]["cognito:groups"], json::array({"agents", "viewers"}));

  config["map_only"] = true;
  config["scope_claims"] = {"cognito:groups"};
  auto strict = make(config);
  p = expect_allow(*strict, issuer_->token("test-key-1", {{"sub", "bob"},
                                                          {"aud", "nexus-api"},
                                                          {"scope", "openid"},
                                                          {"cognito:groups", {"admins", "viewers"}}}));
  EXPECT_EQ(p["scopes"], json::array({"*"}));
}

// Issuers other than Cognito carry roles in claims of their own (Keycloak
// "roles", Auth0 namespaced claims, Entra ID "roles"): any claim named in
// scope_claims counts, as an array or a space-separated string.
TEST_F(JwtPluginTest, CustomClaimsBecomeScopes) {
  auto config = base_config();
  config["scope_claims"] = {"https://nexus.example/roles", "permissions"};
  config["scope_map"] = {{"call-reviewer", {"storage:recordings:read", "tools:transcribe_recording"}}};
  auto inst = make(config);
  auto p = expect_allow(*inst, issuer_->token("test-key-1", {{"sub", "u"},
                                                             {"aud", "nexus-api"},
                                                             {"scope", "openid"},
                                                             {"cognito:groups", {"admins"}},
                                                             {"https://nexus.example/roles", {"call-reviewer"}},
                                                             {"permissions", "metrics:read admin:read"}}));
  // Only the configured claims, in their order; "scope" and cognito:groups are not listed, so ignored.
  EXPECT_EQ(p["scopes"],
            json::array({"storage:recordings:read", "tools:transcribe_recording", "metrics:read", "admin:read"}));
  // A claim of another type grants nothing.
  p = expect_allow(*inst, issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api"}, {"permissions", 42}}));
  EXPECT_EQ(p["scopes"], json::array());
}

TEST_F(JwtPluginTest, CognitoAccessTokenWithClientIdAndTokenUse) {
  const json config = {{"issuer", issuer_->url()},
                       {"client_id", "app-client-1"},
                       {"token_use", "access"},
                       {"subject_claim", "username"}};
  auto inst = make(config);
  const json access = {{"sub", "uuid-1"},
                       {"username", "carol"},
                       {"client_id", "app-client-1"},
                       {"token_use", "access"},
                       {"scope", "aws.cognito.signin.user.admin"},
                       {"cognito:groups", {"agents"}}};
  auto p = expect_allow(*inst, issuer_->token("test-key-1", access));
  EXPECT_EQ(p["subject"], "carol");
  EXPECT_EQ(p["claims"]["client_id"], "app-client-1");
  EXPECT_EQ(p["claims"]["token_use"], "access");
  EXPECT_EQ(p["scopes"], json::array({"aws.cognito.signin.user.admin", "agents"}));

  auto id_token = access;
  id_token["token_use"] = "id";
  expect_deny(*inst, issuer_->token("test-key-1", id_token), "token_use");
  auto other_client = access;
  other_client["client_id"] = "app-client-2";
  expect_deny(*inst, issuer_->token("test-key-1", other_client), "audience");
  auto no_use = access;
  no_use.erase("token_use");
  expect_deny(*inst, issuer_->token("test-key-1", no_use), "token_use");

  // A Cognito id token names the app client in "aud".
  auto id_inst = make({{"issuer", issuer_->url()}, {"client_id", "app-client-1"}, {"token_use", "id"}});
  expect_allow(*id_inst, issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "app-client-1"}, {"token_use", "id"}}));
}

TEST_F(JwtPluginTest, TimeClaimsWithLeeway) {
  auto inst = make(base_config());  // leeway 60 s
  const json ok = {{"sub", "u"}, {"aud", "nexus-api"}};
  expect_deny(*inst, issuer_->token("test-key-1", ok, {}, {}, -600), "expired");
  expect_allow(*inst, issuer_->token("test-key-1", ok, {}, {}, -20));  // inside the leeway
  auto nbf = ok;
  nbf["nbf"] = unix_now() + 600;
  expect_deny(*inst, issuer_->token("test-key-1", nbf), "not valid yet");
  auto iat = ok;
  iat["iat"] = unix_now() + 600;
  expect_deny(*inst, issuer_->token("test-key-1", iat), "future");
  expect_deny(*inst, issuer_->token("test-key-1", ok, {}, {"exp"}), "exp");
  auto bad_exp = ok;
  bad_exp["exp"] = "tomorrow";
  expect_deny(*inst, issuer_->token("test-key-1", bad_exp), "exp");

  auto tight = base_config();
  tight["leeway_seconds"] = 0;
  auto strict = make(tight);
  expect_deny(*strict, issuer_->token("test-key-1", ok, {}, {}, -20), "expired");
}

TEST_F(JwtPluginTest, OtherIssuersAndOtherCredentialsAreLeftToTheNextProvider) {
  auto inst = make(base_config());
  const auto abstains = [&](const std::vector<std::pair<std::string, std::string>>& headers) {
    const auto o = AuthClient(*inst).authenticate(headers);
    EXPECT_EQ(o.status, NEXUS_OK) << o.error;
    EXPECT_EQ(o.decision, NEXUS_AUTH_ABSTAIN) << o.error;
    EXPECT_TRUE(o.error.empty()) << o.error;
  };
  const std::string foreign =
      issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api"}, {"iss", "https://elsewhere.example"}});
  tokens_.push_back(foreign);
  abstains({{"authorization", "Bearer " + foreign}});
  // Same host, different issuer string (trailing slash): exact match only.
  const std::string slash =
      issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api"}, {"iss", issuer_->url() + "/"}});
  tokens_.push_back(slash);
  abstains({{"authorization", "Bearer " + slash}});
  abstains({});
  abstains({{"authorization", "Bearer some-api-key-0123456789"}});
  abstains({{"authorization", "Basic dXNlcjpwYXNz"}});
  abstains({{"authorization", "Bearer a.b.c"}});  // JWT-shaped but not JSON inside
  // Larger than 16 KiB: not looked at.
  const std::string huge =
      issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api"}, {"pad", std::string(17000, 'x')}});
  tokens_.push_back(huge);
  abstains({{"authorization", "Bearer " + huge}});
  // The token only counts from the Authorization header.
  const std::string good = issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api"}});
  tokens_.push_back(good);
  abstains({{"x-api-key", good}, {"cookie", "token=" + good}});
}

TEST_F(JwtPluginTest, AlgNoneIsRefused) {
  auto inst = make(base_config());
  const std::string good = issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api"}});
  const auto p = jose::split_compact(good);
  for (const std::string alg : {"none", "None", "NONE"}) {
    const std::string unsigned_token =
        jose::base64url_encode(json({{"alg", alg}, {"typ", "JWT"}}).dump()) + "." + std::string(p->payload_b64) + ".";
    expect_deny(*inst, unsigned_token, "none");
  }
  // Even with a kid and a (meaningless) signature left on.
  expect_deny(*inst, with_header(good, {{"alg", "none"}, {"kid", "test-key-1"}}), "none");
}

TEST_F(JwtPluginTest, HmacSignedWithThePublicKeyIsRefused) {
  auto inst = make(base_config());
  expect_deny(*inst, issuer_->hs256_confusion("test-key-1", {{"sub", "mallory"}, {"aud", "nexus-api"}}), "HMAC");
  // A configured algorithm list cannot let HMAC in either.
  auto cfg = base_config();
  cfg["algorithms"] = {"HS256"};
  EXPECT_NE(create_error(cfg).find("algorithms"), std::string::npos);
}

TEST_F(JwtPluginTest, TheKeyPinsTheAlgorithm) {
  auto inst = make(base_config());
  // An RS256 key's signature presented as PS256, and an EC key asked to verify RS256.
  const std::string rs = issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api"}});
  expect_deny(*inst, with_header(rs, {{"alg", "PS256"}, {"typ", "JWT"}, {"kid", "test-key-1"}}), "pinned to RS256");
  const std::string es = issuer_->token("test-key-es", {{"sub", "u"}, {"aud", "nexus-api"}});
  expect_deny(*inst, with_header(es, {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "test-key-es"}}), "pinned to ES256");
  // An algorithm the config does not allow.
  auto cfg = base_config();
  cfg["algorithms"] = {"ES256"};
  auto only_es = make(cfg);
  expect_deny(*only_es, rs, "not allowed");
  expect_allow(*only_es, es);
  // Unknown typ and crit headers.
  expect_deny(*inst, issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api"}}, {{"typ", "JOSE+JSON"}}), "typ");
  expect_deny(*inst, with_header(rs, {{"alg", "RS256"}, {"kid", "test-key-1"}, {"crit", {"b64"}}, {"b64", false}}),
              "crit");
}

TEST_F(JwtPluginTest, TamperedTokensAreDenied) {
  auto inst = make(base_config());
  for (const std::string kid : {"test-key-1", "test-key-ps", "test-key-es"}) {
    const std::string good =
        issuer_->token(kid, {{"sub", "u"}, {"aud", "nexus-api"}, {"scope", "storage:recordings:read"}});
    auto payload = payload_of(good);
    payload["scope"] = "*";
    expect_deny(*inst, with_payload(good, payload), "signature");
    // Flip one signature byte (a whole base64url character in the middle).
    std::string bad_sig = good;
    const std::size_t at = bad_sig.size() - 10;
    bad_sig[at] = bad_sig[at] == 'A' ? 'B' : 'A';
    expect_deny(*inst, bad_sig, "signature");
    // Truncated signature.
    expect_deny(*inst, good.substr(0, good.size() - 4), "signature");
  }
  // No subject.
  expect_deny(*inst, issuer_->token("test-key-1", {{"aud", "nexus-api"}}), "sub");
}

TEST_F(JwtPluginTest, UnknownKidRefreshesOnceAndBadTokensCauseNoFetchStorm) {
  auto cfg = base_config();
  cfg["jwks_refresh_min_interval_seconds"] = 2;  // wide enough that a loaded CI machine stays inside it
  const int before_create = issuer_->jwks_fetches();
  auto inst = make(cfg);
  EXPECT_EQ(issuer_->jwks_fetches(), before_create + 1) << "keys are fetched once at create";
  expect_allow(*inst, issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api"}}));
  EXPECT_EQ(issuer_->jwks_fetches(), before_create + 1) << "a known kid is served from the cache";

  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // past the quiet period
  const int before = issuer_->jwks_fetches();
  // Signed by a real key but naming a kid the issuer does not publish.
  const std::string ghost = issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api"}}, {{"kid", "ghost-key"}});
  expect_deny(*inst, ghost, "unknown key");
  EXPECT_EQ(issuer_->jwks_fetches(), before + 1) << "an unknown kid triggers one refresh";
  for (int i = 0; i < 50; ++i) {
    const auto o = auth_token(*inst, with_header(ghost, {{"alg", "RS256"}, {"kid", "ghost-" + std::to_string(i)}}));
    EXPECT_EQ(o.decision, NEXUS_AUTH_DENY);
  }
  EXPECT_EQ(issuer_->jwks_fetches(), before + 1) << "50 bad tokens inside the interval cause no further fetch";
  // Known keys keep working meanwhile.
  expect_allow(*inst, issuer_->token("test-key-es", {{"sub", "u"}, {"aud", "nexus-api"}}));
}

TEST_F(JwtPluginTest, KeyRotationAtTheIssuerIsPickedUpAfterTheInterval) {
  auto cfg = base_config();
  cfg["jwks_refresh_min_interval_seconds"] = 2;  // wide enough that a loaded CI machine stays inside it
  auto inst = make(cfg);
  const std::string kid =
      "rotated-" + std::to_string(unix_now()) + "-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed());
  issuer_->add_key("RS256", kid);
  const std::string token = issuer_->token(kid, {{"sub", "u"}, {"aud", "nexus-api"}});
  // Right after create the quiet period holds: the new kid is not known yet.
  expect_deny(*inst, token, "unknown key");
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  const int before = issuer_->jwks_fetches();
  expect_allow(*inst, token);
  EXPECT_EQ(issuer_->jwks_fetches(), before + 1);
  expect_allow(*inst, token);
  EXPECT_EQ(issuer_->jwks_fetches(), before + 1);
  // ES256 rotation too.
  const std::string ec_kid = kid + "-ec";
  issuer_->add_key("ES256", ec_kid);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  expect_allow(*inst, issuer_->token(ec_kid, {{"sub", "u"}, {"aud", "nexus-api"}}));
}

TEST_F(JwtPluginTest, JwksDownKeepsVerifyingWithCachedKeys) {
  auto cfg = base_config();
  cfg["jwks_refresh_min_interval_seconds"] = 1;
  cfg["jwks_cache_seconds"] = 1;  // the cache goes stale during the test: a refresh is attempted and fails
  auto inst = make(cfg);
  issuer_->set_keys_up(false);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const int before = issuer_->jwks_fetches();
  expect_allow(*inst, issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api"}}));
  EXPECT_EQ(issuer_->jwks_fetches(), before + 1) << "the stale cache tried a refresh";
  expect_allow(*inst, issuer_->token("test-key-es", {{"sub", "u"}, {"aud", "nexus-api"}}));
  // A key never seen is a DENY (not a 503): something is cached.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const auto o =
      auth_token(*inst, issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api"}}, {{"kid", "never-seen"}}));
  EXPECT_EQ(o.status, NEXUS_OK);
  EXPECT_EQ(o.decision, NEXUS_AUTH_DENY);
  EXPECT_NE(o.error.find("unknown key"), std::string::npos) << o.error;
  EXPECT_TRUE(plugin_.log().contains("unavailable")) << "the failed refresh is logged";
}

// Decision: an issuer that cannot be reached at create does not fail
// create (the host must start and serve other routes); until keys arrive,
// authentications with our issuer answer NEXUS_UNAVAILABLE (503, retry).
TEST_F(JwtPluginTest, IssuerUnreachableAtCreateGivesUnavailableThenRecovers) {
  auto cfg = base_config();
  cfg["jwks_refresh_min_interval_seconds"] = 1;
  issuer_->set_keys_up(false);
  auto inst = make(cfg);
  EXPECT_TRUE(plugin_.log().contains("NOT loaded"));
  const std::string token = issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api"}});
  auto o = auth_token(*inst, token);
  EXPECT_EQ(o.status, NEXUS_UNAVAILABLE) << o.error;
  EXPECT_NE(o.error.find("no signing keys"), std::string::npos) << o.error;
  issuer_->set_keys_up(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  expect_allow(*inst, token);

  // Nothing listening at all (a free port): create still succeeds.
  const int dead_port = free_tcp_port();
  const json dead = {
      {"issuer", "http://127.0.0.1:" + std::to_string(dead_port)}, {"audience", "nexus-api"}, {"timeout_ms", 500}};
  auto unreachable = make(dead);
  o = auth_token(*unreachable,
                 issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api"}, {"iss", dead["issuer"]}}));
  EXPECT_EQ(o.status, NEXUS_UNAVAILABLE) << o.error;
}

TEST_F(JwtPluginTest, ExplicitJwksUriSkipsDiscovery) {
  auto cfg = base_config();
  cfg["jwks_uri"] = issuer_->url() + "/jwks";
  cfg["issuer"] = "https://issuer.example/not-reachable";  // discovery would fail; jwks_uri is used instead
  auto inst = make(cfg);
  expect_allow(*inst,
               issuer_->token("test-key-1",
                              {{"sub", "u"}, {"aud", "nexus-api"}, {"iss", "https://issuer.example/not-reachable"}}));
}

TEST_F(JwtPluginTest, ConcurrentVerifications) {
  auto inst = make(base_config());
  std::vector<std::string> good;
  for (const std::string kid : {"test-key-1", "test-key-ps", "test-key-es"})
    good.push_back(issuer_->token(kid, {{"sub", "u-" + kid}, {"aud", "nexus-api"}}));
  const std::string ghost = issuer_->token("test-key-1", {{"sub", "u"}, {"aud", "nexus-api"}}, {{"kid", "ghost"}});
  for (const auto& t : good) tokens_.push_back(t);
  tokens_.push_back(ghost);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&, t] {
      const AuthClient a(*inst);
      for (int i = 0; i < 60; ++i) {
        const std::string& tok = good[static_cast<std::size_t>(i + t) % good.size()];
        if (a.authenticate({{"authorization", "Bearer " + tok}}).decision != NEXUS_AUTH_ALLOW) ++failures;
        if (a.authenticate({{"authorization", "Bearer " + ghost}}).decision != NEXUS_AUTH_DENY) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(JwtPluginTest, BadConfigIsInvalidArgumentNamingThePath) {
  EXPECT_NE(create_error({{"audience", "x"}}).find("issuer"), std::string::npos);
  EXPECT_NE(create_error({{"issuer", "ftp://x"}, {"audience", "x"}}).find("config.issuer"), std::string::npos);
  EXPECT_NE(create_error({{"issuer", issuer_->url()}}).find("audience"), std::string::npos);
  EXPECT_NE(create_error({{"issuer", issuer_->url()}, {"audience", "x"}, {"algorithms", {"none"}}}).find("algorithms"),
            std::string::npos);
  EXPECT_NE(create_error({{"issuer", issuer_->url()}, {"client_id", "c"}, {"token_use", "refresh"}}).find("token_use"),
            std::string::npos);
  EXPECT_NE(create_error({{"issuer", issuer_->url()}, {"audience", "x"}, {"surprise", 1}}).find("config.surprise"),
            std::string::npos);
  EXPECT_NE(create_error({{"issuer", issuer_->url()}, {"audience", "x"}, {"jwks_refresh_min_interval_seconds", 0}})
                .find("jwks_refresh_min_interval_seconds"),
            std::string::npos);
  EXPECT_NE(
      create_error({{"issuer", issuer_->url()}, {"audience", "x"}, {"scope_map", {{"a", "b"}}}}).find("scope_map.a"),
      std::string::npos);
}

// The SDK helper both token plugins share.
TEST(JoseHelpers, Base64UrlIsStrictAndRoundTrips) {
  for (const std::string& s :
       std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\xfe", 3)}) {
    const auto enc = jose::base64url_encode(s);
    EXPECT_EQ(enc.find('='), std::string::npos);
    EXPECT_EQ(jose::base64url_decode(enc), s);
  }
  EXPECT_EQ(jose::base64url_encode("\xfb\xff"), "-_8");
  EXPECT_FALSE(jose::base64url_decode("Zg=="));  // padding
  EXPECT_FALSE(jose::base64url_decode("Z+8"));   // standard alphabet
  EXPECT_FALSE(jose::base64url_decode("Zh"));    // non-canonical: unused bits set ("Zg" is canonical)
  EXPECT_TRUE(jose::base64url_decode("Zg"));
  EXPECT_FALSE(jose::base64url_decode("Zm9vY"));  // impossible length
  EXPECT_FALSE(jose::split_compact("a.b"));
  EXPECT_FALSE(jose::split_compact("a.b.c.d"));
  EXPECT_FALSE(jose::split_compact(".b.c"));
  EXPECT_FALSE(jose::split_compact("a b.c.d"));
  EXPECT_TRUE(jose::split_compact("a.b."));
}

TEST(JoseHelpers, ScopeCoversFollowsTheHostGrammar) {
  EXPECT_TRUE(jose::scope_covers("storage:*", "storage:recordings:read"));
  EXPECT_TRUE(jose::scope_covers("storage:*", "storage:recordings:*"));
  EXPECT_TRUE(jose::scope_covers("storage:*", "storage:*"));
  EXPECT_TRUE(jose::scope_covers("*", "storage:*"));
  EXPECT_TRUE(jose::scope_covers("*", "*"));
  EXPECT_TRUE(jose::scope_covers("storage:*:read", "storage:recordings:read"));
  EXPECT_TRUE(jose::scope_covers("storage:*:read", "storage:*:read"));
  EXPECT_TRUE(jose::scope_covers("storage:recordings:read", "storage:recordings:read"));
  EXPECT_FALSE(jose::scope_covers("storage:recordings:read", "storage:*"));
  EXPECT_FALSE(jose::scope_covers("storage:recordings:read", "storage:recordings:*"));
  EXPECT_FALSE(jose::scope_covers("storage:recordings:read", "storage:*:read"));
  EXPECT_FALSE(jose::scope_covers("storage:*:read", "storage:*"));
  EXPECT_FALSE(jose::scope_covers("storage:*", "storage"));
  EXPECT_FALSE(jose::scope_covers("storage:*", "*"));
  EXPECT_FALSE(jose::scope_covers("storage:*", "admin:read"));
  EXPECT_FALSE(jose::scope_covers("storage:recordings", "storage:recordings:read"));
  EXPECT_FALSE(jose::scope_covers("storage:rec*:read", "storage:recordings:read"));
  EXPECT_FALSE(jose::scope_covers("", "x"));
  EXPECT_FALSE(jose::scope_covers("*", ""));
  EXPECT_FALSE(jose::scope_covers("storage::read", "storage::read"));
}

}  // namespace
}  // namespace nexus::test
