// The registry: instances of real plugins, composition, order, errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "nexus/host/runtime.hpp"
#include "support/temp_dir.hpp"

using nexus::host::Config;
using nexus::host::ConfigError;
using nexus::host::InstanceConfig;
using nexus::host::Runtime;
using json = nlohmann::json;

namespace {

struct RuntimeFixture : ::testing::Test {
  nexus::test::TempDir tmp;
  Config config;

  RuntimeFixture() {
    config.source = "test.json";
    config.plugin_dirs = {NEXUS_TEST_PLUGIN_DIR, NEXUS_PLUGIN_DIR};
    config.state_dir = tmp / "state";
  }
  void add(const std::string& name, const std::string& plugin, json cfg = json::object()) {
    config.instances.push_back({name, plugin, std::move(cfg), "/instances/" + name});
    std::sort(config.instances.begin(), config.instances.end(), [](auto& a, auto& b) { return a.name < b.name; });
  }
  std::string start_error() {
    try {
      Runtime::start(config, {});
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }
  static std::string echo(const Runtime& rt, const std::string& instance) {
    std::string result;
    auto out = rt.tools(instance).call_tool({}, "echo", R"({"text":"hi"})", &result);
    EXPECT_TRUE(out.ok()) << out.message;
    return json::parse(result)["content"][0]["text"].get<std::string>();
  }
};

}  // namespace

TEST_F(RuntimeFixture, TwoInstancesOfOnePluginKeepTheirOwnConfig) {
  add("left", "c_echo", {{"prefix", "L:"}});
  add("right", "c_echo", {{"prefix", "R:"}});
  auto rt = Runtime::start(config, {});
  EXPECT_EQ(echo(*rt, "left"), R"(L:{"text":"hi"})");
  EXPECT_EQ(echo(*rt, "right"), R"(R:{"text":"hi"})");
  EXPECT_EQ(rt->instances_providing("nexus.tools/1"), (std::vector<std::string>{"left", "right"}));
  ASSERT_EQ(rt->plugins().size(), 1u);  // one library, loaded once
}

TEST_F(RuntimeFixture, DependenciesAreCreatedFirstAndFoundThroughTheHost) {
  add("a_user", "c_echo", {{"uses", "z_base"}});  // sorts before its dependency
  add("z_base", "c_echo");
  auto rt = Runtime::start(config, {});
  const auto instances = rt->instances();
  ASSERT_EQ(instances.size(), 2u);
  EXPECT_EQ(instances[0].name, "a_user");
  EXPECT_EQ(instances[0].depends_on, std::vector<std::string>{"z_base"});
}

TEST_F(RuntimeFixture, RefusesADependencyCycleNamingIt) {
  add("a", "c_echo", {{"uses", "b"}});
  add("b", "c_echo", {{"uses", "a"}});
  const std::string why = start_error();
  EXPECT_NE(why.find("dependency cycle"), std::string::npos) << why;
  EXPECT_NE(why.find("a -> b -> a"), std::string::npos) << why;
}

TEST_F(RuntimeFixture, RefusesAReferenceToAMissingInstanceWithThePath) {
  add("a", "c_echo", {{"uses", "ghost"}});
  const std::string why = start_error();
  EXPECT_NE(why.find("test.json: /instances/a/config/uses"), std::string::npos) << why;
  EXPECT_NE(why.find("no instance named 'ghost'"), std::string::npos) << why;
}

TEST_F(RuntimeFixture, RefusesAnUnknownPluginListingWhatIsAvailable) {
  add("a", "nope");
  const std::string why = start_error();
  EXPECT_NE(why.find("/instances/a/plugin"), std::string::npos) << why;
  EXPECT_NE(why.find("no plugin 'nope'"), std::string::npos) << why;
  EXPECT_NE(why.find("c_echo"), std::string::npos) << why;  // the list of available ids
}

TEST_F(RuntimeFixture, RefusesAConfigBlockThatBreaksThePluginSchema) {
  add("a", "c_echo", {{"prefix", 5}, {"colour", "red"}});
  const std::string why = start_error();
  EXPECT_NE(why.find("/instances/a/config"), std::string::npos) << why;
  EXPECT_NE(why.find("colour"), std::string::npos) << why;
}

TEST_F(RuntimeFixture, RefusesAFileWhoseDescriptorIdDiffers) {
  add("a", "wrong_id");
  const std::string why = start_error();
  EXPECT_NE(why.find("holds plugin 'not_wrong_id'"), std::string::npos) << why;
}

TEST_F(RuntimeFixture, RefusesAnIncompatiblePluginWithThePath) {
  add("a", "abi_major2");
  const std::string why = start_error();
  EXPECT_NE(why.find("/instances/a/plugin"), std::string::npos) << why;
  EXPECT_NE(why.find("not binary compatible"), std::string::npos) << why;
}

TEST_F(RuntimeFixture, RouteAuthMustNameAnAuthProvider) {
  add("a", "c_echo");
  config.routes["storage"].auth = {"a"};
  const std::string why = start_error();
  EXPECT_NE(why.find("/routes/storage/auth"), std::string::npos) << why;
  EXPECT_NE(why.find("not an auth provider"), std::string::npos) << why;
}

TEST_F(RuntimeFixture, CheckOnlyCreatesNothing) {
  add("a", "c_echo", {{"uses", "b"}});
  add("b", "c_echo");
  auto rt = Runtime::start(config, {.plugin_dirs = {}, .check_only = true});
  EXPECT_FALSE(rt->has_instance("a"));
  EXPECT_FALSE(std::filesystem::exists(config.state_dir));  // --check writes nothing
}

TEST_F(RuntimeFixture, ClientsExplainAWrongInstanceOrInterface) {
  add("a", "c_echo");
  auto rt = Runtime::start(config, {});
  EXPECT_THROW(rt->tools("ghost"), std::out_of_range);
  try {
    rt->storage("a");
    FAIL() << "expected out_of_range";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("does not provide nexus.storage/1"), std::string::npos);
  }
}

TEST_F(RuntimeFixture, PluginErrorsCarryTheirMessageAndStatus) {
  add("a", "c_echo");
  auto rt = Runtime::start(config, {});
  std::string result;
  auto out = rt->tools("a").call_tool({}, "nope", "{}", &result);
  EXPECT_EQ(out.status, NEXUS_NOT_FOUND);
  EXPECT_NE(out.message.find("no such tool"), std::string::npos);
}
