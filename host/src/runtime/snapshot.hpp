// runtime/snapshot.hpp — one consistent, immutable running set: the config
// in force, the plugin modules it loaded, and the instances created from it
// in dependency order. The Runtime publishes whole snapshots, so a reader
// never sees half of one config and half of another.
//
// Building one is two steps, so a reload can fail at either without
// touching the running set:
//   plan_snapshot     load modules, validate every block, order instances
//   create_instances  create them (or take unchanged ones over as they are)
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "nexus/host/config.hpp"
#include "runtime/live_instance.hpp"
#include "runtime/module.hpp"

namespace nexus::host {

struct Snapshot {
  std::shared_ptr<const Config> config;
  std::uint64_t generation = 0;
  std::map<std::string, std::shared_ptr<Module>> modules;     // by plugin id
  std::map<std::string, std::set<std::string>> dependencies;  // instance -> instances it uses
  std::vector<std::string> creation_order;
  std::map<std::string, std::shared_ptr<LiveInstance>> live;  // by instance name

  Snapshot() = default;
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;
  // Drops the instances in reverse creation order (dependents first). An
  // instance a caller still holds lives on until that caller lets go.
  ~Snapshot();
};

// Loads the modules `config` needs (a module of `previous` is reused when
// the plugin file is the same path with the same sha256; otherwise the file
// is loaded anew from its content-addressed copy), validates every instance
// block against its plugin's schema, resolves references and orders the
// instances. Creates nothing. `plugin_dirs` are searched after the config's
// own. Throws ConfigError naming the path and the fix.
std::unique_ptr<Snapshot> plan_snapshot(std::shared_ptr<const Config> config,
                                        const std::vector<std::filesystem::path>& plugin_dirs, bool check_only,
                                        const Snapshot* previous);

// How the instances of a new snapshot relate to the previous one.
struct InstanceChanges {
  std::vector<std::string> created, replaced, kept, removed;  // sorted
};

// Creates the planned instances in dependency order. An instance of
// `previous` with the same name, the same module object, an equal config
// block and the same dependencies, all of them kept too, is taken over as
// is (the same object: its state and connections survive). Throws
// ConfigError naming the instance when a plugin refuses to create; the
// instances created so far are then released with `next`.
InstanceChanges create_instances(Snapshot& next, const Snapshot* previous);

}  // namespace nexus::host
