// runtime/schema_walk.hpp — what the host reads from a plugin's config
// schema besides validation: instance references and secrets.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nexus::host {

// A config value that names another instance ("x-nexus-instance").
struct InstanceReference {
  std::string path;          // JSON pointer inside the config block ("/storage")
  std::string target;        // the instance named there
  std::string interface_id;  // what it must provide
};

// Every string in `config` whose schema property carries
// "x-nexus-instance": "<interface id>" (directly, or as array items),
// following "properties" and "items" down the tree.
std::vector<InstanceReference> find_instance_references(const nlohmann::json& schema, const nlohmann::json& config);

// A copy of `config` with every value whose schema carries
// "x-nexus-secret": true replaced by "***".
nlohmann::json redact_secrets(const nlohmann::json& schema, const nlohmann::json& config);

}  // namespace nexus::host
