// The cost of calling a tool through the C ABI, against a direct C++
// virtual call (the baseline), and what the SDK's JSON and the host's call
// machinery add on top. Each benchmark does the same logical call.
#include <benchmark/benchmark.h>

#include <nexus/nexus.h>

#include <memory>
#include <string>

#include "nexus/host/config.hpp"
#include "nexus/host/runtime.hpp"
#include "direct_tool.hpp"
#include "runtime/module.hpp"

namespace {

// --- baseline: a virtual call into another translation unit --------------
void BM_DirectVirtualCall(benchmark::State& state) {
  DirectToolBase* tool = make_direct_tool();
  benchmark::DoNotOptimize(tool);
  const std::string args = R"({"text":"hi"})";
  for (auto _ : state) benchmark::DoNotOptimize(tool->call("noop", args));
}
BENCHMARK(BM_DirectVirtualCall);

// --- the C ABI: the plugin's function pointer, a context, a writer ----------
struct AbiFixture {
  std::shared_ptr<nexus::host::Module> module;
  const nexus_tools_v1* tools = nullptr;
  void* instance = nullptr;
  nexus_call_context ctx{};
  nexus_writer writer{};

  explicit AbiFixture(const char* id) {
    module = nexus::host::Module::load({std::string(NEXUS_BENCH_PLUGIN_DIR) + "/libnexus_" + id + ".so", std::nullopt, {}, true});
    const auto& d = module->descriptor();
    tools = static_cast<const nexus_tools_v1*>(d.on_get_interface(NEXUS_TOOLS_V1));
    d.on_instance_create(nullptr, {"bench", 5}, {"{}", 2}, &instance, nullptr);
    ctx.struct_size = sizeof ctx;
    ctx.request_id = {"req-bench", 9};
    writer = {sizeof writer, nullptr, [](void*, const void*, size_t) noexcept { return NEXUS_OK; }};
  }
  ~AbiFixture() { module->descriptor().on_instance_destroy(instance); }
};

void BM_AbiCall(benchmark::State& state) {
  static AbiFixture f("noop_c");
  const std::string args = R"({"text":"hi"})";
  for (auto _ : state)
    benchmark::DoNotOptimize(f.tools->on_call_tool(f.instance, &f.ctx, {"noop", 4}, {args.data(), args.size()}, &f.writer));
}
BENCHMARK(BM_AbiCall);

// --- the SDK: the same call into a C++ plugin, arguments parsed and the
// result serialised as JSON ------------------------------------------------------
void BM_AbiCallSdkJson(benchmark::State& state) {
  static AbiFixture f("noop_sdk");
  const std::string args = R"({"text":"hi"})";
  for (auto _ : state)
    benchmark::DoNotOptimize(f.tools->on_call_tool(f.instance, &f.ctx, {"noop", 4}, {args.data(), args.size()}, &f.writer));
}
BENCHMARK(BM_AbiCallSdkJson);

// --- the host: ToolsClient (call gate, call scope, host-owned output) -------
void BM_HostClientCall(benchmark::State& state) {
  nexus::host::Config config;
  config.plugin_dirs = {NEXUS_BENCH_PLUGIN_DIR};
  config.state_dir = "/tmp/nexus-bench-state";
  config.instances.push_back({"noop", "noop_c", nlohmann::json::object(), "/instances/noop"});
  static auto rt = nexus::host::Runtime::start(config, {});
  const auto client = rt->tools("noop");
  nexus::host::CallOptions options;
  options.request_id = "req-bench";
  const std::string args = R"({"text":"hi"})";
  std::string result;
  for (auto _ : state) benchmark::DoNotOptimize(client.call_tool(options, "noop", args, &result).status);
}
BENCHMARK(BM_HostClientCall);

}  // namespace

BENCHMARK_MAIN();
