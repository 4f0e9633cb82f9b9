// The "apikey" auth plugin through its C ABI: decisions, principal shape,
// env keys, config errors, and that no plaintext key ever leaks.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cctype>
#include <cstdlib>
#include <thread>

#include "support/plugin_harness.hpp"

namespace nexus::test {
namespace {

constexpr const char* kOpsKey = "ops-key-0123456789abcdef-plaintext";
constexpr const char* kCiKey = "ci-key-fedcba9876543210-plaintext";
constexpr const char* kEnvKey = "env-key-from-the-environment-42";

std::string sha256_hex(std::string_view s) {
  unsigned char d[32];
  unsigned int n = 0;
  EVP_Digest(s.data(), s.size(), d, &n, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out += kHex[d[i] >> 4];
    out += kHex[d[i] & 0xf];
  }
  return out;
}

nlohmann::json two_keys() {
  return {{"keys",
           {{{"id", "ops"}, {"sha256", sha256_hex(kOpsKey)}, {"scopes", {"storage:*", "admin:*"}}},
            {{"id", "ci"}, {"sha256", sha256_hex(kCiKey)}, {"scopes", {"storage:recordings:read"}}}}}};
}

class ApiKeyPluginTest : public ::testing::Test {
 protected:
  ApiKeyPluginTest() : plugin_(plugin_path("apikey")) {}

  std::unique_ptr<PluginInstance> make(const nlohmann::json& config) {
    auto c = plugin_.create(config.dump());
    if (c.status != NEXUS_OK) throw std::runtime_error("apikey create failed: " + c.error);
    return std::move(c.instance);
  }
  // Creation that must fail; returns the error text (and remembers it).
  std::string create_error(const nlohmann::json& config, nexus_status want = NEXUS_INVALID_ARGUMENT) {
    auto c = plugin_.create(config.dump());
    EXPECT_EQ(c.status, want) << config.dump() << " → " << c.error;
    EXPECT_FALSE(c.error.empty());
    errors_.push_back(c.error);
    return c.error;
  }
  AuthOutcome auth(const PluginInstance& inst, std::vector<std::pair<std::string, std::string>> headers) {
    AuthOutcome o = AuthClient(inst).authenticate(headers);
    errors_.push_back(o.error);
    return o;
  }

  LoadedPlugin plugin_;
  std::vector<std::string> errors_;  // every error text seen, for the leak check
};

TEST_F(ApiKeyPluginTest, DescriptorDeclaresAStrictSchemaWithDescriptions) {
  const auto& d = plugin_.descriptor();
  EXPECT_STREQ(d.id, "apikey");
  EXPECT_STREQ(d.interfaces[0], NEXUS_AUTH_V1);
  EXPECT_EQ(d.interfaces[1], nullptr);
  EXPECT_EQ(d.concurrency, NEXUS_CONCURRENCY_PARALLEL);
  const auto schema = nlohmann::json::parse(d.config_schema);
  EXPECT_EQ(schema["additionalProperties"], false);
  for (const auto& [name, prop] : schema["properties"].items()) EXPECT_TRUE(prop.contains("description")) << name;
  const auto& item = schema["properties"]["keys"]["items"];
  EXPECT_EQ(item["additionalProperties"], false);
  for (const auto& [name, prop] : item["properties"].items()) EXPECT_TRUE(prop.contains("description")) << name;
}

TEST_F(ApiKeyPluginTest, AllowsViaBearerWithThePrincipal) {
  auto inst = make(two_keys());
  const auto o = auth(*inst, {{"authorization", std::string("Bearer ") + kOpsKey}});
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  EXPECT_EQ(o.decision, NEXUS_AUTH_ALLOW);
  const auto p = nlohmann::json::parse(o.principal);
  EXPECT_EQ(p["subject"], "apikey:ops");
  EXPECT_EQ(p["scopes"], nlohmann::json::array({"storage:*", "admin:*"}));
  EXPECT_EQ(p["claims"], nlohmann::json({{"key_id", "ops"}}));
}

TEST_F(ApiKeyPluginTest, AllowsViaApiKeyHeaderAndPicksTheRightKey) {
  auto inst = make(two_keys());
  const auto o = auth(*inst, {{"x-api-key", kCiKey}});
  ASSERT_EQ(o.decision, NEXUS_AUTH_ALLOW) << o.error;
  const auto p = nlohmann::json::parse(o.principal);
  EXPECT_EQ(p["subject"], "apikey:ci");
  EXPECT_EQ(p["scopes"], nlohmann::json::array({"storage:recordings:read"}));
  // Scheme is case-insensitive.
  EXPECT_EQ(auth(*inst, {{"authorization", std::string("bearer ") + kCiKey}}).decision, NEXUS_AUTH_ALLOW);
}

TEST_F(ApiKeyPluginTest, ConfigurableHeader) {
  auto config = two_keys();
  config["header"] = "X-Nexus-Key";
  auto inst = make(config);
  EXPECT_EQ(auth(*inst, {{"x-nexus-key", kOpsKey}}).decision, NEXUS_AUTH_ALLOW);
  EXPECT_EQ(auth(*inst, {{"x-api-key", kOpsKey}}).decision, NEXUS_AUTH_ABSTAIN);
}

TEST_F(ApiKeyPluginTest, DeniesAnUnknownKeyWithoutEchoingIt) {
  auto inst = make(two_keys());
  const std::string wrong = "wrong-key-that-must-not-be-echoed";
  for (const auto& headers : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {{"authorization", "Bearer " + wrong}}, {{"x-api-key", wrong}}, {{"x-api-key", std::string(kOpsKey) + "x"}}}) {
    const auto o = auth(*inst, headers);
    EXPECT_EQ(o.status, NEXUS_OK);
    EXPECT_EQ(o.decision, NEXUS_AUTH_DENY);
    EXPECT_EQ(o.error, "API key not recognised");
    EXPECT_TRUE(o.principal.empty());
  }
  EXPECT_FALSE(plugin_.log().contains(wrong));
}

TEST_F(ApiKeyPluginTest, AbstainsWithoutItsCredentials) {
  auto inst = make(two_keys());
  EXPECT_EQ(auth(*inst, {}).decision, NEXUS_AUTH_ABSTAIN);
  EXPECT_EQ(auth(*inst, {{"authorization", "Basic dXNlcjpwYXNz"}}).decision, NEXUS_AUTH_ABSTAIN);
  EXPECT_EQ(auth(*inst, {{"authorization", "Bearer "}}).decision, NEXUS_AUTH_ABSTAIN);
  EXPECT_EQ(auth(*inst, {{"cookie", "x-api-key=abc"}}).decision, NEXUS_AUTH_ABSTAIN);
  const auto o = auth(*inst, {});
  EXPECT_EQ(o.status, NEXUS_OK);
  EXPECT_TRUE(o.principal.empty());
}

TEST_F(ApiKeyPluginTest, AbstainsOnABearerJwtSoTheNextProviderDecides) {
  auto inst = make(two_keys());
  const std::string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
  EXPECT_EQ(auth(*inst, {{"authorization", "Bearer " + jwt}}).decision, NEXUS_AUTH_ABSTAIN);
  // The same token in the API-key header is unambiguously ours: deny.
  EXPECT_EQ(auth(*inst, {{"x-api-key", jwt}}).decision, NEXUS_AUTH_DENY);
  // Not JWT-shaped: an unknown Bearer key is denied.
  EXPECT_EQ(auth(*inst, {{"authorization", "Bearer a.b"}}).decision, NEXUS_AUTH_DENY);
  EXPECT_EQ(auth(*inst, {{"authorization", "Bearer .a.b"}}).decision, NEXUS_AUTH_DENY);
}

TEST_F(ApiKeyPluginTest, KeyFromEnvironment) {
  ::setenv("NEXUS_TEST_APIKEY_ENV", kEnvKey, 1);
  nlohmann::json config = two_keys();
  config["keys"].push_back({{"id", "env_key"}, {"env", "NEXUS_TEST_APIKEY_ENV"}, {"scopes", {"mcp:*"}}});
  auto inst = make(config);
  ::unsetenv("NEXUS_TEST_APIKEY_ENV");  // read at create: the instance no longer needs it
  const auto o = auth(*inst, {{"x-api-key", kEnvKey}});
  ASSERT_EQ(o.decision, NEXUS_AUTH_ALLOW);
  EXPECT_EQ(nlohmann::json::parse(o.principal)["subject"], "apikey:env_key");
  EXPECT_TRUE(plugin_.log().contains("env_key")) << "the create log line names the ids";
  EXPECT_FALSE(plugin_.log().contains(kEnvKey));
}

TEST_F(ApiKeyPluginTest, MissingEnvVariableNamesThePathAndTheFix) {
  ::unsetenv("NEXUS_TEST_APIKEY_MISSING");
  nlohmann::json config = two_keys();
  config["keys"].push_back({{"id", "later"}, {"env", "NEXUS_TEST_APIKEY_MISSING"}, {"scopes", {"*"}}});
  const std::string e = create_error(config);
  EXPECT_NE(e.find("keys[2].env"), std::string::npos) << e;
  EXPECT_NE(e.find("NEXUS_TEST_APIKEY_MISSING"), std::string::npos) << e;
  EXPECT_NE(e.find("export"), std::string::npos) << e;
}

TEST_F(ApiKeyPluginTest, WeakEnvKeyIsRefused) {
  ::setenv("NEXUS_TEST_APIKEY_WEAK", "short-key", 1);
  const std::string e =
      create_error({{"keys", {{{"id", "weak"}, {"env", "NEXUS_TEST_APIKEY_WEAK"}, {"scopes", {"*"}}}}}});
  ::unsetenv("NEXUS_TEST_APIKEY_WEAK");
  EXPECT_NE(e.find("keys[0].env"), std::string::npos) << e;
  EXPECT_NE(e.find("weak"), std::string::npos) << e;
  EXPECT_EQ(e.find("short-key"), std::string::npos) << "the key itself is never echoed: " << e;
}

TEST_F(ApiKeyPluginTest, BadConfigShapesAreInvalidArgument) {
  const std::string h = sha256_hex(kOpsKey);
  struct Case {
    nlohmann::json config;
    std::string must_mention;
  };
  const std::vector<Case> cases = {
      {nlohmann::json::object(), "keys"},
      {{{"keys", "ops"}}, "keys"},
      {{{"keys", nlohmann::json::array()}}, "keys"},
      {{{"keys", {{{"id", "a"}, {"scopes", {"*"}}}}}}, "exactly one"},
      {{{"keys", {{{"id", "a"}, {"sha256", h}, {"env", "X"}, {"scopes", {"*"}}}}}}, "exactly one"},
      {{{"keys", {{{"id", "a"}, {"sha256", "abc"}, {"scopes", {"*"}}}}}}, "keys[0].sha256"},
      {{{"keys", {{{"id", "a"}, {"sha256", std::string(64, 'g')}, {"scopes", {"*"}}}}}}, "keys[0].sha256"},
      {{{"keys", {{{"id", "Bad Id"}, {"sha256", h}, {"scopes", {"*"}}}}}}, "keys[0].id"},
      {{{"keys", {{{"sha256", h}, {"scopes", {"*"}}}}}}, "keys[0].id"},
      {{{"keys", {{{"id", "a"}, {"sha256", h}}}}}, "keys[0].scopes"},
      {{{"keys", {{{"id", "a"}, {"sha256", h}, {"scopes", "storage:*"}}}}}, "keys[0].scopes"},
      {{{"keys", {{{"id", "a"}, {"sha256", h}, {"scopes", {"*"}}, {"secret", "x"}}}}}, "keys[0].secret"},
      {{{"keys", {{{"id", "a"}, {"sha256", h}, {"scopes", {"*"}}}}}, {"extra", true}}, "config.extra"},
      {{{"keys", {{{"id", "a"}, {"sha256", h}, {"scopes", {"*"}}}}}, {"header", "bad header"}}, "config.header"},
      {{{"keys", {{{"id", "a"}, {"env", "1BAD"}, {"scopes", {"*"}}}}}}, "keys[0].env"},
      // duplicates
      {{{"keys", {{{"id", "a"}, {"sha256", h}, {"scopes", {"*"}}}, {{"id", "a"}, {"sha256", sha256_hex(kCiKey)}, {"scopes", {"*"}}}}}},
       "keys[1].id"},
      {{{"keys", {{{"id", "a"}, {"sha256", h}, {"scopes", {"*"}}}, {{"id", "b"}, {"sha256", h}, {"scopes", {"*"}}}}}}, "same key"},
  };
  for (const auto& c : cases) {
    const std::string e = create_error(c.config);
    EXPECT_NE(e.find(c.must_mention), std::string::npos) << c.config.dump() << " → " << e;
  }
  // Upper-case hex is the same digest, so it is a duplicate too.
  std::string upper = h;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_NE(create_error({{"keys", {{{"id", "a"}, {"sha256", h}, {"scopes", {"*"}}}, {{"id", "b"}, {"sha256", upper}, {"scopes", {"*"}}}}}})
                .find("same key"),
            std::string::npos);
  // An env key equal to a configured hash is a duplicate as well.
  ::setenv("NEXUS_TEST_APIKEY_DUP", kOpsKey, 1);
  EXPECT_NE(create_error({{"keys", {{{"id", "a"}, {"sha256", h}, {"scopes", {"*"}}}, {{"id", "b"}, {"env", "NEXUS_TEST_APIKEY_DUP"}, {"scopes", {"*"}}}}}})
                .find("same key"),
            std::string::npos);
  ::unsetenv("NEXUS_TEST_APIKEY_DUP");
}

TEST_F(ApiKeyPluginTest, ConcurrentAuthentications) {
  auto inst = make(two_keys());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      const AuthClient a(*inst);
      for (int i = 0; i < 200; ++i) {
        const bool ops = (i + t) % 2 == 0;
        const auto o = a.authenticate({{"x-api-key", ops ? kOpsKey : kCiKey}});
        if (o.decision != NEXUS_AUTH_ALLOW ||
            nlohmann::json::parse(o.principal)["subject"] != (ops ? "apikey:ops" : "apikey:ci"))
          ++failures;
        if (a.authenticate({{"x-api-key", "nope-nope-nope-nope"}}).decision != NEXUS_AUTH_DENY) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(ApiKeyPluginTest, NoPlaintextKeyInAnyLogOrError) {
  ::setenv("NEXUS_TEST_APIKEY_LEAK", kEnvKey, 1);
  nlohmann::json config = two_keys();
  config["keys"].push_back({{"id", "env_key"}, {"env", "NEXUS_TEST_APIKEY_LEAK"}, {"scopes", {"*"}}});
  auto inst = make(config);
  ::unsetenv("NEXUS_TEST_APIKEY_LEAK");
  auth(*inst, {{"x-api-key", kOpsKey}});
  auth(*inst, {{"authorization", std::string("Bearer ") + kCiKey}});
  auth(*inst, {{"x-api-key", kEnvKey}});
  auth(*inst, {{"x-api-key", std::string(kEnvKey) + "-typo"}});
  ::setenv("NEXUS_TEST_APIKEY_LEAK", "leaky-but-short", 1);
  create_error({{"keys", {{{"id", "w"}, {"env", "NEXUS_TEST_APIKEY_LEAK"}, {"scopes", {"*"}}}}}});
  ::unsetenv("NEXUS_TEST_APIKEY_LEAK");

  ASSERT_FALSE(plugin_.log().lines().empty()) << "the plugin logs at create; the check below must see lines";
  for (const char* secret : {kOpsKey, kCiKey, kEnvKey, "leaky-but-short"}) {
    EXPECT_FALSE(plugin_.log().contains(secret)) << secret;
    for (const auto& e : errors_) EXPECT_EQ(e.find(secret), std::string::npos) << e;
  }
}

}  // namespace
}  // namespace nexus::test
