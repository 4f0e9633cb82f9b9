// Unit tests for nexus/host/config.hpp: comments, ${VAR} interpolation and
// the host-owned sections. Every error test asserts the file and JSON path.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include <gtest/gtest.h>

#include "nexus/host/config.hpp"

namespace {

namespace fs = std::filesystem;
using nexus::host::Config;
using nexus::host::ConfigError;
using nexus::host::EnvLookup;
using nexus::host::interpolate_env;
using nexus::host::parse_config;
using nexus::host::strip_json_comments;
using nlohmann::json;

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const EnvLookup kNoEnv = env_of({});

Config parse(const std::string& text, const EnvLookup& env = kNoEnv) {
  return parse_config(text, "/etc/nexus/cfg.json", env);
}

// The message of the ConfigError `f` throws; fails the test if none.
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return "";
}

std::string parse_error(const std::string& text, const EnvLookup& env = kNoEnv) {
  return error_of([&] { parse(text, env); });
}

// --- comments -------------------------------------------------------------

TEST(StripJsonComments, RemovesLineAndBlockCommentsKeepingLayout) {
  const std::string in = "{ // note\n  \"a\": /* x\n y */ 1\n}";
  const std::string out = strip_json_comments(in);
  ASSERT_EQ(out.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\n') {
      EXPECT_EQ(out[i], '\n') << "newline moved at " << i;
    }
  }
  EXPECT_EQ(json::parse(out), json({{"a", 1}}));
  EXPECT_EQ(out.find("note"), std::string::npos);
}

TEST(StripJsonComments, LeavesCommentMarkersInsideStrings) {
  const std::string in = R"({"url": "http://x/*y*/", "q": "a\"//b", "p": "C:\\"} // end)";
  const json j = json::parse(strip_json_comments(in));
  EXPECT_EQ(j["url"], "http://x/*y*/");
  EXPECT_EQ(j["q"], "a\"//b");
  EXPECT_EQ(j["p"], "C:\\");
}

TEST(StripJsonComments, UnterminatedBlockCommentNamesItsLine) {
  const std::string msg = error_of([] { strip_json_comments("{\n\"a\": 1,\n /* open\n}"); });
  EXPECT_NE(msg.find("line 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unterminated /*"), std::string::npos) << msg;
}

TEST(ParseConfig, UnterminatedCommentNamesFile) {
  EXPECT_EQ(parse_error("{}\n/*"), "/etc/nexus/cfg.json: line 2: unterminated /* comment; close it with */");
}

TEST(ParseConfig, JsonSyntaxErrorIsFileLineColumnAfterComments) {
  // Line 3, column 10 is the stray '}' — the comments before it must not
  // shift the position.
  const std::string msg = parse_error("// header\n{ /* c */\n  \"a\": 1,}\n");
  EXPECT_EQ(msg.rfind("/etc/nexus/cfg.json:3:10: ", 0), 0u) << msg;
  EXPECT_EQ(msg.find("json.exception"), std::string::npos) << msg;
}

// --- interpolation ----------------------------------------------------------

json interpolated(json doc, const EnvLookup& env) {
  interpolate_env(doc, env, "");
  return doc;
}

std::string interpolation_error(json doc, const EnvLookup& env = kNoEnv) {
  return error_of([&] { interpolate_env(doc, env, ""); });
}

TEST(InterpolateEnv, SubstitutesSetVariablesInNestedStrings) {
  const json out =
      interpolated({{"a", {{"b", "nexus-ai-${ENV}-call-data"}}}, {"l", {"x", "${ENV}"}}}, env_of({{"ENV", "prod"}}));
  EXPECT_EQ(out["a"]["b"], "nexus-ai-prod-call-data");
  EXPECT_EQ(out["l"][1], "prod");
}

TEST(InterpolateEnv, UnsetVariableNamesPathAndFix) {
  EXPECT_EQ(interpolation_error({{"instances", {{"x", {{"config", {{"root", "${DATA}/rec"}}}}}}}}),
            "/instances/x/config/root: ${DATA} is not set; set it or write ${DATA:-default}");
}

TEST(InterpolateEnv, UnsetVariableInArrayNamesIndex) {
  EXPECT_EQ(interpolation_error({{"plugin_dirs", {"a", "${D}"}}}),
            "/plugin_dirs/1: ${D} is not set; set it or write ${D:-default}");
}

TEST(InterpolateEnv, DefaultUsedWhenUnsetOrEmpty) {
  const json doc = {{"a", "${X:-dflt}"}};
  EXPECT_EQ(interpolated(doc, kNoEnv)["a"], "dflt");
  EXPECT_EQ(interpolated(doc, env_of({{"X", ""}}))["a"], "dflt");
  EXPECT_EQ(interpolated(doc, env_of({{"X", "v"}}))["a"], "v");
  EXPECT_EQ(interpolated({{"a", "${X:-}"}}, kNoEnv)["a"], "");
}

TEST(InterpolateEnv, EmptyValueWithoutDefaultIsEmptyString) {
  EXPECT_EQ(interpolated({{"a", "<${X}>"}}, env_of({{"X", ""}}))["a"], "<>");
}

TEST(InterpolateEnv, DefaultMayReferenceAnotherVariable) {
  EXPECT_EQ(interpolated({{"a", "${A:-${B}/x}"}}, env_of({{"B", "b"}}))["a"], "b/x");
}

TEST(InterpolateEnv, DoubleDollarEscapesReference) {
  EXPECT_EQ(interpolated({{"a", "$${HOME} and $$ and $X"}}, env_of({{"HOME", "/h"}}))["a"], "${HOME} and $$ and $X");
}

TEST(InterpolateEnv, MalformedReferencesNamePath) {
  for (const std::string bad : {"${", "x${}", "${1A}", "${A", "${A-b}", "${A:b}", "${A B}"}) {
    const std::string msg = interpolation_error({{"k", {{"v", bad}}}});
    EXPECT_EQ(msg.rfind("/k/v: ", 0), 0u) << bad << " -> " << msg;
    EXPECT_TRUE(msg.find("malformed") != std::string::npos || msg.find("unterminated") != std::string::npos)
        << bad << " -> " << msg;
  }
}

TEST(InterpolateEnv, NumberLookingValueStaysString) {
  const json out = interpolated({{"n", "${N}"}, {"b", "${B}"}}, env_of({{"N", "8"}, {"B", "true"}}));
  EXPECT_EQ(out["n"], json("8"));
  EXPECT_EQ(out["b"], json("true"));
}

TEST(InterpolateEnv, KeysAreNotInterpolated) {
  const json out = interpolated({{"${K}", "v"}}, env_of({{"K", "key"}}));
  EXPECT_TRUE(out.contains("${K}"));
}

TEST(ParseConfig, InterpolationErrorNamesFileAndPath) {
  EXPECT_EQ(parse_error(R"({"instances": {"x": {"plugin": "fs", "config": {"root": "${NOPE}"}}}})"),
            "/etc/nexus/cfg.json: /instances/x/config/root: ${NOPE} is not set; set it or write ${NOPE:-default}");
}

TEST(ParseConfig, InterpolatesBeforeStructuralChecks) {
  const Config c = parse(R"({"http": {"listen": "${ADDR:-127.0.0.1}:${PORT}"},
      "instances": {"x": {"plugin": "fs", "config": {"root": "${R}"}}}})",
                         env_of({{"PORT", "9000"}, {"R", "/data"}}));
  EXPECT_EQ(c.http.listen, "127.0.0.1:9000");
  EXPECT_EQ(c.instances.at(0).config["root"], "/data");
}

// Host integer settings take a string of digits, so they can come from the
// environment: "max_workers": "${MAX_WORKERS:-16}".
TEST(ParseConfig, InterpolatedDigitsFillAHostIntegerField) {
  const Config c = parse(R"({"http": {"threads": "${T}", "max_workers": "${MAX_WORKERS:-16}"}})", env_of({{"T", "8"}}));
  EXPECT_EQ(c.http.threads, 8u);
  EXPECT_EQ(c.http.max_workers, 16u);
  EXPECT_EQ(parse_error(R"({"http": {"threads": "${T}"}})", env_of({{"T", "eight"}})),
            "/etc/nexus/cfg.json: /http/threads: expected an integer, got the string 'eight'");
  EXPECT_EQ(parse_error(R"({"http": {"threads": "${T}"}})", env_of({{"T", "-2"}})),
            "/etc/nexus/cfg.json: /http/threads: expected an integer, got the string '-2'");
  EXPECT_EQ(parse_error(R"({"http": {"threads": "${T}"}})", env_of({{"T", "0"}})),
            "/etc/nexus/cfg.json: /http/threads: expected an integer from 1 to 1024, got 0");
}

// --- structure --------------------------------------------------------------

TEST(ParseConfig, EmptyObjectGivesDefaults) {
  const Config c = parse("{}", env_of({{"XDG_STATE_HOME", "/var/state"}}));
  EXPECT_EQ(c.source, fs::path("/etc/nexus/cfg.json"));
  EXPECT_EQ(c.http.listen, "127.0.0.1:8000");
  EXPECT_EQ(c.http.threads, 4u);
  EXPECT_EQ(c.logging.level, "info");
  EXPECT_TRUE(c.instances.empty());
  EXPECT_EQ(c.state_dir, fs::path("/var/state/nexus"));
}

TEST(ParseConfig, DefaultStateDirWithoutXdgIsPerUserTmp) {
  EXPECT_EQ(parse("{}").state_dir, fs::path("/tmp/nexus-" + std::to_string(::getuid())));
  EXPECT_EQ(parse("{}", env_of({{"XDG_STATE_HOME", ""}})).state_dir,
            fs::path("/tmp/nexus-" + std::to_string(::getuid())));
}

TEST(ParseConfig, ReadsEverySection) {
  const Config c = parse(R"({
    "http": {"listen": "[::1]:0", "max_body_bytes": 1024, "threads": 2, "shutdown_grace_seconds": 5},
    "logging": {"level": "debug", "format": "json"},
    "plugin_dirs": ["plugins", "/abs/plugins"],
    "plugins": {"fs": {"sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                       "path": "../lib/libnexus_fs.so"}},
    "instances": {"zeta": {"plugin": "memory"}, "alpha": {"plugin": "fs", "config": {"root": "/r"}},
                  "keys": {"plugin": "apikey"}},
    "routes": {"storage": {"auth": ["keys"]}, "health": {"public": true}},
    "state_dir": "state"
  })");
  EXPECT_EQ(c.http.listen, "[::1]:0");
  EXPECT_EQ(c.http.max_body_bytes, 1024u);
  EXPECT_EQ(c.http.threads, 2u);
  EXPECT_EQ(c.http.shutdown_grace_seconds, 5u);
  EXPECT_EQ(c.logging.level, "debug");
  EXPECT_EQ(c.logging.format, "json");
  EXPECT_EQ(c.plugin_dirs, (std::vector<fs::path>{"/etc/nexus/plugins", "/abs/plugins"}));
  ASSERT_EQ(c.plugins.count("fs"), 1u);
  EXPECT_EQ(c.plugins.at("fs").path, fs::path("/etc/lib/libnexus_fs.so"));
  EXPECT_EQ(c.plugins.at("fs").sha256->size(), 64u);
  ASSERT_EQ(c.instances.size(), 3u);
  EXPECT_EQ(c.instances[0].name, "alpha");
  EXPECT_EQ(c.instances[1].name, "keys");
  EXPECT_EQ(c.instances[2].name, "zeta");
  EXPECT_EQ(c.instances[0].config, json({{"root", "/r"}}));
  EXPECT_EQ(c.instances[2].config, json::object());
  EXPECT_EQ(c.instances[2].json_path, "/instances/zeta");
  EXPECT_EQ(c.routes.at("storage").auth, std::vector<std::string>{"keys"});
  EXPECT_TRUE(c.routes.at("health").is_public);
  EXPECT_EQ(c.state_dir, fs::path("/etc/nexus/state"));
}

TEST(ParseConfig, RootMustBeObject) {
  EXPECT_EQ(parse_error("[]"), "/etc/nexus/cfg.json: /: expected an object, got array");
}

TEST(ParseConfig, UnknownTopLevelKeyListsKnownAndSuggests) {
  EXPECT_EQ(parse_error(R"({"htp": {}})"),
            "/etc/nexus/cfg.json: /htp: unknown key 'htp' (known: $schema, http, instances, logging, mcp, plugin_dirs, "
            "plugins, routes, state_dir, transcription); did you mean 'http'?");
}

TEST(ParseConfig, AcceptsASchemaKeyForEditors) {
  EXPECT_NO_THROW(parse(R"({"$schema": "./nexus.schema.json", "instances": {}})", kNoEnv));
}

TEST(ParseConfig, HttpConnectionTimeoutsHaveDefaultsAndRanges) {
  const Config d = parse(R"({"instances": {}})", kNoEnv);
  EXPECT_EQ(d.http.header_timeout_ms, 60000u);
  EXPECT_EQ(d.http.idle_timeout_ms, 300000u);
  const Config c = parse(R"({"http": {"header_timeout_ms": 5000, "idle_timeout_ms": "120000"}, "instances": {}})", kNoEnv);
  EXPECT_EQ(c.http.header_timeout_ms, 5000u);
  EXPECT_EQ(c.http.idle_timeout_ms, 120000u);
  EXPECT_NE(parse_error(R"({"http": {"header_timeout_ms": 10}})").find("/http/header_timeout_ms"), std::string::npos);
  EXPECT_NE(parse_error(R"({"http": {"idle_timeout_ms": -1}})").find("/http/idle_timeout_ms"), std::string::npos);
}

TEST(ParseConfig, ARouteGroupThatWouldRefuseEveryRequestIsAnError) {
  for (const char* entry : {R"({})", R"({"auth": []})", R"({"public": false})"}) {
    const std::string e = parse_error(std::string(R"({"instances": {}, "routes": {"mcp": )") + entry + "}}");
    EXPECT_NE(e.find("/routes/mcp: route group 'mcp' has no auth instances and is not public"), std::string::npos)
        << entry << ": " << e;
  }
}

TEST(ParseConfig, UnknownKeysInEverySection) {
  EXPECT_NE(parse_error(R"({"http": {"listne": "x"}})")
                .find("/etc/nexus/cfg.json: /http/listne: unknown key 'listne' (known: header_timeout_ms, "
                      "idle_timeout_ms, listen, max_body_bytes, max_workers, min_workers, queue_limit, "
                      "request_timeout_ms, retry_after_seconds, shutdown_grace_seconds, threads)"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"logging": {"lvl": "x"}})").find(": /logging/lvl: unknown key 'lvl'"), std::string::npos);
  EXPECT_NE(parse_error(R"({"plugins": {"fs": {"sha": "x"}}})").find(": /plugins/fs/sha: unknown key 'sha'"),
            std::string::npos);
  EXPECT_NE(
      parse_error(R"({"instances": {"a": {"plugin": "fs", "cfg": {}}}})").find(": /instances/a/cfg: unknown key 'cfg'"),
      std::string::npos);
  EXPECT_NE(parse_error(R"({"routes": {"mcp": {"auht": []}}})").find(": /routes/mcp/auht: unknown key 'auht'"),
            std::string::npos);
}

TEST(ParseConfig, WrongTypesNamePathAndBothTypes) {
  EXPECT_EQ(parse_error(R"({"http": {"threads": "4x"}})"),
            "/etc/nexus/cfg.json: /http/threads: expected an integer, got the string '4x'");
  EXPECT_EQ(parse_error(R"({"http": {"threads": 1.5}})"),
            "/etc/nexus/cfg.json: /http/threads: expected an integer, got number");
  EXPECT_EQ(parse_error(R"({"http": []})"), "/etc/nexus/cfg.json: /http: expected an object, got array");
  EXPECT_EQ(parse_error(R"({"http": {"listen": 80}})"),
            "/etc/nexus/cfg.json: /http/listen: expected a string, got integer");
  EXPECT_EQ(parse_error(R"({"plugin_dirs": "p"})"),
            "/etc/nexus/cfg.json: /plugin_dirs: expected an array of folder paths, got string");
  EXPECT_EQ(parse_error(R"({"plugin_dirs": ["a", 1]})"),
            "/etc/nexus/cfg.json: /plugin_dirs/1: expected a string, got integer");
  EXPECT_EQ(parse_error(R"({"routes": {"health": {"public": "yes"}}})"),
            "/etc/nexus/cfg.json: /routes/health/public: expected a boolean (true or false), got string");
  EXPECT_EQ(parse_error(R"({"instances": {"a": {"plugin": "fs", "config": "x"}}})"),
            "/etc/nexus/cfg.json: /instances/a/config: expected an object, got string");
  EXPECT_EQ(parse_error(R"({"state_dir": false})"), "/etc/nexus/cfg.json: /state_dir: expected a string, got boolean");
}

TEST(ParseConfig, IntegerRanges) {
  EXPECT_EQ(parse_error(R"({"http": {"threads": 0}})"),
            "/etc/nexus/cfg.json: /http/threads: expected an integer from 1 to 1024, got 0");
  EXPECT_EQ(parse_error(R"({"http": {"shutdown_grace_seconds": -1}})"),
            "/etc/nexus/cfg.json: /http/shutdown_grace_seconds: expected an integer from 0 to 3600, got -1");
}

TEST(ParseConfig, MissingPluginIsNamedByPath) {
  const std::string msg = parse_error(R"({"instances": {"rec": {"config": {}}}})");
  EXPECT_EQ(msg.rfind("/etc/nexus/cfg.json: /instances/rec/plugin: required key missing", 0), 0u) << msg;
}

TEST(ParseConfig, InstanceNamesAndPluginIdsAreChecked) {
  EXPECT_EQ(parse_error(R"({"instances": {"Rec": {"plugin": "fs"}}})"),
            "/etc/nexus/cfg.json: /instances/Rec: instance name 'Rec' must match [a-z][a-z0-9_-]{0,62}");
  EXPECT_NE(parse_error(R"({"instances": {"1rec": {"plugin": "fs"}}})").find(": /instances/1rec: instance name"),
            std::string::npos);
  EXPECT_EQ(parse_error(R"({"instances": {"rec": {"plugin": "../fs"}}})"),
            "/etc/nexus/cfg.json: /instances/rec/plugin: plugin id '../fs' must match [a-z0-9][a-z0-9_-]{0,62}");
  EXPECT_EQ(parse_error(R"({"plugins": {"F s": {}}})"),
            "/etc/nexus/cfg.json: /plugins/F s: plugin id 'F s' must match [a-z0-9][a-z0-9_-]{0,62}");
  EXPECT_NO_THROW(parse(R"({"instances": {"a": {"plugin": "9p"}}, "plugins": {"9p": {}}})"));
}

TEST(ParseConfig, Sha256MustBeLowerCaseHex) {
  const std::string upper(64, 'A');
  EXPECT_EQ(parse_error(R"({"plugins": {"fs": {"sha256": ")" + upper + R"("}}})"),
            "/etc/nexus/cfg.json: /plugins/fs/sha256: expected 64 lower-case hex digits (the output of sha256sum), got "
            "64 characters");
  EXPECT_NE(parse_error(R"({"plugins": {"fs": {"sha256": "abc"}}})").find(": /plugins/fs/sha256: expected 64"),
            std::string::npos);
}

TEST(ParseConfig, ListenForms) {
  for (const std::string ok :
       {"127.0.0.1:8000", "0.0.0.0:0", "[::1]:65535", "[::]:80", "localhost:1", "api.example.com:443"}) {
    EXPECT_NO_THROW(parse(R"({"http": {"listen": ")" + ok + R"("}})")) << ok;
  }
  for (const std::string bad : {"localhost", "127.0.0.1:65536", "1.2.3:-1", "::1:80", "[::1]80", "[zz]:1",
                                "999.0.0.1:80", ":80", "bad_host!:80", "h:"}) {
    const std::string msg = parse_error(R"({"http": {"listen": ")" + bad + R"("}})");
    EXPECT_EQ(msg.rfind("/etc/nexus/cfg.json: /http/listen: ", 0), 0u) << bad << " -> " << msg;
  }
}

TEST(ParseConfig, RouteGroupsChecked) {
  EXPECT_EQ(parse_error(R"({"routes": {"files": {}}})"),
            "/etc/nexus/cfg.json: /routes/files: unknown route group 'files' (known: health, storage, admin, "
            "transcription, tokens, mcp, metrics)");
}

TEST(ParseConfig, PublicWithAuthIsAContradiction) {
  const std::string msg = parse_error(
      R"({"instances": {"keys": {"plugin": "apikey"}}, "routes": {"storage": {"public": true, "auth": ["keys"]}}})");
  EXPECT_EQ(msg.rfind("/etc/nexus/cfg.json: /routes/storage: \"public\": true and a non-empty \"auth\"", 0), 0u) << msg;
  EXPECT_NO_THROW(parse(R"({"routes": {"storage": {"public": true, "auth": []}}})"));
}

TEST(ParseConfig, AuthNamesMustBeInstances) {
  EXPECT_EQ(
      parse_error(R"({"instances": {"keys": {"plugin": "apikey"}}, "routes": {"mcp": {"auth": ["keys", "jwt"]}}})"),
      "/etc/nexus/cfg.json: /routes/mcp/auth/1: no instance named 'jwt'; declare it under /instances");
  EXPECT_EQ(
      parse_error(R"({"instances": {"keys": {"plugin": "apikey"}}, "routes": {"mcp": {"auth": ["keys", "keys"]}}})"),
      "/etc/nexus/cfg.json: /routes/mcp/auth/1: auth instance 'keys' is listed twice");
}

TEST(ParseConfig, LoggingValuesChecked) {
  EXPECT_EQ(parse_error(R"({"logging": {"level": "verbose"}})"),
            "/etc/nexus/cfg.json: /logging/level: expected one of trace, debug, info, warn, error, got 'verbose'");
  EXPECT_EQ(parse_error(R"({"logging": {"format": "xml"}})"),
            "/etc/nexus/cfg.json: /logging/format: expected one of text, json, got 'xml'");
}

TEST(ParseConfig, EmptyPathsRejected) {
  EXPECT_EQ(parse_error(R"({"state_dir": ""})"), "/etc/nexus/cfg.json: /state_dir: must not be empty");
  EXPECT_EQ(parse_error(R"({"plugins": {"fs": {"path": ""}}})"),
            "/etc/nexus/cfg.json: /plugins/fs/path: must not be empty");
}

TEST(ParseConfig, TextWithoutSourceIsNamedAndAnchoredAtCwd) {
  EXPECT_EQ(error_of([] { parse_config(R"({"x": 1})", "", kNoEnv); }).rfind("<config>: /x: unknown key", 0), 0u);
  const Config c = parse_config(R"({"plugin_dirs": ["p"]})", "", kNoEnv);
  EXPECT_EQ(c.plugin_dirs.at(0), fs::current_path() / "p");
}

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nexus-config-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ConfigFileTest, LoadsFileAndResolvesAgainstItsFolder) {
  const fs::path file = dir_ / "nexus.json";
  std::ofstream(file)
      << "// comment\n{\"plugin_dirs\": [\"plugins\"], \"instances\": {\"m\": {\"plugin\": \"memory\"}}}\n";
  const Config c = nexus::host::load_config_file(file, kNoEnv);
  EXPECT_EQ(c.source, file);
  EXPECT_EQ(c.plugin_dirs.at(0), dir_ / "plugins");
  EXPECT_EQ(c.instances.at(0).name, "m");
}

TEST_F(ConfigFileTest, MissingFileNamesIt) {
  const fs::path file = dir_ / "absent.json";
  EXPECT_EQ(error_of([&] { nexus::host::load_config_file(file, kNoEnv); }),
            file.string() + ": cannot read the config file: No such file or directory");
  EXPECT_EQ(error_of([&] { nexus::host::load_config_file(dir_, kNoEnv); }),
            dir_.string() + ": is a folder; pass the config file itself");
}

TEST(ProcessEnv, ReadsTheEnvironment) {
  ::setenv("NEXUS_CONFIG_TEST_VAR", "v1", 1);
  ::unsetenv("NEXUS_CONFIG_TEST_UNSET");
  const EnvLookup env = nexus::host::process_env();
  EXPECT_EQ(env("NEXUS_CONFIG_TEST_VAR"), std::optional<std::string>("v1"));
  EXPECT_EQ(env("NEXUS_CONFIG_TEST_UNSET"), std::nullopt);
}

}  // namespace

TEST(ParseConfig, McpSectionDefaults) {
  const Config c = parse(R"({"instances": {}})");
  EXPECT_FALSE(c.mcp.session_key.has_value());
  EXPECT_TRUE(c.mcp.allowed_origins.empty());
  EXPECT_TRUE(c.mcp.allowed_hosts.empty());
  EXPECT_EQ(c.mcp.request_timeout_ms, 60000u);
  EXPECT_EQ(c.mcp.page_size, 100u);
  EXPECT_EQ(c.mcp.server_name, "nexus");
}

TEST(ParseConfig, McpSectionReadsEveryKey) {
  const Config c = parse(R"({"mcp": {"session_key": "0123456789abcdef0123", "allowed_origins": ["https://app.example.com"],
                                     "allowed_hosts": ["mcp.example.com"], "request_timeout_ms": 5000,
                                     "page_size": 7, "server_name": "nexus-test"}})");
  EXPECT_EQ(c.mcp.session_key, std::optional<std::string>("0123456789abcdef0123"));
  EXPECT_EQ(c.mcp.allowed_origins, std::vector<std::string>{"https://app.example.com"});
  EXPECT_EQ(c.mcp.allowed_hosts, std::vector<std::string>{"mcp.example.com"});
  EXPECT_EQ(c.mcp.request_timeout_ms, 5000u);
  EXPECT_EQ(c.mcp.page_size, 7u);
  EXPECT_EQ(c.mcp.server_name, "nexus-test");
}

TEST(ParseConfig, McpSectionRejectsUnknownKeysAndBadValues) {
  EXPECT_NE(parse_error(R"({"mcp": {"page_sise": 3}})").find(": /mcp/page_sise: unknown key 'page_sise'"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"mcp": {"page_size": 0}})").find(": /mcp/page_size:"), std::string::npos);
  EXPECT_NE(parse_error(R"({"mcp": {"allowed_hosts": "x"}})").find(": /mcp/allowed_hosts: expected an array"),
            std::string::npos);
  // A short key is refused, and the message never repeats the secret.
  const std::string e = parse_error(R"({"mcp": {"session_key": "tiny-secret"}})");
  EXPECT_NE(e.find(": /mcp/session_key: the session key is too short"), std::string::npos);
  EXPECT_EQ(e.find("tiny-secret"), std::string::npos);
}
