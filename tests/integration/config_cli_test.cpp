// nexusd on bad and good configs: --check exits 0 on a valid config, and
// every kind of config error exits non-zero naming the JSON path.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/nexusd_process.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;

json valid_config(const std::filesystem::path& dir) {
  return {{"http", {{"listen", "127.0.0.1:0"}, {"max_body_bytes", 1048576}}},
          {"plugin_dirs", {NEXUS_PLUGIN_DIR}},
          {"instances",
           {{"files", {{"plugin", "fs"}, {"config", {{"root", (dir / "files").string()}}}}},
            {"mem", {{"plugin", "memory"}, {"config", json::object()}}},
            {"keys",
             {{"plugin", "apikey"},
              {"config", {{"keys", {{{"id", "ops"}, {"sha256", sha256_hex("k")}, {"scopes", {"storage:*"}}}}}}}}}}},
          {"routes", {{"storage", {{"auth", {"keys"}}}}}}};
}

ProcessResult check(const TempDir& dir, const std::string& text, const EnvVars& env = {},
                    std::vector<std::string> extra = {"--check"}) {
  const auto file = dir / "nexus.json";
  std::ofstream(file) << text;
  std::vector<std::string> args{"--config", file.string(), "--plugin-dir", NEXUS_PLUGIN_DIR};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_nexusd(args, env);
}

void expect_error(const ProcessResult& r, const std::vector<std::string>& needles) {
  EXPECT_FALSE(r.timed_out);
  EXPECT_NE(r.exit_code, 0) << "stdout:\n" << r.out << "\nstderr:\n" << r.err;
  EXPECT_EQ(r.signal, 0) << "crashed; stderr:\n" << r.err;
  for (const auto& n : needles)
    EXPECT_NE(r.err.find(n), std::string::npos) << "'" << n << "' not in stderr:\n" << r.err;
}

TEST(ConfigCli, CheckAcceptsAValidConfig) {
  TempDir dir;
  const auto r = check(dir, valid_config(dir.path()).dump(2));
  EXPECT_EQ(r.exit_code, 0) << "stdout:\n" << r.out << "\nstderr:\n" << r.err;
}

TEST(ConfigCli, CheckAcceptsCommentsAndDefaults) {
  TempDir dir;
  const std::string text = "// a comment\n" + valid_config(dir.path()).dump(2);
  const auto r = check(dir, text, {{"NEXUS_TEST_ROOT", (dir.path() / "r").string()}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(ConfigCli, UnknownTopLevelKey) {
  TempDir dir;
  json c = valid_config(dir.path());
  c["htttp"] = json::object();
  expect_error(check(dir, c.dump()), {"/htttp"});
}

TEST(ConfigCli, WrongType) {
  TempDir dir;
  json c = valid_config(dir.path());
  c["http"]["max_body_bytes"] = "big";
  expect_error(check(dir, c.dump()), {"/http/max_body_bytes"});
}

TEST(ConfigCli, MissingPluginField) {
  TempDir dir;
  json c = valid_config(dir.path());
  c["instances"]["files"].erase("plugin");
  expect_error(check(dir, c.dump()), {"/instances/files"});
}

TEST(ConfigCli, UnknownPlugin) {
  TempDir dir;
  json c = valid_config(dir.path());
  c["instances"]["files"]["plugin"] = "nosuchplugin";
  expect_error(check(dir, c.dump()), {"/instances/files", "nosuchplugin"});
}

TEST(ConfigCli, UnsetEnvironmentVariable) {
  TempDir dir;
  json c = valid_config(dir.path());
  c["instances"]["files"]["config"]["root"] = "${NEXUS_TEST_SURELY_UNSET_VAR}";
  expect_error(check(dir, c.dump()), {"/instances/files/config/root", "NEXUS_TEST_SURELY_UNSET_VAR"});
}

TEST(ConfigCli, MalformedEnvironmentReference) {
  TempDir dir;
  json c = valid_config(dir.path());
  c["instances"]["files"]["config"]["root"] = "${NOT CLOSED";
  expect_error(check(dir, c.dump()), {"/instances/files/config/root"});
}

TEST(ConfigCli, PluginSchemaViolation) {
  TempDir dir;
  json c = valid_config(dir.path());
  c["instances"]["files"]["config"]["root"] = 5;
  expect_error(check(dir, c.dump()), {"/instances/files/config/root"});
}

TEST(ConfigCli, UnknownKeyInAPluginBlock) {
  TempDir dir;
  json c = valid_config(dir.path());
  c["instances"]["files"]["config"]["rooot"] = "/tmp";
  expect_error(check(dir, c.dump()), {"/instances/files/config", "rooot"});
}

TEST(ConfigCli, RouteNamesAMissingAuthInstance) {
  TempDir dir;
  json c = valid_config(dir.path());
  c["routes"]["storage"]["auth"] = {"nokeys"};
  expect_error(check(dir, c.dump()), {"/routes/storage", "nokeys"});
}

TEST(ConfigCli, NotJson) {
  TempDir dir;
  expect_error(check(dir, "{\"http\": "), {"nexus.json"});
}

TEST(ConfigCli, ServingAlsoRefusesABadConfig) {
  TempDir dir;
  json c = valid_config(dir.path());
  c["http"]["max_body_bytes"] = "big";
  expect_error(check(dir, c.dump(), {}, {}), {"/http/max_body_bytes"});
}

}  // namespace
}  // namespace nexus::test
