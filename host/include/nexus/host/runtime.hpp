// nexus/host/runtime.hpp — the embeddable host: load a config, load the
// plugins it names, create the instances in dependency order, and hand out
// typed clients. HTTP serving (nexus/host/http_server.hpp) is one use of it.
//
//   auto rt = nexus::host::Runtime::start(nexus::host::load_config_file("etc/nexus.json"), {});
//   auto store = rt->storage("recordings");
//   store.put({}, {.key = "a.txt", .body = bytes});
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nexus/host/clients.hpp"
#include "nexus/host/config.hpp"

namespace nexus::host {

struct RuntimeOptions {
  // Searched in order for libnexus_<id>.so after the config's plugin_dirs.
  std::vector<std::filesystem::path> plugin_dirs;
  // Validate everything and load plugins to read their schemas, but create
  // no instance (nexusd --check).
  bool check_only = false;
};

// What a loaded plugin says about itself (GET /v1/plugins, plugins describe).
struct PluginSummary {
  std::string id, version, description, license;
  std::vector<std::string> interfaces;
  std::string config_schema;  // JSON text
  std::string file;           // where it was found
  std::string sha256;
  unsigned abi_major = 0, abi_minor = 0;
  bool parallel = false;
  std::string error;  // discover_plugins: why the file could not be loaded ("" if fine)
};

struct InstanceSummary {
  std::string name, plugin;
  std::vector<std::string> interfaces;
  std::vector<std::string> depends_on;
  nlohmann::json config_redacted;  // secrets shown as "***"
};

class Runtime {
 public:
  // Loads plugins, validates every instance block, creates instances in
  // dependency order. Throws ConfigError (bad config: path + fix) or
  // std::runtime_error (a plugin refused to load or create).
  static std::unique_ptr<Runtime> start(const Config& config, const RuntimeOptions& options);
  ~Runtime();  // destroys instances in reverse creation order
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  const Config& config() const noexcept;
  std::vector<PluginSummary> plugins() const;
  std::vector<InstanceSummary> instances() const;

  bool has_instance(std::string_view name) const;
  // Throws std::out_of_range naming the instance and what it provides when
  // it does not exist or lacks the interface.
  StorageClient storage(std::string_view instance) const;
  AuthClient auth(std::string_view instance) const;
  TranscriptionClient transcription(std::string_view instance) const;
  ToolsClient tools(std::string_view instance) const;
  ResourcesClient resources(std::string_view instance) const;
  PromptsClient prompts(std::string_view instance) const;
  TokensClient tokens(std::string_view instance) const;
  // Names of instances providing `interface_id`, sorted.
  std::vector<std::string> instances_providing(std::string_view interface_id) const;

  // Health of every instance: name -> "" if healthy, else the reason.
  std::vector<std::pair<std::string, std::string>> health() const;

  struct State;  // opaque: defined in the host's sources

 private:
  explicit Runtime(std::unique_ptr<State> s);
  std::unique_ptr<State> s_;
};

// Finds plugin files: every libnexus_*.so under `dirs` (not recursive),
// read without creating anything. Used by `nexusd plugins list|describe`.
std::vector<PluginSummary> discover_plugins(const std::vector<std::filesystem::path>& dirs);

}  // namespace nexus::host
