// bench_runtime — what the in-process pair drivers (s3_plugin_bench,
// pocketsphinx_plugin_bench) share: a nexus::host::Runtime holding one
// instance of a first-party plugin, loaded from the build's plugins folder
// exactly as nexusd loads it (loader, schema validation, call gate) but
// without the HTTP front, and a few helpers for their command lines.
#pragma once

#include <time.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nexus/host/config.hpp"
#include "nexus/host/runtime.hpp"

namespace nexus::bench {

// A runtime with the single instance `name` of `plugin_id`, configured with
// `config`. Plugins come from NEXUS_BENCH_FIRST_PARTY_PLUGIN_DIR (the
// build's plugins/ folder); the plugin cache goes to `state_dir`. Throws
// what Runtime::start throws (a bad config names the key).
inline std::unique_ptr<host::Runtime> start_runtime(const std::string& name, const std::string& plugin_id,
                                                    const nlohmann::json& config,
                                                    const std::filesystem::path& state_dir) {
  host::Config c;
  c.plugin_dirs = {NEXUS_BENCH_FIRST_PARTY_PLUGIN_DIR};
  c.state_dir = state_dir;
  c.logging.level = "warn";
  c.instances.push_back({name, plugin_id, config, "/instances/" + name});
  return host::Runtime::start(c, {});
}

inline double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// CPU time of the whole process so far (every thread, user + system), in
// ms. On a machine other work is competing for, CPU time shows the cost of
// a step where wall time mostly shows the competition.
inline double process_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// A whole-number argument in [lo, hi], or std::invalid_argument naming it.
inline long long int_arg(std::string_view what, const char* text, long long lo, long long hi) {
  std::size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || text[used] != '\0' || v < lo || v > hi)
    throw std::invalid_argument(std::string(what) + " is '" + text + "'; give a whole number from " +
                                std::to_string(lo) + " to " + std::to_string(hi));
  return v;
}

}  // namespace nexus::bench
