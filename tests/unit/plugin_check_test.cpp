// nexus-plugin-check, run as a child process the way a plugin author runs it:
// every deliberately broken fixture (tests/plugins/broken_*) must fail exactly
// the checks its bug breaks, with a reason in plain words; the first-party
// plugins and c_echo must pass; --dependency instances are reached exactly
// as the host lets a plugin reach them; usage errors exit 2.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

const std::string kCheck = std::string(NEXUS_BINARY_DIR) + "/bin/nexus-plugin-check";

struct KitRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};

// Runs the kit with `args` (no shell: JSON needs no quoting), capturing output.
KitRun run_kit(const std::vector<std::string>& args) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::vector<char*> argv{const_cast<char*>(kCheck.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(kCheck.c_str(), argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  KitRun r;
  char buf[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buf, sizeof buf)) > 0;) r.output.append(buf, static_cast<std::size_t>(n));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string test_plugin(const std::string& id) {
  return std::string(NEXUS_TEST_PLUGIN_DIR) + "/libnexus_" + id + ".so";
}
std::string plugin(const std::string& id) {
  return std::string(NEXUS_PLUGIN_DIR) + "/libnexus_" + id + ".so";
}

// Names of the checks that printed FAIL.
std::set<std::string> failed_checks(const std::string& output) {
  std::set<std::string> out;
  static const std::regex kFail(R"(^FAIL  ([A-Za-z0-9_.]+))");
  std::size_t start = 0;
  while (start < output.size()) {
    const std::size_t end = output.find('\n', start);
    const std::string line = output.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::smatch m;
    if (std::regex_search(line, m, kFail)) out.insert(m[1]);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

// The summary must be the last line, alone: "N passed, M failed".
void expect_summary(const std::string& output, bool all_passed) {
  static const std::regex kSummary(R"((^|\n)(\d+) passed, (\d+) failed\n$)");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(output, m, kSummary)) << output;
  if (all_passed) {
    EXPECT_GT(std::stoi(m[2]), 0) << output;
    EXPECT_EQ(m[3], "0") << output;
  } else {
    EXPECT_NE(m[3], "0") << output;
  }
}

std::string sha256_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

// --- broken fixtures fail, precisely -------------------------------------------

struct BrokenCase {
  std::string plugin;
  std::set<std::string> failing;     // exactly these checks fail
  std::vector<std::string> reasons;  // and the output says these
};

// gtest names a failing case by this, not by a byte dump.
void PrintTo(const BrokenCase& c, std::ostream* os) {
  *os << c.plugin;
}

class BrokenPlugin : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenPlugin, FailsExactlyTheChecksItsBugBreaksWithAReason) {
  const BrokenCase& c = GetParam();
  const KitRun r = run_kit({test_plugin(c.plugin), "--instance-config", "{}"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(failed_checks(r.output), c.failing) << r.output;
  for (const auto& reason : c.reasons)
    EXPECT_NE(r.output.find(reason), std::string::npos) << "missing: " << reason << "\n" << r.output;
  expect_summary(r.output, false);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, BrokenPlugin,
    ::testing::Values(
        BrokenCase{"broken_storage_range",
                   {"storage.range_first_last", "storage.range_open_end", "storage.range_suffix",
                    "storage.range_clamped", "storage.range_beyond_end", "storage.empty_object"},
                   {"FAIL  storage.range_suffix: asked for the last 10 bytes of a 100-byte object, got 100 bytes",
                    "FAIL  storage.range_first_last: asked for bytes 10-19 of a 100-byte object, got 100 bytes",
                    "the contract says out_of_range"}},
        BrokenCase{"broken_storage_traversal",
                   {"storage.unsafe_keys_rejected"},
                   {"FAIL  storage.unsafe_keys_rejected: 12 of 12 keys", "'../nexus-check-", "(put: ok,",
                    "were not refused with invalid_argument"}},
        BrokenCase{"broken_storage_open",
                   {"storage.unsafe_keys_rejected", "storage.open_as_file"},
                   {"the descriptor on_open gave is not close-on-exec; open it with O_CLOEXEC",
                    "the bytes behind on_open's descriptor are not the object's",
                    "on_open of a missing key set a descriptor; only NEXUS_OK may"}},
        BrokenCase{"broken_storage_list",
                   {"storage.list_pages", "storage.list_malformed_cursor"},
                   {"appeared on page 1 and again on page 2; every key must be listed exactly once",
                    "listing with the made-up cursor"}},
        BrokenCase{"broken_tools_schema",
                   {"tools.names", "tools.input_schemas", "tools.inline_flags"},
                   {"FAIL  tools.names: the tool name 'echo' is listed twice",
                    "FAIL  tools.input_schemas: tool 'shout''s inputSchema has \"type\" \"string\"",
                    "FAIL  tools.inline_flags: tool 'echo' has \"x-nexus-inline\": \"yes\"; it must be true or false"}},
        BrokenCase{
            "broken_auth_allow_all",
            {"auth.garbage_bearer_not_allowed", "auth.credentials_not_leaked", "auth.two_instances"},
            {"FAIL  auth.garbage_bearer_not_allowed: 'Authorization: Bearer <a token nobody issued>' was ALLOWed",
             "FAIL  auth.credentials_not_leaked: the garbage bearer token appears in the principal JSON"}},
        BrokenCase{
            "broken_resources_prompts",
            {"resources.read_listed", "resources.unknown_uri_not_found", "resources.empty_uri_refused",
             "prompts.get_listed", "prompts.missing_argument_refused"},
            {"FAIL  resources.read_listed: reading the listed resource 'fixture://gone' returned not_found",
             "FAIL  resources.unknown_uri_not_found: reading the unknown resource 'nexus-check://no-such-resource/",
             "returned ok; expected not_found",
             "messages[0] has the role \"system\"; MCP prompt messages are \"user\" or \"assistant\"",
             "FAIL  prompts.missing_argument_refused: prompt 'explain' without its required argument 'topic' "
             "returned ok; expected invalid_argument"}},
        BrokenCase{"broken_no_error_message",
                   {"tools.unknown_tool_not_found", "common.error_messages"},
                   {"FAIL  tools.unknown_tool_not_found: not_found for an unknown tool came without a message",
                    "on_call_tool('nexus_check_no_such_tool') returned not_found without a message"}}),
    [](const ::testing::TestParamInfo<BrokenCase>& info) { return info.param.plugin; });

// --- first-party plugins pass -------------------------------------------------------

void expect_all_pass(const KitRun& r) {
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(failed_checks(r.output).empty()) << r.output;
  EXPECT_NE(r.output.find(" passed, 0 failed\n"), std::string::npos) << r.output;
  expect_summary(r.output, true);
}

TEST(PluginCheck, FsPassesWithTwoRoots) {
  const nexus::test::TempDir a, b;
  const KitRun r = run_kit({plugin("fs"), "--instance-config", R"({"root": ")" + a.path().string() + R"("})",
                            "--second-config", R"({"root": ")" + b.path().string() + R"("})"});
  expect_all_pass(r);
  EXPECT_NE(r.output.find("PASS  storage.two_instances"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("PASS  storage.list_pages"), std::string::npos) << r.output;
}

// --unsorted-listing relaxes the order only: a listing that repeats keys
// (the cursor ignored) still fails, with the same reason.
TEST(PluginCheck, UnsortedListingStillRequiresEveryKeyExactlyOnce) {
  const KitRun r = run_kit({test_plugin("broken_storage_list"), "--instance-config", "{}", "--unsorted-listing"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("FAIL  storage.list_pages"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("every key must be listed exactly once"), std::string::npos) << r.output;
  const KitRun sorted = run_kit({plugin("memory"), "--instance-config", "{}", "--unsorted-listing", "--verbose"});
  EXPECT_EQ(sorted.exit_code, 0) << sorted.output;
  EXPECT_NE(sorted.output.find("order not checked: --unsorted-listing"), std::string::npos) << sorted.output;
}

TEST(PluginCheck, MemoryPasses) {
  const KitRun r = run_kit({plugin("memory"), "--instance-config", "{}"});
  expect_all_pass(r);
  EXPECT_NE(r.output.find("PASS  storage.concurrent_calls"), std::string::npos) << r.output;
}

TEST(PluginCheck, ApikeyPassesAndAllowsTheKnownKey) {
  const std::string key = "plugin-check-test-key-42";
  const std::string config =
      R"({"keys": [{"id": "check", "sha256": ")" + sha256_hex(key) + R"(", "scopes": ["storage:*"]}]})";
  const KitRun r = run_kit({plugin("apikey"), "--instance-config", config, "--auth-allow-header", "X-API-Key: " + key});
  expect_all_pass(r);
  EXPECT_NE(r.output.find("PASS  auth.allow_header"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("PASS  auth.credentials_not_leaked"), std::string::npos) << r.output;
}

TEST(PluginCheck, ApikeyFailsWhenTheAllowHeaderIsWrong) {
  const std::string config =
      R"({"keys": [{"id": "check", "sha256": ")" + sha256_hex("the-real-key-123") + R"(", "scopes": ["*"]}]})";
  const KitRun r =
      run_kit({plugin("apikey"), "--instance-config", config, "--auth-allow-header", "X-API-Key: not-the-key"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(failed_checks(r.output),
            (std::set<std::string>{"auth.allow_header", "auth.concurrent_calls", "auth.two_instances"}))
      << r.output;
  EXPECT_NE(r.output.find("got DENY"), std::string::npos) << r.output;
}

TEST(PluginCheck, CEchoPasses) {
  expect_all_pass(run_kit({test_plugin("c_echo"), "--instance-config", "{}"}));
}

TEST(PluginCheck, ToolCallResultIsChecked) {
  const KitRun r = run_kit({test_plugin("c_echo"), "--instance-config", "{}", "--tool-call", R"(echo {"text": "hi"})"});
  expect_all_pass(r);
  EXPECT_NE(r.output.find("PASS  tools.tool_calls"), std::string::npos) << r.output;
}

// --- resources and prompts ------------------------------------------------------------

// The MCP conformance fixture serves resources, templates and prompts the
// official suite accepts; the kit must agree with it.
TEST(PluginCheck, ConformanceFixtureResourcesAndPromptsPass) {
  const KitRun r =
      run_kit({test_plugin("conformance"), "--instance-config", "{}", "--kind", "resources", "--kind", "prompts"});
  expect_all_pass(r);
  for (const char* check : {"PASS  resources.list_shape", "PASS  resources.read_listed",
                            "PASS  resources.unknown_uri_not_found", "PASS  prompts.get_listed",
                            "PASS  prompts.missing_argument_refused", "PASS  prompts.arguments_not_object_refused"})
    EXPECT_NE(r.output.find(check), std::string::npos) << check << "\n" << r.output;
}

// --- dependencies (--dependency) ---------------------------------------------------------

TEST(PluginCheck, KvPassesWithAMemoryDependency) {
  const KitRun r = run_kit({plugin("kv"), "--dependency", "store=" + plugin("memory") + ":{}", "--instance-config",
                            R"({"storage": "store"})", "--tool-call", R"(kv_put {"key": "a", "value": "1"})",
                            "--tool-call", R"(kv_get {"key": "a"})"});
  expect_all_pass(r);
  EXPECT_NE(r.output.find("PASS  common.dependencies_created"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("PASS  common.dependencies_declared"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("PASS  tools.tool_calls"), std::string::npos) << r.output;
}

// The host refuses a lookup of an instance the config schema does not mark
// "x-nexus-instance" (failed_precondition); so must the kit, in the host's words.
TEST(PluginCheck, UndeclaredDependencyIsRefusedWithTheHostsMessage) {
  const KitRun r = run_kit({test_plugin("broken_undeclared_dependency"), "--dependency",
                            "store=" + plugin("memory") + ":{}", "--instance-config", R"({"storage": "store"})"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(failed_checks(r.output),
            (std::set<std::string>{"common.create_destroy_twice", "common.create", "common.module_init_twice"}))
      << r.output;
  EXPECT_NE(
      r.output.find("FAIL  common.create: on_instance_create with --instance-config returned failed_precondition"),
      std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("instance 'check-a' asked for instance 'store', which its config does not name in a property "
                          "marked \"x-nexus-instance\""),
            std::string::npos)
      << r.output;
  // The dependency is given but nothing declares it: said, as a warning.
  EXPECT_NE(r.output.find("WARN  common.dependencies_declared: --dependency store is not named by the instance config"),
            std::string::npos)
      << r.output;
  expect_summary(r.output, false);
}

TEST(PluginCheck, DeclaredDependencyNotGivenIsNotFound) {
  const KitRun r = run_kit({plugin("kv"), "--instance-config", R"({"storage": "nowhere"})"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(failed_checks(r.output),
            (std::set<std::string>{"common.dependencies_declared", "common.create_destroy_twice", "common.create",
                                   "common.module_init_twice"}))
      << r.output;
  EXPECT_NE(
      r.output.find("FAIL  common.dependencies_declared: --instance-config at /storage names instance 'nowhere' "
                    "(\"x-nexus-instance\": \"nexus.storage/1\"), but no --dependency nowhere=PLUGIN.so:CONFIG_JSON"),
      std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("returned not_found"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("which nexus-plugin-check was not given; add --dependency nowhere=PLUGIN.so:CONFIG_JSON"),
            std::string::npos)
      << r.output;
}

TEST(PluginCheck, DependencyWithoutTheInterfaceIsUnimplemented) {
  const KitRun r = run_kit(
      {plugin("kv"), "--dependency", "store=" + test_plugin("c_echo"), "--instance-config", R"({"storage": "store"})"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(failed_checks(r.output),
            (std::set<std::string>{"common.dependencies_declared", "common.create_destroy_twice", "common.create",
                                   "common.module_init_twice"}))
      << r.output;
  EXPECT_NE(r.output.find("but --dependency store (plugin 'c_echo') does not provide nexus.storage/1"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("returned unimplemented"), std::string::npos) << r.output;
}

TEST(PluginCheck, DependencyThatCannotBeCreatedFailsWithItsReason) {
  const KitRun bad_config = run_kit({plugin("kv"), "--dependency", "store=" + plugin("fs") + R"(:{"no_root": 1})",
                                     "--instance-config", R"({"storage": "store"})"});
  EXPECT_EQ(bad_config.exit_code, 1) << bad_config.output;
  EXPECT_NE(bad_config.output.find("FAIL  common.dependencies_created: --dependency store=" + plugin("fs") +
                                   ": the config {\"no_root\":1} breaks the plugin's schema"),
            std::string::npos)
      << bad_config.output;
  const KitRun missing = run_kit({plugin("kv"), "--dependency", "store=" + test_plugin("does_not_exist") + ":{}",
                                  "--instance-config", R"({"storage": "store"})"});
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("FAIL  common.dependencies_created: --dependency store=" +
                                test_plugin("does_not_exist") + ": the plugin does not load"),
            std::string::npos)
      << missing.output;
}

TEST(PluginCheck, DependencyUsageErrorsExitTwo) {
  const std::string kv = plugin("kv");
  for (const std::string& bad :
       {std::string("store"), std::string("=x.so:{}"), std::string("store="), std::string("st/ore=x.so"),
        std::string("store=x.so:[1]"), std::string("store=x.so:{oops")}) {
    const KitRun r = run_kit({kv, "--instance-config", "{}", "--dependency", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << "\n" << r.output;
    EXPECT_NE(r.output.find("--dependency"), std::string::npos) << bad << "\n" << r.output;
  }
  const KitRun twice = run_kit({kv, "--instance-config", "{}", "--dependency", "s=a.so", "--dependency", "s=b.so"});
  EXPECT_EQ(twice.exit_code, 2) << twice.output;
  EXPECT_NE(twice.output.find("the instance name 's' is given twice"), std::string::npos) << twice.output;
}

// --- loading and usage ----------------------------------------------------------------

TEST(PluginCheck, RefusesWhatTheHostRefuses) {
  const KitRun r = run_kit({test_plugin("abi_major2"), "--instance-config", "{}"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("FAIL  common.load: plugin '"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("rebuild it against SDK 1.x"), std::string::npos) << r.output;
  expect_summary(r.output, false);
}

TEST(PluginCheck, MissingFileIsAFailedLoad) {
  const KitRun r = run_kit({test_plugin("does_not_exist"), "--instance-config", "{}"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("FAIL  common.load:"), std::string::npos) << r.output;
}

TEST(PluginCheck, AskingForAKindThePluginLacksFails) {
  const KitRun r = run_kit({test_plugin("c_echo"), "--instance-config", "{}", "--kind", "storage"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(failed_checks(r.output), (std::set<std::string>{"common.kind_storage"})) << r.output;
}

TEST(PluginCheck, UsageErrorsExitTwo) {
  EXPECT_EQ(run_kit({}).exit_code, 2);
  EXPECT_EQ(run_kit({test_plugin("c_echo")}).exit_code, 2);  // no --instance-config
  const KitRun bad_json = run_kit({test_plugin("c_echo"), "--instance-config", "{not json"});
  EXPECT_EQ(bad_json.exit_code, 2);
  EXPECT_NE(bad_json.output.find("is not valid JSON"), std::string::npos) << bad_json.output;
  EXPECT_EQ(run_kit({test_plugin("c_echo"), "--instance-config", "{}", "--kind", "video"}).exit_code, 2);
  EXPECT_EQ(run_kit({test_plugin("c_echo"), "--instance-config", "{}", "--no-such-option"}).exit_code, 2);
}

TEST(PluginCheck, HelpExplainsWithAnExample) {
  const KitRun r = run_kit({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("--instance-config"), std::string::npos);
  EXPECT_NE(r.output.find("Example:"), std::string::npos);
  EXPECT_NE(r.output.find("Exit status"), std::string::npos);
  EXPECT_NE(r.output.find("--dependency NAME=PLUGIN.so:CONFIG_JSON"), std::string::npos);
  EXPECT_NE(r.output.find("resources     "), std::string::npos);
  EXPECT_NE(r.output.find("prompts       "), std::string::npos);
}

}  // namespace
