// Runtime::reload in process: what is kept, what is re-created, what a
// failed reload leaves behind (nothing), and that a call in flight finishes
// on the instance it started on.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "nexus/host/runtime.hpp"
#include "runtime/metrics.hpp"
#include "support/temp_dir.hpp"

using nexus::host::Config;
using nexus::host::ConfigError;
using nexus::host::ReloadResult;
using nexus::host::Runtime;
using json = nlohmann::json;
using Names = std::vector<std::string>;

namespace {

std::span<const std::uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

struct ReloadFixture : ::testing::Test {
  nexus::test::TempDir tmp;
  Config config;

  ReloadFixture() {
    config.source = "test.json";
    config.plugin_dirs = {NEXUS_TEST_PLUGIN_DIR, NEXUS_PLUGIN_DIR};
    config.state_dir = tmp / "state";
  }
  // Adds or replaces instance `name`.
  void set(const std::string& name, const std::string& plugin, json cfg = json::object()) {
    remove(name);
    config.instances.push_back({name, plugin, std::move(cfg), "/instances/" + name});
    std::sort(config.instances.begin(), config.instances.end(), [](auto& a, auto& b) { return a.name < b.name; });
  }
  void remove(const std::string& name) {
    std::erase_if(config.instances, [&](const auto& i) { return i.name == name; });
  }
  static std::string echo(const Runtime& rt, const std::string& instance) {
    std::string result;
    auto out = rt.tools(instance).call_tool({}, "echo", R"({"text":"hi"})", &result);
    EXPECT_TRUE(out.ok()) << out.message;
    return json::parse(result)["content"][0]["text"].get<std::string>();
  }
  static std::uint64_t generation_of(const Runtime& rt, const std::string& instance) {
    for (const auto& i : rt.instances())
      if (i.name == instance) return i.generation;
    ADD_FAILURE() << "no instance " << instance;
    return 0;
  }
  static bool has_object(const Runtime& rt, const std::string& instance, const std::string& key) {
    std::string info;
    const auto out = rt.storage(instance).head({}, key, &info);
    EXPECT_TRUE(out.ok() || out.status == NEXUS_NOT_FOUND) << out.message;
    return out.ok();
  }
  std::string reload_error(Runtime& rt) {
    try {
      rt.reload(config);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }
  static double reloads(const std::string& outcome) {
    for (const auto& s : nexus::host::host_metrics().snapshot())
      if (s.labels == "outcome=\"" + outcome + "\"") return s.value;
    ADD_FAILURE() << "no nexus_reloads_total{outcome=\"" << outcome << "\"}";
    return -1;
  }
};

TEST_F(ReloadFixture, AnUnchangedInstanceIsKeptWithItsState) {
  set("mem", "memory");
  set("echo", "c_echo", {{"prefix", "A:"}});
  auto rt = Runtime::start(config, {});
  ASSERT_TRUE(rt->storage("mem").put({}, {.key = "k", .body = bytes("v")}).ok());

  set("echo", "c_echo", {{"prefix", "B:"}});
  const ReloadResult r = rt->reload(config);

  EXPECT_EQ(r.generation, 2u);
  EXPECT_EQ(r.kept, Names{"mem"});
  EXPECT_EQ(r.replaced, Names{"echo"});
  EXPECT_TRUE(r.created.empty());
  EXPECT_TRUE(r.removed.empty());
  EXPECT_TRUE(has_object(*rt, "mem", "k"));  // the same object: what it held is still there
  EXPECT_EQ(generation_of(*rt, "mem"), 1u);
  EXPECT_EQ(generation_of(*rt, "echo"), 2u);
  EXPECT_EQ(echo(*rt, "echo"), R"(B:{"text":"hi"})");
  EXPECT_EQ(rt->generation(), 2u);
}

TEST_F(ReloadFixture, AChangedConfigCreatesANewInstanceWithTheNextGeneration) {
  set("mem", "memory");
  auto rt = Runtime::start(config, {});
  ASSERT_TRUE(rt->storage("mem").put({}, {.key = "k", .body = bytes("v")}).ok());

  set("mem", "memory", {{"max_bytes", 1000}});
  EXPECT_EQ(rt->reload(config).replaced, Names{"mem"});
  EXPECT_FALSE(has_object(*rt, "mem", "k"));  // a fresh memory instance
  EXPECT_EQ(generation_of(*rt, "mem"), 2u);

  set("mem", "memory", {{"max_bytes", 2000}});
  rt->reload(config);
  EXPECT_EQ(generation_of(*rt, "mem"), 3u);
}

TEST_F(ReloadFixture, AReloadOfTheSameConfigKeepsEverything) {
  set("mem", "memory");
  set("echo", "c_echo");
  auto rt = Runtime::start(config, {});
  const ReloadResult r = rt->reload(config);
  EXPECT_EQ(r.kept, (Names{"echo", "mem"}));
  EXPECT_TRUE(r.replaced.empty());
  EXPECT_EQ(r.generation, 2u);
  EXPECT_EQ(rt->retiring_instances(), 0u);
}

TEST_F(ReloadFixture, ADependentIsRebuiltWhenItsDependencyChanges) {
  set("a_user", "c_echo", {{"uses", "z_base"}, {"prefix", "U:"}});
  set("z_base", "c_echo", {{"prefix", "1:"}});
  set("other", "c_echo");
  auto rt = Runtime::start(config, {});

  set("z_base", "c_echo", {{"prefix", "2:"}});
  ReloadResult r = rt->reload(config);
  EXPECT_EQ(r.replaced, (Names{"a_user", "z_base"}));
  EXPECT_EQ(r.kept, Names{"other"});
  EXPECT_EQ(generation_of(*rt, "a_user"), 2u);
  EXPECT_EQ(echo(*rt, "a_user"), R"(U:{"text":"hi"})");

  // The dependent alone changing leaves its dependency as it is.
  set("a_user", "c_echo", {{"uses", "z_base"}, {"prefix", "V:"}});
  r = rt->reload(config);
  EXPECT_EQ(r.replaced, Names{"a_user"});
  EXPECT_EQ(r.kept, (Names{"other", "z_base"}));
}

TEST_F(ReloadFixture, InstancesComeAndGo) {
  set("mem", "memory");
  set("old", "c_echo");
  auto rt = Runtime::start(config, {});
  remove("old");
  set("new", "c_echo");
  const ReloadResult r = rt->reload(config);
  EXPECT_EQ(r.created, Names{"new"});
  EXPECT_EQ(r.removed, Names{"old"});
  EXPECT_FALSE(rt->has_instance("old"));
  EXPECT_EQ(generation_of(*rt, "new"), 1u);
  EXPECT_THROW(rt->tools("old"), std::out_of_range);
}

TEST_F(ReloadFixture, AnInvalidConfigLeavesTheRunningSetIntactAndNamesTheProblem) {
  set("mem", "memory");
  set("echo", "c_echo", {{"prefix", "A:"}});
  auto rt = Runtime::start(config, {});
  ASSERT_TRUE(rt->storage("mem").put({}, {.key = "k", .body = bytes("v")}).ok());
  const auto running = rt->config();
  const double errors_before = reloads("error");

  set("mem", "memory", {{"max_bytes", -1}});  // violates the plugin's schema
  set("echo", "c_echo", {{"prefix", "B:"}});  // valid, but must not be applied either
  const std::string why = reload_error(*rt);
  EXPECT_NE(why.find("test.json: /instances/mem/config/max_bytes"), std::string::npos) << why;

  EXPECT_EQ(rt->generation(), 1u);
  EXPECT_EQ(rt->config(), running);
  EXPECT_TRUE(has_object(*rt, "mem", "k"));
  EXPECT_EQ(echo(*rt, "echo"), R"(A:{"text":"hi"})");
  EXPECT_EQ(reloads("error"), errors_before + 1);
}

TEST_F(ReloadFixture, AnUnknownPluginOrACycleIsRefusedLikeAtStart) {
  set("echo", "c_echo");
  auto rt = Runtime::start(config, {});

  set("ghost", "no_such_plugin");
  EXPECT_NE(reload_error(*rt).find("no plugin 'no_such_plugin'"), std::string::npos);
  remove("ghost");

  set("a", "c_echo", {{"uses", "b"}});
  set("b", "c_echo", {{"uses", "a"}});
  EXPECT_NE(reload_error(*rt).find("a -> b -> a"), std::string::npos);
  EXPECT_EQ(rt->instances().size(), 1u);
  EXPECT_EQ(rt->generation(), 1u);
}

TEST_F(ReloadFixture, APluginFailingToCreateLeavesTheRunningSetIntact) {
  set("mem", "memory");
  auto rt = Runtime::start(config, {});
  ASSERT_TRUE(rt->storage("mem").put({}, {.key = "k", .body = bytes("v")}).ok());

  // Valid against the schema, but the apikey plugin reads the variable at
  // create and refuses when it is unset. "mem" is re-created first (it
  // sorts before "zkeys"), then thrown away with the failed attempt.
  set("mem", "memory", {{"max_bytes", 1000}});
  set("zkeys", "apikey", {{"keys", {{{"id", "k"}, {"env", "NEXUS_RELOAD_TEST_UNSET_VARIABLE"}, {"scopes", {"*"}}}}}});
  const std::string why = reload_error(*rt);
  EXPECT_NE(why.find("test.json: /instances/zkeys"), std::string::npos) << why;
  EXPECT_NE(why.find("NEXUS_RELOAD_TEST_UNSET_VARIABLE"), std::string::npos) << why;

  EXPECT_EQ(rt->generation(), 1u);
  EXPECT_FALSE(rt->has_instance("zkeys"));
  EXPECT_TRUE(has_object(*rt, "mem", "k"));
  EXPECT_EQ(generation_of(*rt, "mem"), 1u);
  EXPECT_EQ(rt->retiring_instances(), 0u);
}

TEST_F(ReloadFixture, AnInFlightCallFinishesOnTheInstanceItStartedOn) {
  set("mem", "memory");
  auto rt = Runtime::start(config, {});
  // Three 1 MiB chunks: the sink below holds the call after the first.
  std::string body(3u << 20, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  ASSERT_TRUE(rt->storage("mem").put({}, {.key = "big", .body = bytes(body)}).ok());

  std::mutex m;
  std::condition_variable cv;
  bool entered = false, release = false;
  std::string received;
  nexus::host::CallOutcome outcome;
  std::thread caller([&] {
    auto store = rt->storage("mem");
    outcome = store.get({}, "big", std::nullopt, nullptr, [&](const void* data, std::size_t size) {
      received.append(static_cast<const char*>(data), size);
      std::unique_lock lock(m);
      entered = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
      return true;
    });
  });
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return entered; });
  }

  // The reload does not wait for the call, and new calls see the new instance.
  set("mem", "memory", {{"max_bytes", 1u << 30}});
  EXPECT_EQ(rt->reload(config).replaced, Names{"mem"});
  EXPECT_FALSE(has_object(*rt, "mem", "big"));
  EXPECT_EQ(rt->retiring_instances(), 1u);  // the old one, still in the call

  {
    std::lock_guard lock(m);
    release = true;
  }
  cv.notify_all();
  caller.join();
  EXPECT_TRUE(outcome.ok()) << outcome.message;
  EXPECT_EQ(received, body);                // served whole by the old instance
  EXPECT_EQ(rt->retiring_instances(), 0u);  // and destroyed once it returned
}

TEST_F(ReloadFixture, APluginFileRebuiltAtTheSamePathIsLoadedFresh) {
  const auto dir = tmp / "plugins";
  std::filesystem::create_directories(dir);
  const auto file = dir / "libnexus_c_echo.so";
  std::filesystem::copy_file(std::filesystem::path(NEXUS_TEST_PLUGIN_DIR) / "libnexus_c_echo.so", file);
  config.plugin_dirs = {dir};
  set("echo", "c_echo", {{"prefix", "A:"}});
  auto rt = Runtime::start(config, {});
  const std::string first_sha = rt->instances().at(0).sha256;
  ASSERT_EQ(first_sha.size(), 64u);

  // The same file: the loaded module is reused and the instance kept.
  EXPECT_EQ(rt->reload(config).kept, Names{"echo"});

  // "Rebuild" it: different bytes at the same path (trailing bytes do not
  // change what the ELF loader maps, but they change the sha256).
  std::ofstream(file, std::ios::app | std::ios::binary) << "rebuilt";
  const ReloadResult r = rt->reload(config);
  EXPECT_EQ(r.replaced, Names{"echo"});
  const auto now = rt->instances().at(0);
  EXPECT_NE(now.sha256, first_sha);
  EXPECT_EQ(now.generation, 2u);
  EXPECT_EQ(rt->plugins().at(0).sha256, now.sha256);
  EXPECT_EQ(echo(*rt, "echo"), R"(A:{"text":"hi"})");
  // Loaded from its own content-addressed copy, beside the first one's.
  EXPECT_TRUE(std::filesystem::exists(config.state_dir / "plugins" / first_sha / "libnexus_c_echo.so"));
  EXPECT_TRUE(std::filesystem::exists(config.state_dir / "plugins" / now.sha256 / "libnexus_c_echo.so"));
}

TEST_F(ReloadFixture, APinnedThreadKeepsItsSnapshotAcrossAReload) {
  set("echo", "c_echo", {{"prefix", "A:"}});
  set("gone", "c_echo");
  auto rt = Runtime::start(config, {});
  set("echo", "c_echo", {{"prefix", "B:"}});
  remove("gone");
  {
    const Runtime::Pin pin(*rt);
    EXPECT_EQ(rt->reload(config).generation, 2u);  // reload ignores the pin
    EXPECT_EQ(rt->generation(), 1u);
    EXPECT_EQ(echo(*rt, "echo"), R"(A:{"text":"hi"})");
    EXPECT_TRUE(rt->has_instance("gone"));  // removed, but not for this thread yet
    EXPECT_EQ(echo(*rt, "gone"), R"({"text":"hi"})");
    std::thread other([&] { EXPECT_EQ(rt->generation(), 2u); });  // pins are per thread
    other.join();
    EXPECT_EQ(rt->retiring_instances(), 2u);  // the pin holds the old echo and gone
  }
  EXPECT_EQ(rt->generation(), 2u);
  EXPECT_EQ(echo(*rt, "echo"), R"(B:{"text":"hi"})");
  EXPECT_FALSE(rt->has_instance("gone"));
  EXPECT_EQ(rt->retiring_instances(), 0u);
}

TEST_F(ReloadFixture, RestartOnlySettingsKeepTheirRunningValuesAndAreNamed) {
  set("echo", "c_echo");
  config.http.listen = "127.0.0.1:8000";
  config.mcp.session_key = "first-session-key-0123456789";
  auto rt = Runtime::start(config, {});

  config.http.listen = "127.0.0.1:9000";
  config.mcp.session_key = "second-session-key-0123456789";
  config.mcp.request_timeout_ms = 1234;  // applies at once
  config.http.request_timeout_ms = 4321;  // applies at once (read per request)
  config.http.max_workers = 99;           // the request pool is built at start
  config.transcription.workers = 7;       // so is the transcription job service
  const ReloadResult r = rt->reload(config);
  EXPECT_EQ(r.restart_required,
            (Names{"http.listen", "mcp.session_key", "http.max_workers", "transcription.workers"}));
  EXPECT_EQ(rt->config()->http.request_timeout_ms, 4321u);
  EXPECT_EQ(rt->config()->http.max_workers, 16u);
  EXPECT_EQ(rt->config()->transcription.workers, 2u);
  EXPECT_EQ(rt->config()->http.listen, "127.0.0.1:8000");
  EXPECT_EQ(rt->config()->mcp.session_key, "first-session-key-0123456789");
  EXPECT_EQ(rt->config()->mcp.request_timeout_ms, 1234u);
  EXPECT_EQ(r.summary().find("second-session-key"), std::string::npos);  // never the value
  EXPECT_NE(r.summary().find("restart required for http.listen, mcp.session_key"), std::string::npos) << r.summary();
}

TEST_F(ReloadFixture, AConfigPointerHeldAcrossAReloadStaysValid) {
  set("echo", "c_echo");
  config.mcp.page_size = 7;
  auto rt = Runtime::start(config, {});
  const auto before = rt->config();
  config.mcp.page_size = 8;
  rt->reload(config);
  EXPECT_EQ(before->mcp.page_size, 7u);
  EXPECT_EQ(rt->config()->mcp.page_size, 8u);
}

TEST_F(ReloadFixture, ReloadWithoutArgumentsReReadsTheConfigFile) {
  const auto file = tmp / "nexus.json";
  const auto write = [&](const std::string& prefix) {
    json doc = {{"plugin_dirs", {NEXUS_TEST_PLUGIN_DIR}},
                {"state_dir", (tmp / "state").string()},
                {"instances", {{"echo", {{"plugin", "c_echo"}, {"config", {{"prefix", prefix}}}}}}}};
    std::ofstream(file) << doc.dump();
  };
  write("A:");
  auto rt = Runtime::start(nexus::host::load_config_file(file), {});
  write("B:");
  EXPECT_EQ(rt->reload().replaced, Names{"echo"});
  EXPECT_EQ(echo(*rt, "echo"), R"(B:{"text":"hi"})");

  std::ofstream(file) << "{ not json";
  EXPECT_THROW(rt->reload(), ConfigError);
  EXPECT_EQ(echo(*rt, "echo"), R"(B:{"text":"hi"})");
}

TEST_F(ReloadFixture, ReloadWithoutArgumentsNeedsAConfigFile) {
  set("echo", "c_echo");
  config.source.clear();
  auto rt = Runtime::start(config, {});
  try {
    rt->reload();
    FAIL() << "reload() of a runtime without a config file succeeded";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("nothing to re-read"), std::string::npos) << e.what();
  }
}

TEST_F(ReloadFixture, ReloadsAreCountedByOutcome) {
  set("echo", "c_echo");
  auto rt = Runtime::start(config, {});
  const double ok = reloads("ok"), error = reloads("error");
  rt->reload(config);
  set("ghost", "no_such_plugin");
  EXPECT_THROW(rt->reload(config), ConfigError);
  EXPECT_EQ(reloads("ok"), ok + 1);
  EXPECT_EQ(reloads("error"), error + 1);
}

TEST_F(ReloadFixture, ACheckOnlyRuntimeCannotReload) {
  set("echo", "c_echo");
  auto rt = Runtime::start(config, {.plugin_dirs = {}, .check_only = true});
  EXPECT_THROW(rt->reload(config), std::logic_error);
  EXPECT_EQ(rt->instances().at(0).generation, 0u);
}

TEST_F(ReloadFixture, ConcurrentCallsAndReloadsDoNotRace) {
  // For ThreadSanitizer (scripts/tsan.sh): readers take clients while
  // reloads swap snapshots and retire instances.
  set("mem", "memory");
  set("echo", "c_echo", {{"prefix", "0:"}});
  auto rt = Runtime::start(config, {});
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      const std::string key = "k" + std::to_string(t);
      while (!stop) {
        auto store = rt->storage("mem");
        if (!store.put({}, {.key = key, .body = bytes("v")}).ok()) ++failures;
        std::string result;
        if (!rt->tools("echo").call_tool({}, "echo", "{}", &result).ok()) ++failures;
        (void)rt->instances();
        (void)rt->config()->mcp.page_size;
      }
    });
  }
  for (int i = 1; i <= 20; ++i) {
    set("echo", "c_echo", {{"prefix", std::to_string(i) + ":"}});
    set("mem", "memory", {{"max_bytes", 1000 + i}});
    rt->reload(config);
  }
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(rt->generation(), 21u);
  EXPECT_EQ(rt->retiring_instances(), 0u);
}

}  // namespace

namespace {

// The transcription section names instances; a reload may not pull them away.
TEST_F(ReloadFixture, AReloadMayNotRemoveTheInstancesTheTranscriptionSectionNames) {
  set("speech", "paced_transcriber");
  set("jobs", "memory");
  config.transcription.provider = "speech";
  config.transcription.jobs_storage = "jobs";
  auto rt = Runtime::start(config, {});

  remove("speech");
  try {
    rt->reload(config);
    FAIL() << "a reload removed the default transcription provider";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/transcription/provider: no instance named 'speech'"), std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(rt->has_instance("speech"));

  set("speech", "memory");  // still there, but no longer a transcription provider
  try {
    rt->reload(config);
    FAIL() << "a reload turned the default provider into a storage instance";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/transcription/provider: instance 'speech' (plugin 'memory') does not "
                                         "provide nexus.transcription/1"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
