// The nexusd command line: help, version, plugin listing and description,
// --check on the shipped default config, and composition errors.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/nexusd_process.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

void expect_contains(const std::string& text, const std::vector<std::string>& needles) {
  for (const auto& n : needles) EXPECT_NE(text.find(n), std::string::npos) << "'" << n << "' not in:\n" << text;
}

}  // namespace

TEST(NexusdCli, HelpExplainsEveryOptionAndCommand) {
  const auto r = run_nexusd({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  expect_contains(r.out, {"--config", "--listen", "--plugin-dir", "--check", "--log-level", "--log-format", "--version",
                          "plugins list", "plugins describe"});
}

TEST(NexusdCli, VersionNamesTheAbi) {
  const auto r = run_nexusd({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  expect_contains(r.out, {"nexusd", "plugin ABI 1.1"});
}

TEST(NexusdCli, UnknownOptionExitsTwoWithAHint) {
  const auto r = run_nexusd({"--colour"});
  EXPECT_EQ(r.exit_code, 2);
  expect_contains(r.err, {"--colour", "--help"});
}

TEST(NexusdCli, PluginsListShowsTheFirstPartyPlugins) {
  const auto r = run_nexusd({"plugins", "list", "--plugin-dir", NEXUS_PLUGIN_DIR});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  expect_contains(r.out, {"fs", "memory", "apikey", "sqlite", "nexus.storage/1", "nexus.auth/1"});
}

TEST(NexusdCli, PluginsDescribePrintsTheConfigSchema) {
  const auto r = run_nexusd({"plugins", "describe", "fs", "--plugin-dir", NEXUS_PLUGIN_DIR});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  expect_contains(r.out, {"fs", "nexus.storage/1", "\"root\"", "additionalProperties", "sha256"});
}

TEST(NexusdCli, PluginsDescribeOfAnUnknownIdSaysWhatExists) {
  const auto r = run_nexusd({"plugins", "describe", "nope", "--plugin-dir", NEXUS_PLUGIN_DIR});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.signal, 0);
  expect_contains(r.err, {"nope", "fs"});
}

TEST(NexusdCli, CheckPassesOnTheShippedDefaultConfig) {
  const auto r = run_nexusd({"--config", std::string(NEXUS_SOURCE_DIR) + "/etc/nexus.json", "--check", "--plugin-dir",
                             NEXUS_PLUGIN_DIR});
  EXPECT_EQ(r.exit_code, 0) << "stdout:\n" << r.out << "\nstderr:\n" << r.err;
  expect_contains(r.out, {"recordings", "keys"});
}

TEST(NexusdCli, DependencyCycleExitsNonZeroNamingTheCycle) {
  TempDir dir;
  const nlohmann::json config = {
      {"instances",
       {{"a", {{"plugin", "c_echo"}, {"config", {{"uses", "b"}}}}}, {"b", {{"plugin", "c_echo"}, {"config", {{"uses", "a"}}}}}}}};
  const auto file = dir / "nexus.json";
  std::ofstream(file) << config.dump(2);
  const auto r = run_nexusd({"--config", file.string(), "--check", "--plugin-dir", NEXUS_TEST_PLUGIN_DIR});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.signal, 0);
  expect_contains(r.err, {"/instances", "dependency cycle", "a -> b -> a"});
}

TEST(NexusdCli, AnIncompatiblePluginIsRefusedWithBothVersions) {
  TempDir dir;
  const nlohmann::json config = {{"instances", {{"old", {{"plugin", "abi_major2"}, {"config", nlohmann::json::object()}}}}}};
  const auto file = dir / "nexus.json";
  std::ofstream(file) << config.dump(2);
  const auto r = run_nexusd({"--config", file.string(), "--check", "--plugin-dir", NEXUS_TEST_PLUGIN_DIR});
  EXPECT_NE(r.exit_code, 0);
  expect_contains(r.err, {"/instances/old/plugin", "libnexus_abi_major2.so", "ABI 2.0", "host speaks 1.1", "rebuild"});
}

}  // namespace nexus::test
