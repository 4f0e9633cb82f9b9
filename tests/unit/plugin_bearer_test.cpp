// The "bearer" plugin through its C ABI: minting ("nexus.tokens/1") with
// the scope grammar and TTL caps, verifying ("nexus.auth/1") with rotation,
// revocation (list and file), audiences and tampering, and that no secret
// or token ever reaches a log line or an error.
#include <gtest/gtest.h>

#include <nexus/sdk/jose.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "support/hs256_token.hpp"
#include "support/plugin_harness.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

namespace jose = nexus::sdk::jose;
using nlohmann::json;

constexpr const char* kSecret1 = "first-secret-0123456789abcdef-0123456789";
constexpr const char* kSecret2 = "second-secret-fedcba9876543210-fedcba98";
constexpr const char* kEnvSecret = "env-secret-from-the-environment-000000001";

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string sv(nexus_str s) {
  return s.size ? std::string(s.data, s.size) : std::string();
}

// A call context the way the host builds one: a principal, a log sink and
// the error message slot.
class TestContext {
 public:
  TestContext(LogRecorder& log, std::string principal) : log_(log), principal_(std::move(principal)) {
    ctx_.struct_size = sizeof(nexus_call_context);
    ctx_.host_data = this;
    ctx_.request_id = {request_id_.data(), request_id_.size()};
    ctx_.principal_json = {principal_.data(), principal_.size()};
    ctx_.callback_is_cancelled = [](void*) { return 0; };
    ctx_.callback_progress = [](void*, double, double, nexus_str) {};
    ctx_.callback_log = [](void* self, nexus_log_level l, nexus_str m) {
      static_cast<TestContext*>(self)->log_.add(l, sv(m));
    };
    ctx_.callback_set_error = [](void* self, nexus_str m) { static_cast<TestContext*>(self)->error_ = sv(m); };
    ctx_.callback_client_request = nullptr;
  }
  const nexus_call_context* get() const { return &ctx_; }
  std::string error() const { return error_; }

 private:
  LogRecorder& log_;
  std::string principal_;
  std::string request_id_ = "req-bearer-test";
  std::string error_;
  nexus_call_context ctx_{};
};

struct Sink {
  std::string data;
  nexus_writer writer{sizeof(nexus_writer), this, [](void* self, const void* d, size_t n) {
                        static_cast<Sink*>(self)->data.append(static_cast<const char*>(d), n);
                        return NEXUS_OK;
                      }};
};

struct MintResult {
  nexus_status status = NEXUS_INTERNAL;
  json body;
  std::string error;
  std::string token() const { return body.at("token").get<std::string>(); }
};

json principal(const std::string& subject, const std::vector<std::string>& scopes, json claims = json::object()) {
  return {{"subject", subject}, {"scopes", scopes}, {"claims", claims}, {"auth", "keys"}};
}

// HS256-signs `claims` the way the plugin does, for hand-made tokens.
std::string sign(const std::string& secret, const json& header, const json& claims) {
  return hs256_token(secret, header, claims);
}

json keys_config(std::vector<std::pair<std::string, std::string>> keys) {
  json arr = json::array();
  for (const auto& [kid, secret] : keys) arr.push_back({{"kid", kid}, {"secret", secret}});
  return {{"keys", arr}};
}

class BearerPluginTest : public ::testing::Test {
 protected:
  BearerPluginTest() : plugin_(plugin_path("bearer")) {}

  void TearDown() override {
    std::vector<std::string> secrets = {kSecret1, kSecret2, kEnvSecret, "short-secret-17b"};
    for (const auto& s : secrets) {
      EXPECT_FALSE(plugin_.log().contains(s)) << "secret in a log line";
      for (const auto& e : errors_) EXPECT_EQ(e.find(s), std::string::npos) << e;
    }
    for (const auto& t : tokens_) {
      const std::string sig(jose::split_compact(t)->signature_b64);
      EXPECT_FALSE(plugin_.log().contains(t)) << "token in a log line";
      if (sig.size() > 16) {
        EXPECT_FALSE(plugin_.log().contains(sig)) << "token signature in a log line";
      }
      for (const auto& e : errors_) EXPECT_EQ(e.find(t), std::string::npos) << e;
    }
  }

  std::unique_ptr<PluginInstance> make(const json& config) {
    auto c = plugin_.create(config.dump());
    if (c.status != NEXUS_OK) throw std::runtime_error("bearer create failed: " + c.error);
    return std::move(c.instance);
  }
  std::string create_error(const json& config) {
    auto c = plugin_.create(config.dump());
    EXPECT_EQ(c.status, NEXUS_INVALID_ARGUMENT) << config.dump();
    EXPECT_FALSE(c.error.empty());
    errors_.push_back(c.error);
    return c.error;
  }

  MintResult mint(const PluginInstance& inst, const json& who, const json& request) {
    const auto* vt = static_cast<const nexus_tokens_v1*>(plugin_.descriptor().on_get_interface(NEXUS_TOKENS_V1));
    if (!vt) throw std::runtime_error("bearer does not provide " NEXUS_TOKENS_V1);
    TestContext ctx(plugin_.log(), who.is_null() ? std::string() : who.dump());
    Sink out;
    const std::string req = request.dump();
    MintResult r;
    r.status = vt->on_mint(inst.handle(), ctx.get(), {req.data(), req.size()}, &out.writer);
    r.error = ctx.error();
    errors_.push_back(r.error);
    if (r.status == NEXUS_OK) {
      r.body = json::parse(out.data);
      tokens_.push_back(r.token());
    }
    return r;
  }
  std::string mint_ok(const PluginInstance& inst, const json& who, const json& request) {
    const auto r = mint(inst, who, request);
    EXPECT_EQ(r.status, NEXUS_OK) << r.error;
    return r.status == NEXUS_OK ? r.token() : std::string();
  }

  AuthOutcome verify(const PluginInstance& inst, const std::string& token, const std::string& route_group = "storage") {
    const auto* vt = inst.auth();
    TestContext ctx(plugin_.log(), "");
    const std::string auth = "Bearer " + token;
    const std::string name = "authorization";
    nexus_http_header h{{name.data(), name.size()}, {auth.data(), auth.size()}};
    nexus_request_view req{};
    req.struct_size = sizeof req;
    req.method = {"GET", 3};
    req.path = {"/v1/x", 5};
    req.headers = &h;
    req.header_count = 1;
    req.remote_address = {"127.0.0.1", 9};
    req.route_group = {route_group.data(), route_group.size()};
    Sink p;
    AuthOutcome o;
    o.decision = static_cast<nexus_auth_decision>(-1);
    o.status = vt->on_authenticate(inst.handle(), ctx.get(), &req, &o.decision, &p.writer);
    o.principal = p.data;
    o.error = ctx.error();
    errors_.push_back(o.error);
    return o;
  }
  void expect_deny(const PluginInstance& inst, const std::string& token, const std::string& why,
                   const std::string& route = "storage") {
    tokens_.push_back(token);
    const auto o = verify(inst, token, route);
    EXPECT_EQ(o.status, NEXUS_OK) << o.error;
    EXPECT_EQ(o.decision, NEXUS_AUTH_DENY) << "wanted DENY mentioning '" << why << "'";
    EXPECT_NE(o.error.find(why), std::string::npos) << o.error;
  }
  json expect_allow(const PluginInstance& inst, const std::string& token, const std::string& route = "storage") {
    const auto o = verify(inst, token, route);
    EXPECT_EQ(o.status, NEXUS_OK) << o.error;
    EXPECT_EQ(o.decision, NEXUS_AUTH_ALLOW) << o.error;
    return o.principal.empty() ? json() : json::parse(o.principal);
  }

  LoadedPlugin plugin_;
  std::vector<std::string> errors_;
  std::vector<std::string> tokens_;
};

TEST_F(BearerPluginTest, DescriptorProvidesAuthAndTokensWithAMarkedSecret) {
  const auto& d = plugin_.descriptor();
  EXPECT_STREQ(d.id, "bearer");
  EXPECT_STREQ(d.interfaces[0], NEXUS_AUTH_V1);
  EXPECT_STREQ(d.interfaces[1], NEXUS_TOKENS_V1);
  EXPECT_EQ(d.interfaces[2], nullptr);
  EXPECT_EQ(d.concurrency, NEXUS_CONCURRENCY_PARALLEL);
  const auto schema = json::parse(d.config_schema);
  EXPECT_EQ(schema["additionalProperties"], false);
  for (const auto& [name, prop] : schema["properties"].items()) EXPECT_TRUE(prop.contains("description")) << name;
  const auto& key = schema["properties"]["keys"]["items"];
  EXPECT_EQ(key["additionalProperties"], false);
  EXPECT_EQ(key["properties"]["secret"]["x-nexus-secret"], true);
  for (const auto& [name, prop] : key["properties"].items()) EXPECT_TRUE(prop.contains("description")) << name;
}

TEST_F(BearerPluginTest, MintsASubsetAndTheTokenVerifiesWithTheSameScopes) {
  auto inst = make(keys_config({{"k1", kSecret1}}));
  const auto who = principal("apikey:ops", {"storage:*", "tools:sql.query"});
  const auto r = mint(*inst, who, {{"scopes", {"storage:recordings:read", "tools:sql.query"}}});
  ASSERT_EQ(r.status, NEXUS_OK) << r.error;
  EXPECT_EQ(r.body["token_type"], "Bearer");
  EXPECT_EQ(r.body["expires_in"], 300);
  EXPECT_EQ(r.body["scopes"], json::array({"storage:recordings:read", "tools:sql.query"}));
  EXPECT_TRUE(r.body["expires_at"].get<std::string>().ends_with("Z"));
  const std::string jti = r.body["token_id"];
  EXPECT_EQ(jose::base64url_decode(jti)->size(), 16u) << "128-bit token ids";

  const auto jws = jose::parse_jwt(r.token());
  ASSERT_TRUE(jws);
  EXPECT_EQ(jws->header, json({{"alg", "HS256"}, {"typ", "JWT"}, {"kid", "k1"}}));
  EXPECT_EQ(jws->payload["iss"], "nexus");
  EXPECT_EQ(jws->payload["sub"], "apikey:ops");
  EXPECT_EQ(jws->payload["scope"], "storage:recordings:read tools:sql.query");
  EXPECT_EQ(jws->payload["jti"], jti);
  EXPECT_EQ(jws->payload["nexus_parent"], json({{"sub", "apikey:ops"}, {"auth", "keys"}}));
  EXPECT_FALSE(jws->payload.contains("aud"));

  const auto p = expect_allow(*inst, r.token());
  EXPECT_EQ(p["subject"], "apikey:ops");
  EXPECT_EQ(p["scopes"], json::array({"storage:recordings:read", "tools:sql.query"}));
  EXPECT_EQ(p["claims"]["jti"], jti);
  EXPECT_EQ(p["claims"]["exp"], jws->payload["exp"]);
  EXPECT_EQ(p["claims"]["minted_by"], json({{"sub", "apikey:ops"}, {"auth", "keys"}}));
  EXPECT_TRUE(plugin_.log().contains(jti)) << "the mint is logged by token id";

  // Two mints never share an id.
  EXPECT_NE(mint(*inst, who, {{"scopes", {"storage:*"}}}).body["token_id"], jti);
}

TEST_F(BearerPluginTest, NeverMoreThanTheMinterHas) {
  auto inst = make(keys_config({{"k1", kSecret1}}));
  const auto narrow = principal("apikey:ci", {"storage:recordings:read"});
  for (const std::string broader :
       {"storage:*", "storage:recordings:*", "storage:*:read", "*", "storage:recordings:write", "admin:read"}) {
    const auto r = mint(*inst, narrow, {{"scopes", {"storage:recordings:read", broader}}});
    EXPECT_EQ(r.status, NEXUS_PERMISSION_DENIED) << broader;
    EXPECT_NE(r.error.find("'" + broader + "'"), std::string::npos) << r.error;
  }
  const auto wide = principal("apikey:ops", {"storage:*", "tools:*:read"});
  for (const std::string ok :
       {"storage:recordings:read", "storage:recordings:*", "storage:*", "storage:*:read", "tools:kv:read"})
    EXPECT_EQ(mint(*inst, wide, {{"scopes", {ok}}}).status, NEXUS_OK) << ok;
  for (const std::string no : {"storage", "tools:*", "tools:kv:write", "*"})
    EXPECT_EQ(mint(*inst, wide, {{"scopes", {no}}}).status, NEXUS_PERMISSION_DENIED) << no;
  EXPECT_EQ(mint(*inst, principal("nobody", {}), {{"scopes", {"storage:x:read"}}}).status, NEXUS_PERMISSION_DENIED);
}

TEST_F(BearerPluginTest, MintNeedsACallerAndAWellFormedRequest) {
  auto inst = make(keys_config({{"k1", kSecret1}}));
  EXPECT_EQ(mint(*inst, nullptr, {{"scopes", {"a"}}}).status, NEXUS_UNAUTHENTICATED);
  const auto who = principal("u", {"*"});
  for (const json& bad :
       {json::object(), json({{"scopes", json::array()}}), json({{"scopes", "storage:*"}}), json({{"scopes", {""}}}),
        json({{"scopes", {"a b"}}}), json({{"scopes", {"a"}}, {"ttl_seconds", 0}}),
        json({{"scopes", {"a"}}, {"ttl_seconds", "60"}}), json({{"scopes", {"a"}}, {"audience", "Not A Group"}}),
        json({{"scopes", {"a"}}, {"extra", 1}})}) {
    const auto r = mint(*inst, who, bad);
    EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << bad.dump();
    EXPECT_FALSE(r.error.empty());
  }
}

TEST_F(BearerPluginTest, TtlIsCappedByConfigAndByTheMintersOwnToken) {
  auto cfg = keys_config({{"k1", kSecret1}});
  cfg["max_ttl_seconds"] = 600;
  cfg["default_ttl_seconds"] = 120;
  auto inst = make(cfg);
  const auto who = principal("u", {"*"});
  auto r = mint(*inst, who, {{"scopes", {"a:b"}}, {"ttl_seconds", 100000}});
  EXPECT_EQ(r.body["expires_in"], 600);
  const auto exp = jose::parse_jwt(r.token())->payload["exp"].get<std::int64_t>();
  EXPECT_NEAR(static_cast<double>(exp - unix_now()), 600.0, 2.0);
  EXPECT_EQ(mint(*inst, who, {{"scopes", {"a:b"}}}).body["expires_in"], 120);
  EXPECT_EQ(mint(*inst, who, {{"scopes", {"a:b"}}, {"ttl_seconds", 30}}).body["expires_in"], 30);
  // A principal that itself came from a token expiring in 45 s cannot mint one living longer.
  const auto from_token = principal("u", {"*"}, {{"exp", unix_now() + 45}, {"jti", "parent-jti"}});
  r = mint(*inst, from_token, {{"scopes", {"a:b"}}, {"ttl_seconds", 500}});
  EXPECT_LE(r.body["expires_in"].get<std::int64_t>(), 45);
  EXPECT_EQ(jose::parse_jwt(r.token())->payload["nexus_parent"]["jti"], "parent-jti");
  EXPECT_NE(create_error({{"keys", {{{"kid", "k"}, {"secret", kSecret1}}}}, {"default_ttl_seconds", 1000}})
                .find("default_ttl_seconds"),
            std::string::npos);
}

TEST_F(BearerPluginTest, TamperedTokensAreDenied) {
  auto inst = make(keys_config({{"k1", kSecret1}}));
  const std::string token =
      mint_ok(*inst, principal("u", {"storage:recordings:read"}), {{"scopes", {"storage:recordings:read"}}});
  const auto parts = *jose::split_compact(token);
  auto payload = jose::parse_jwt(token)->payload;
  payload["scope"] = "*";
  expect_deny(*inst,
              std::string(parts.header_b64) + "." + jose::base64url_encode(payload.dump()) + "." +
                  std::string(parts.signature_b64),
              "signature");
  payload = jose::parse_jwt(token)->payload;
  payload["sub"] = "admin";
  expect_deny(*inst,
              std::string(parts.header_b64) + "." + jose::base64url_encode(payload.dump()) + "." +
                  std::string(parts.signature_b64),
              "signature");
  std::string flipped = token;
  flipped[flipped.size() - 5] = flipped[flipped.size() - 5] == 'A' ? 'B' : 'A';
  expect_deny(*inst, flipped, "signature");
  expect_deny(*inst, token.substr(0, token.size() - 1),
              "signature");  // the last character carries only 4 bits: not canonical
  expect_deny(*inst, std::string(parts.signing_input) + ".", "signature");
  // Same claims, other algorithms.
  const auto claims = jose::parse_jwt(token)->payload;
  expect_deny(*inst, jose::signing_input({{"alg", "none"}, {"kid", "k1"}}, claims) + ".", "HS256");
  expect_deny(*inst, sign(kSecret1, {{"alg", "HS512"}, {"kid", "k1"}}, claims), "HS256");
  // Signed with a secret that is not configured, under a configured kid.
  expect_deny(*inst, sign(kSecret2, {{"alg", "HS256"}, {"kid", "k1"}, {"typ", "JWT"}}, claims), "signature");
}

TEST_F(BearerPluginTest, OtherIssuersAndNonJwtsAbstain) {
  auto inst = make(keys_config({{"k1", kSecret1}}));
  const json claims = {{"iss", "https://cognito-idp.example/pool"},
                       {"sub", "u"},
                       {"exp", unix_now() + 60},
                       {"iat", unix_now()},
                       {"jti", "x"}};
  for (const std::string& t : std::vector<std::string>{sign(kSecret1, {{"alg", "HS256"}, {"kid", "k1"}}, claims),
                                                       std::string("plain-api-key-0123456789"), std::string("a.b.c")}) {
    const auto o = verify(*inst, t);
    EXPECT_EQ(o.status, NEXUS_OK);
    EXPECT_EQ(o.decision, NEXUS_AUTH_ABSTAIN) << o.error;
  }
  auto cfg = keys_config({{"k1", kSecret1}});
  cfg["issuer"] = "nexus-prod";
  auto prod = make(cfg);
  const std::string dev_token = mint_ok(*inst, principal("u", {"*"}), {{"scopes", {"a"}}});
  EXPECT_EQ(verify(*prod, dev_token).decision, NEXUS_AUTH_ABSTAIN);
}

TEST_F(BearerPluginTest, ExpiredAndFutureTokensAreDenied) {
  auto inst = make(keys_config({{"k1", kSecret1}}));
  const json header = {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", "k1"}};
  const std::int64_t now = unix_now();
  json claims = {{"iss", "nexus"}, {"sub", "u"}, {"scope", "a"}, {"iat", now - 600}, {"exp", now - 120}, {"jti", "j1"}};
  expect_deny(*inst, sign(kSecret1, header, claims), "expired");
  claims["exp"] = now - 10;  // inside the leeway
  expect_allow(*inst, sign(kSecret1, header, claims));
  claims["exp"] = now + 600;
  claims["iat"] = now + 300;
  expect_deny(*inst, sign(kSecret1, header, claims), "iat");
  claims.erase("exp");
  claims["iat"] = now;
  expect_deny(*inst, sign(kSecret1, header, claims), "exp");
  claims["exp"] = now + 60;
  claims.erase("jti");
  expect_deny(*inst, sign(kSecret1, header, claims), "jti");
}

TEST_F(BearerPluginTest, RevokedByListAndByFile) {
  auto plain = make(keys_config({{"k1", kSecret1}}));
  const auto who = principal("u", {"*"});
  const auto first = mint(*plain, who, {{"scopes", {"a"}}});
  const auto second = mint(*plain, who, {{"scopes", {"a"}}});

  auto cfg = keys_config({{"k1", kSecret1}});
  cfg["revoked_token_ids"] = {first.body["token_id"]};
  auto listed = make(cfg);
  expect_deny(*listed, first.token(), "revoked");
  expect_allow(*listed, second.token());

  TempDir dir;
  const auto file = dir.path() / "revoked.txt";
  std::ofstream(file) << "# revoked tokens\n\n";
  cfg = keys_config({{"k1", kSecret1}});
  cfg["revocation_file"] = file.string();
  auto from_file = make(cfg);
  expect_allow(*from_file, first.token());
  expect_allow(*from_file, second.token());
  std::ofstream(file, std::ios::app) << second.body["token_id"].get<std::string>() << "\n";
  expect_deny(*from_file, second.token(), "revoked");
  expect_allow(*from_file, first.token());
  // Rewritten (not appended): the list follows the file.
  std::ofstream(file, std::ios::trunc) << "  " << first.body["token_id"].get<std::string>() << "  \r\n";
  expect_deny(*from_file, first.token(), "revoked");
  expect_allow(*from_file, second.token());
  // Gone: the last list read stays in force, with a warning.
  std::filesystem::remove(file);
  expect_deny(*from_file, first.token(), "revoked");
  EXPECT_TRUE(plugin_.log().contains("cannot be read"));

  cfg["revocation_file"] = (dir.path() / "missing.txt").string();
  EXPECT_NE(create_error(cfg).find("revocation_file"), std::string::npos);
}

TEST_F(BearerPluginTest, KeyRotation) {
  const auto who = principal("u", {"*"});
  auto old_only = make(keys_config({{"k1", kSecret1}}));
  const std::string old_token = mint_ok(*old_only, who, {{"scopes", {"a"}}});

  // Step 1: the new key is added FIRST; old tokens still verify, new ones are signed with k2.
  auto rotated = make(keys_config({{"k2", kSecret2}, {"k1", kSecret1}}));
  expect_allow(*rotated, old_token);
  const std::string new_token = mint_ok(*rotated, who, {{"scopes", {"a"}}});
  EXPECT_EQ(jose::parse_jwt(new_token)->header["kid"], "k2");
  expect_allow(*rotated, new_token);
  // An instance that has not been rotated yet does not know k2.
  expect_deny(*old_only, new_token, "signature");

  // Step 2: the old key is removed; its tokens stop verifying.
  auto done = make(keys_config({{"k2", kSecret2}}));
  expect_deny(*done, old_token, "signature");
  expect_allow(*done, new_token);
}

TEST_F(BearerPluginTest, AudienceRestrictsTheRouteGroup) {
  auto inst = make(keys_config({{"k1", kSecret1}}));
  const auto who = principal("u", {"*"});
  const auto r = mint(*inst, who, {{"scopes", {"tools:*"}}, {"audience", "mcp"}});
  EXPECT_EQ(r.body["audience"], "mcp");
  EXPECT_EQ(jose::parse_jwt(r.token())->payload["aud"], "mcp");
  EXPECT_EQ(expect_allow(*inst, r.token(), "mcp")["claims"]["aud"], "mcp");
  expect_deny(*inst, r.token(), "audience 'mcp'", "storage");
  // Without an audience a token is good on every route group.
  const std::string any = mint_ok(*inst, who, {{"scopes", {"tools:*"}}});
  expect_allow(*inst, any, "mcp");
  expect_allow(*inst, any, "storage");
  // A default audience from the config.
  auto cfg = keys_config({{"k1", kSecret1}});
  cfg["audience"] = "storage";
  auto defaulted = make(cfg);
  const std::string d = mint_ok(*defaulted, who, {{"scopes", {"a"}}});
  expect_allow(*defaulted, d, "storage");
  expect_deny(*defaulted, d, "audience", "admin");
}

TEST_F(BearerPluginTest, SecretFromTheEnvironment) {
  ::setenv("NEXUS_TEST_BEARER_KEY", kEnvSecret, 1);
  auto inst = make({{"keys", {{{"kid", "env"}, {"secret_env", "NEXUS_TEST_BEARER_KEY"}}}}});
  ::unsetenv("NEXUS_TEST_BEARER_KEY");
  const std::string t = mint_ok(*inst, principal("u", {"*"}), {{"scopes", {"a"}}});
  expect_allow(*inst, t);
  // It really is the environment's secret that signs.
  const auto claims = jose::parse_jwt(t)->payload;
  EXPECT_EQ(sign(kEnvSecret, jose::parse_jwt(t)->header, claims), t);
  expect_allow(*inst, sign(kEnvSecret, {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", "env"}}, claims));

  ::unsetenv("NEXUS_TEST_BEARER_MISSING");
  const std::string e = create_error({{"keys", {{{"kid", "k"}, {"secret_env", "NEXUS_TEST_BEARER_MISSING"}}}}});
  EXPECT_NE(e.find("keys[0].secret_env"), std::string::npos) << e;
  EXPECT_NE(e.find("NEXUS_TEST_BEARER_MISSING"), std::string::npos) << e;
}

TEST_F(BearerPluginTest, WeakSecretsAreRefusedWithoutEchoingThem) {
  std::string e = create_error({{"keys", {{{"kid", "k"}, {"secret", "short-secret-17b"}}}}});
  EXPECT_NE(e.find("keys[0].secret"), std::string::npos) << e;
  EXPECT_NE(e.find("weak"), std::string::npos) << e;
  ::setenv("NEXUS_TEST_BEARER_WEAK", "short-secret-17b", 1);
  e = create_error({{"keys", {{{"kid", "k"}, {"secret_env", "NEXUS_TEST_BEARER_WEAK"}}}}});
  ::unsetenv("NEXUS_TEST_BEARER_WEAK");
  EXPECT_NE(e.find("weak"), std::string::npos) << e;
  EXPECT_NE(e.find("NEXUS_TEST_BEARER_WEAK"), std::string::npos) << e;
}

TEST_F(BearerPluginTest, BadConfigIsInvalidArgumentNamingThePath) {
  EXPECT_NE(create_error(json::object()).find("keys"), std::string::npos);
  EXPECT_NE(create_error({{"keys", json::array()}}).find("keys"), std::string::npos);
  EXPECT_NE(create_error({{"keys", {{{"kid", "k"}}}}}).find("exactly one"), std::string::npos);
  EXPECT_NE(create_error({{"keys", {{{"kid", "k"}, {"secret", kSecret1}, {"secret_env", "X"}}}}}).find("exactly one"),
            std::string::npos);
  EXPECT_NE(create_error({{"keys", {{{"kid", "bad kid"}, {"secret", kSecret1}}}}}).find("keys[0].kid"),
            std::string::npos);
  EXPECT_NE(create_error(keys_config({{"k", kSecret1}, {"k", kSecret2}})).find("keys[1].kid"), std::string::npos);
  EXPECT_NE(create_error(keys_config({{"a", kSecret1}, {"b", kSecret1}})).find("same secret"), std::string::npos);
  auto extra = keys_config({{"k", kSecret1}});
  extra["surprise"] = true;
  EXPECT_NE(create_error(extra).find("config.surprise"), std::string::npos);
}

TEST_F(BearerPluginTest, ConcurrentMintAndVerify) {
  auto inst = make(keys_config({{"k1", kSecret1}}));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  const std::string who = principal("u", {"storage:*"}).dump();
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        const auto* vt = static_cast<const nexus_tokens_v1*>(plugin_.descriptor().on_get_interface(NEXUS_TOKENS_V1));
        TestContext ctx(plugin_.log(), who);
        Sink out;
        const std::string req = R"({"scopes":["storage:recordings:read"]})";
        if (vt->on_mint(inst->handle(), ctx.get(), {req.data(), req.size()}, &out.writer) != NEXUS_OK) {
          ++failures;
          continue;
        }
        const std::string token = json::parse(out.data)["token"];
        TestContext vctx(plugin_.log(), "");
        const std::string auth = "Bearer " + token;
        nexus_http_header h{{"authorization", 13}, {auth.data(), auth.size()}};
        nexus_request_view rv{};
        rv.struct_size = sizeof rv;
        rv.headers = &h;
        rv.header_count = 1;
        rv.route_group = {"storage", 7};
        Sink p;
        nexus_auth_decision d = NEXUS_AUTH_ABSTAIN;
        if (inst->auth()->on_authenticate(inst->handle(), vctx.get(), &rv, &d, &p.writer) != NEXUS_OK ||
            d != NEXUS_AUTH_ALLOW)
          ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace nexus::test
