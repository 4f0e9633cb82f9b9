// dependencies.hpp — the instances a plugin under test depends on.
//
// A tools plugin such as kv reaches a storage instance through
// callback_find_interface, and only instances its config names in a
// property marked "x-nexus-instance" (host.h). The kit creates each
// --dependency NAME=PLUGIN.so:CONFIG first, as the host creates
// dependencies first, and answers the lookups exactly as the host does
// (host/src/runtime/host_services.cpp):
//   not named in the asking instance's config  -> FAILED_PRECONDITION
//   named, but no --dependency of that name    -> NOT_FOUND
//   given, but without the asked interface     -> UNIMPLEMENTED
// each with a message through the error writer.
#pragma once

#include <nexus/nexus.h>

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.hpp"

namespace nexus::check {

class LoadedPlugin;
class Instance;

// The names of the instances `config` declares as dependencies under
// `schema_text` (the plugin's config schema); empty when either is not JSON.
std::set<std::string> declared_dependencies(const char* schema_text, const nlohmann::json& config);

class Dependencies {
 public:
  struct Entry {
    std::string name;
    std::unique_ptr<LoadedPlugin> plugin;
    std::unique_ptr<Instance> instance;
  };

  Dependencies();
  // Destroys the instances in reverse creation order, then unloads.
  ~Dependencies();
  Dependencies(const Dependencies&) = delete;
  Dependencies& operator=(const Dependencies&) = delete;

  // Loads spec.plugin with the host's loader and creates its instance named
  // spec.name. Throws std::runtime_error saying which dependency failed and
  // why. Dependencies have no dependencies of their own.
  void add(const DependencySpec& spec);

  const Entry* find(std::string_view name) const;
  const std::vector<Entry>& entries() const noexcept { return entries_; }

  // callback_find_interface for instance `asker`, whose config declared
  // `declared`. On OK fills `out`; otherwise `why` says what was wrong.
  nexus_status resolve(std::string_view asker, const std::set<std::string>& declared, std::string_view target,
                       std::string_view interface_id, nexus_interface_ref& out, std::string& why) const;

 private:
  std::vector<Entry> entries_;
};

}  // namespace nexus::check
