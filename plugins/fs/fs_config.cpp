#include "fs_config.hpp"

#include <nexus/sdk/error.hpp>

namespace nexus::plugins::fs {

FsConfig read_config(const sdk::Config& config) {
  // The host validates against the schema; this repeats the checks for
  // embedders and tests that create instances without a host.
  for (const auto& [k, v] : config.json().items())
    if (k != "root" && k != "create" && k != "fsync")
      throw sdk::invalid_argument(config.path() + "." + k + " is not an fs storage setting; known: root, create, fsync");
  FsConfig c;
  c.root = config.get<std::string>("root");
  if (c.root.empty()) throw sdk::invalid_argument(config.path() + ".root is empty; set it to the directory that holds the objects");
  c.create = config.get_or<bool>("create", true);
  c.fsync = config.get_or<bool>("fsync", true);
  return c;
}

}  // namespace nexus::plugins::fs
