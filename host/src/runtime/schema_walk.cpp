#include "runtime/schema_walk.hpp"

namespace nexus::host {
namespace {

using json = nlohmann::json;

// Calls fn(schema_node, value, pointer) for `value` and, recursively, for
// each property / array item the schema describes.
template <typename Fn>
void walk(const json& schema, const json& value, const std::string& pointer, Fn&& fn) {
  if (!schema.is_object()) return;
  fn(schema, value, pointer);
  if (value.is_object() && schema.contains("properties") && schema["properties"].is_object()) {
    for (const auto& [k, sub] : schema["properties"].items())
      if (value.contains(k)) walk(sub, value[k], pointer + "/" + k, fn);
  }
  if (value.is_array() && schema.contains("items") && schema["items"].is_object()) {
    for (std::size_t i = 0; i < value.size(); ++i) walk(schema["items"], value[i], pointer + "/" + std::to_string(i), fn);
  }
}

}  // namespace

std::vector<InstanceReference> find_instance_references(const json& schema, const json& config) {
  std::vector<InstanceReference> refs;
  walk(schema, config, "", [&](const json& s, const json& v, const std::string& ptr) {
    if (s.contains("x-nexus-instance") && s["x-nexus-instance"].is_string() && v.is_string())
      refs.push_back({ptr, v.get<std::string>(), s["x-nexus-instance"].get<std::string>()});
  });
  return refs;
}

json redact_secrets(const json& schema, const json& config) {
  json out = config;
  walk(schema, config, "", [&](const json& s, const json&, const std::string& ptr) {
    if (s.contains("x-nexus-secret") && s["x-nexus-secret"] == true) out[json::json_pointer(ptr)] = "***";
  });
  return out;
}

}  // namespace nexus::host
