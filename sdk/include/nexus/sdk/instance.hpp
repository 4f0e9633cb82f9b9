// nexus/sdk/instance.hpp — what every plugin instance is made of.
#pragma once

#include <string>

#include "nexus/sdk/config.hpp"
#include "nexus/sdk/host.hpp"

namespace nexus::sdk {

// Passed to a plugin class's constructor: PluginClass(const InstanceArgs&).
struct InstanceArgs {
  Host host;          // the host's services for this instance
  std::string name;   // the instance's name in the config ("recordings")
  Config config;      // its validated config block
};

// Base of every plugin class. Kind bases (Storage, Auth, ...) derive from it
// virtually, so a plugin that provides several kinds is still one instance.
class Instance {
 public:
  virtual ~Instance() = default;
  // Throw Error to report the instance unhealthy (GET /ready). Must be quick.
  virtual void health() {}
};

}  // namespace nexus::sdk
