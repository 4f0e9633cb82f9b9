#include "dependencies.hpp"

#include <nexus/host/config.hpp>

#include <stdexcept>

#include "loaded_plugin.hpp"
#include "runtime/schema_walk.hpp"

namespace nexus::check {

std::set<std::string> declared_dependencies(const char* schema_text, const nlohmann::json& config) {
  std::set<std::string> names;
  if (!schema_text) return names;
  const auto schema = nlohmann::json::parse(schema_text, nullptr, false);
  if (schema.is_discarded()) return names;
  // The host's own walk, so the kit and nexusd agree on what is declared.
  for (const auto& ref : host::find_instance_references(schema, config)) names.insert(ref.target);
  return names;
}

Dependencies::Dependencies() = default;

Dependencies::~Dependencies() {
  // Last created goes first; an Entry destroys its instance before unloading.
  while (!entries_.empty()) entries_.pop_back();
}

void Dependencies::add(const DependencySpec& spec) {
  const std::string who = "--dependency " + spec.name + "=" + spec.plugin.string();
  if (find(spec.name)) throw std::runtime_error(who + ": the name '" + spec.name + "' is given twice");
  Entry e;
  e.name = spec.name;
  try {
    e.plugin = std::make_unique<LoadedPlugin>(spec.plugin);
  } catch (const std::exception& ex) {
    throw std::runtime_error(who + ": the plugin does not load: " + ex.what());
  }
  // The host validates every instance block against its plugin's schema
  // before create; a dependency's too.
  const char* schema = e.plugin->descriptor().config_schema;
  std::vector<host::SchemaProblem> problems;
  try {
    problems = host::validate_against_schema(schema ? schema : "{}", spec.config);
  } catch (const std::exception& ex) {
    throw std::runtime_error(who + ": the plugin's config schema is not valid JSON Schema: " + ex.what());
  }
  if (!problems.empty()) {
    std::string why;
    for (const auto& p : problems)
      why += (why.empty() ? "" : "; ") + (p.path.empty() ? "/" : p.path) + ": " + p.message;
    throw std::runtime_error(who + ": the config " + spec.config.dump() + " breaks the plugin's schema: " + why);
  }
  Created c = e.plugin->create(spec.name, spec.config);
  if (!c.instance)
    throw std::runtime_error(who + ": on_instance_create with " + spec.config.dump() + " returned " +
                             nexus_status_name(c.status) + (c.error.empty() ? "" : ": " + c.error) +
                             " — fix the dependency's config (the part after the ':')");
  e.instance = std::move(c.instance);
  entries_.push_back(std::move(e));
}

const Dependencies::Entry* Dependencies::find(std::string_view name) const {
  for (const auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

nexus_status Dependencies::resolve(std::string_view asker, const std::set<std::string>& declared,
                                   std::string_view target, std::string_view interface_id, nexus_interface_ref& out,
                                   std::string& why) const {
  const std::string name(target);
  if (!declared.count(name)) {
    // The host's words (host_services.cpp), so an author sees here what nexusd would say.
    why = "instance '" + std::string(asker) + "' asked for instance '" + name +
          "', which its config does not name in a property marked \"x-nexus-instance\"; "
          "name it in the config so the host creates it first";
    return NEXUS_FAILED_PRECONDITION;
  }
  const Entry* e = find(name);
  if (!e) {
    why = "instance '" + std::string(asker) + "' depends on instance '" + name +
          "', which nexus-plugin-check was not given; add --dependency " + name + "=PLUGIN.so:CONFIG_JSON";
    return NEXUS_NOT_FOUND;
  }
  const std::string id(interface_id);
  const void* table = e->plugin->interface_table(id.c_str());
  if (!table || !e->plugin->provides(id)) {
    why = "instance '" + name + "' (plugin '" + e->plugin->descriptor().id + "') does not provide " + id;
    return NEXUS_UNIMPLEMENTED;
  }
  out.vtable = table;
  out.instance = e->instance->handle();
  return NEXUS_OK;
}

}  // namespace nexus::check
