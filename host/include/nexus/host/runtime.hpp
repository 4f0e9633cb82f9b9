// nexus/host/runtime.hpp — the embeddable host: load a config, load the
// plugins it names, create the instances in dependency order, and hand out
// typed clients. HTTP serving (nexus/host/http_server.hpp) is one use of it.
//
// Reload: the running set (config, loaded plugins, instances) is one
// immutable snapshot. reload() builds the next snapshot beside it, taking
// over unchanged instances as they are, and swaps it in atomically. Every
// accessor below reads the snapshot in force when it is called; a client it
// returns keeps its instance (and that instance's code) alive until the
// client is gone, so a call that started before a reload finishes on the
// instance it started on.
//
//   auto rt = nexus::host::Runtime::start(nexus::host::load_config_file("etc/nexus.json"), {});
//   auto store = rt->storage("recordings");
//   store.put({}, {.key = "a.txt", .body = bytes});
#pragma once

#include <cstdint>
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
  // 1 when first created; +1 each time a reload re-creates it (0 with
  // RuntimeOptions::check_only, where nothing is created).
  std::uint64_t generation = 0;
  std::string plugin_version;  // the plugin's descriptor version
  std::string sha256;          // of the plugin file the instance runs
};

// What a successful reload did. Instance names are sorted.
struct ReloadResult {
  std::uint64_t generation = 0;       // the runtime generation now in force
  std::vector<std::string> created;   // new names
  std::vector<std::string> replaced;  // re-created: plugin, file, config or a dependency changed
  std::vector<std::string> kept;      // the same object as before, state intact
  std::vector<std::string> removed;   // gone from the config
  // Settings that changed in the config but only take effect on a restart
  // ("http.listen", ...); the running values stay in force.
  std::vector<std::string> restart_required;
  // One line for the log: "generation 3: created a; replaced b; ...".
  std::string summary() const;
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

  // Re-reads the file the config came from (Config::source, with ${VAR}
  // interpolation from the environment as at start) and reloads it. Throws
  // ConfigError when the runtime was started from config text.
  ReloadResult reload();
  // Replaces the running set with `config`: everything is loaded, validated
  // and created first; instances whose plugin id, plugin file (sha256),
  // config block and dependencies are all unchanged are kept as they are,
  // the others are created anew (dependents after what they depend on),
  // then the new set is swapped in at once. A replaced instance is
  // destroyed when its last call returns, its code unloaded after that.
  // Throws ConfigError (bad config: path + fix) or std::runtime_error,
  // leaving the running set untouched; instances created for the attempt
  // are destroyed again. One reload runs at a time; callers wait.
  // [any-thread]
  ReloadResult reload(const Config& config);
  // 1 at start, +1 for each successful reload.
  std::uint64_t generation() const;
  // Instances replaced or removed by a reload that still finish calls
  // started before it (they are destroyed when the last one returns).
  std::size_t retiring_instances() const;

  // The config in force. Hold the pointer, not a reference into it: a
  // reload replaces it, and the pointer keeps the old one valid.
  std::shared_ptr<const Config> config() const;
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

  // Pins the snapshot in force to the calling thread: until the Pin is
  // destroyed, every accessor above called on this thread reads that one
  // snapshot, even if a reload swaps in another meanwhile. The HTTP server
  // pins one per request, so a request never mixes two configs (its auth
  // chain from one, its instances from the next). Pins nest; reload()
  // ignores them. [any-thread]
  class Pin {
   public:
    explicit Pin(const Runtime& runtime);
    ~Pin();
    Pin(const Pin&) = delete;
    Pin& operator=(const Pin&) = delete;

   private:
    const void* saved_owner_;
    std::shared_ptr<const void> saved_snapshot_;
  };

  struct State;  // opaque: defined in the host's sources

 private:
  explicit Runtime(std::unique_ptr<State> s);
  std::unique_ptr<State> s_;
};

// Finds plugin files: every libnexus_*.so under `dirs` (not recursive),
// read without creating anything. Used by `nexusd plugins list|describe`.
std::vector<PluginSummary> discover_plugins(const std::vector<std::filesystem::path>& dirs);

}  // namespace nexus::host
