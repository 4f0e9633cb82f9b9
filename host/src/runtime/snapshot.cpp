// runtime/snapshot.cpp — see snapshot.hpp: plugins loaded once per id,
// instances validated, ordered by their declared dependencies, created in
// that order (or taken over from the previous snapshot), dropped in reverse.
#include "runtime/snapshot.hpp"

#include <nexus/auth.h>
#include <nexus/storage.h>
#include <nexus/transcription.h>

#include <algorithm>
#include <stdexcept>

#include "runtime/plugin_finder.hpp"
#include "runtime/schema_walk.hpp"
#include "runtime/sha256.hpp"

namespace nexus::host {

namespace fs = std::filesystem;
using json = nlohmann::json;

Snapshot::~Snapshot() {
  for (auto it = creation_order.rbegin(); it != creation_order.rend(); ++it) live.erase(*it);
  live.clear();
  modules.clear();
}

namespace {

std::string where(const Config& c, const std::string& pointer) {
  return (c.source.empty() ? std::string("config") : c.source.string()) + ": " + pointer;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string available_plugins(const std::vector<fs::path>& dirs) {
  std::vector<std::string> ids;
  for (const auto& f : list_plugin_files(dirs)) {
    const std::string n = f.filename().string();
    ids.push_back(n.substr(9, n.size() - 12));
  }
  return ids.empty() ? "none found" : join(ids, ", ");
}

std::string dir_list(const std::vector<fs::path>& dirs) {
  std::vector<std::string> s;
  for (const auto& d : dirs) s.push_back(d.string());
  return s.empty() ? "(no plugin folders)" : join(s, ", ");
}

// The module of `previous` for `id` when `file` still holds exactly what it
// loaded (same path, same sha256, and the pin, if any, still matches).
std::shared_ptr<Module> reusable_module(const Snapshot* previous, const std::string& id, const fs::path& file,
                                        const PluginPin& pin) {
  if (!previous) return nullptr;
  const auto it = previous->modules.find(id);
  if (it == previous->modules.end() || it->second->file() != file) return nullptr;
  const std::string sha = sha256_file_hex(file);
  if (sha != it->second->sha256() || (pin.sha256 && *pin.sha256 != sha)) return nullptr;
  return it->second;
}

void load_modules(Snapshot& st, const std::vector<fs::path>& dirs, bool check_only, const Snapshot* previous) {
  const Config& config = *st.config;
  for (const auto& inst : config.instances) {
    if (st.modules.count(inst.plugin)) continue;
    const auto pin = config.plugins.count(inst.plugin) ? config.plugins.at(inst.plugin) : PluginPin{};
    std::optional<fs::path> file = pin.path ? std::optional<fs::path>(*pin.path) : find_plugin_file(inst.plugin, dirs);
    if (!file) {
      throw ConfigError(where(config, inst.json_path + "/plugin") + ": no plugin '" + inst.plugin + "' (file " +
                        plugin_file_name(inst.plugin) + ") in " + dir_list(dirs) +
                        "; available: " + available_plugins(dirs) + " — fix the id or add --plugin-dir");
    }
    try {
      if (auto same = reusable_module(previous, inst.plugin, *file, pin)) {
        st.modules[inst.plugin] = std::move(same);
        continue;
      }
      ModuleLoadOptions o{*file, pin.sha256, check_only ? fs::path() : config.state_dir / "plugins", !check_only};
      auto m = Module::load(o);
      if (inst.plugin != m->descriptor().id)
        throw std::runtime_error("file " + file->string() + " holds plugin '" + m->descriptor().id + "', not '" + inst.plugin + "'");
      st.modules[inst.plugin] = std::move(m);
    } catch (const ConfigError&) {
      throw;
    } catch (const std::exception& e) {
      throw ConfigError(where(config, inst.json_path + "/plugin") + ": " + e.what());
    }
  }
}

void validate_instance_blocks(const Snapshot& st) {
  std::vector<std::string> problems;
  for (const auto& inst : st.config->instances) {
    const auto& m = *st.modules.at(inst.plugin);
    for (const auto& p : validate_against_schema(m.descriptor().config_schema ? m.descriptor().config_schema : "{}", inst.config))
      problems.push_back(where(*st.config, inst.json_path + "/config" + p.path) + ": " + p.message);
  }
  if (!problems.empty()) throw ConfigError(join(problems, "\n"));
}

void resolve_dependencies(Snapshot& st) {
  const Config& config = *st.config;
  std::map<std::string, const InstanceConfig*> by_name;
  for (const auto& i : config.instances) by_name[i.name] = &i;
  for (const auto& inst : config.instances) {
    auto& deps = st.dependencies[inst.name];
    const json schema = json::parse(st.modules.at(inst.plugin)->descriptor().config_schema, nullptr, false);
    for (const auto& ref : find_instance_references(schema, inst.config)) {
      const std::string at = where(config, inst.json_path + "/config" + ref.path);
      auto it = by_name.find(ref.target);
      if (it == by_name.end()) throw ConfigError(at + ": no instance named '" + ref.target + "' — define it under \"instances\"");
      if (!st.modules.at(it->second->plugin)->provides(ref.interface_id))
        throw ConfigError(at + ": instance '" + ref.target + "' (plugin '" + it->second->plugin + "') does not provide " +
                          ref.interface_id);
      deps.insert(ref.target);
    }
  }
  for (const auto& [group, route] : config.routes) {
    for (const auto& name : route.auth) {
      auto it = by_name.find(name);
      const std::string at = where(config, "/routes/" + group + "/auth");
      if (it == by_name.end()) throw ConfigError(at + ": no instance named '" + name + "'");
      if (!st.modules.at(it->second->plugin)->provides(NEXUS_AUTH_V1))
        throw ConfigError(at + ": instance '" + name + "' (plugin '" + it->second->plugin + "') is not an auth provider (" NEXUS_AUTH_V1 ")");
    }
  }
  // The transcription section names instances too: at start and on every
  // reload they must exist and provide what the job service uses.
  const std::pair<const std::optional<std::string>*, std::pair<const char*, const char*>> named[] = {
      {&config.transcription.provider, {"/transcription/provider", NEXUS_TRANSCRIPTION_V1}},
      {&config.transcription.jobs_storage, {"/transcription/jobs_storage", NEXUS_STORAGE_V1}}};
  for (const auto& [name, what] : named) {
    if (!*name) continue;
    const std::string at = where(config, what.first);
    auto it = by_name.find(**name);
    if (it == by_name.end()) throw ConfigError(at + ": no instance named '" + **name + "'");
    if (!st.modules.at(it->second->plugin)->provides(what.second))
      throw ConfigError(at + ": instance '" + **name + "' (plugin '" + it->second->plugin + "') does not provide " +
                        what.second);
  }
}

// Kahn's algorithm over names in sorted order, so the order is deterministic.
void order_instances(Snapshot& st) {
  std::map<std::string, std::set<std::string>> pending = st.dependencies;
  while (!pending.empty()) {
    auto ready = std::find_if(pending.begin(), pending.end(), [](const auto& kv) { return kv.second.empty(); });
    if (ready == pending.end()) {
      // Every remaining instance waits on another: follow the chain to show the cycle.
      std::vector<std::string> chain{pending.begin()->first};
      std::set<std::string> seen{chain.back()};
      while (true) {
        const std::string next = *pending.at(chain.back()).begin();
        chain.push_back(next);
        if (!seen.insert(next).second) break;
      }
      const auto first = std::find(chain.begin(), chain.end(), chain.back());
      throw ConfigError(where(*st.config, "/instances") + ": dependency cycle: " +
                        join(std::vector<std::string>(first, chain.end()), " -> ") + " — an instance cannot use itself, even indirectly");
    }
    const std::string name = ready->first;
    st.creation_order.push_back(name);
    pending.erase(ready);
    for (auto& [n, deps] : pending) deps.erase(name);
  }
}

const InstanceConfig* find_config(const Config& config, const std::string& name) {
  for (const auto& i : config.instances)
    if (i.name == name) return &i;
  return nullptr;
}

// The instance of `previous` that `next` may take over for `ic`, or nullptr
// when anything it was made from differs. Dependencies are decided first
// (creation order), so "kept" of each is already known.
std::shared_ptr<LiveInstance> takeover(const Snapshot& next, const Snapshot* previous, const InstanceConfig& ic) {
  if (!previous) return nullptr;
  const auto old = previous->live.find(ic.name);
  if (old == previous->live.end()) return nullptr;
  const InstanceConfig* old_config = find_config(*previous->config, ic.name);
  if (!old_config || old_config->plugin != ic.plugin || old_config->config != ic.config) return nullptr;
  if (&old->second->module() != next.modules.at(ic.plugin).get()) return nullptr;  // another file
  const auto& deps = next.dependencies.at(ic.name);
  if (previous->dependencies.at(ic.name) != deps) return nullptr;
  for (const auto& d : deps) {
    if (next.live.at(d) != previous->live.at(d)) return nullptr;  // a dependency was re-created
  }
  return old->second;
}

}  // namespace

std::unique_ptr<Snapshot> plan_snapshot(std::shared_ptr<const Config> config, const std::vector<fs::path>& plugin_dirs,
                                        bool check_only, const Snapshot* previous) {
  auto st = std::make_unique<Snapshot>();
  st->config = std::move(config);
  std::vector<fs::path> dirs = st->config->plugin_dirs;
  dirs.insert(dirs.end(), plugin_dirs.begin(), plugin_dirs.end());
  load_modules(*st, dirs, check_only, previous);
  validate_instance_blocks(*st);
  resolve_dependencies(*st);
  order_instances(*st);
  return st;
}

InstanceChanges create_instances(Snapshot& next, const Snapshot* previous) {
  InstanceChanges changes;
  std::vector<std::string> done;
  for (const auto& name : next.creation_order) {
    const InstanceConfig& ic = *find_config(*next.config, name);
    if (auto same = takeover(next, previous, ic)) {
      next.live[name] = std::move(same);
      changes.kept.push_back(name);
      done.push_back(name);
      continue;
    }
    std::shared_ptr<LiveInstance> old;
    if (previous) {
      if (auto it = previous->live.find(name); it != previous->live.end()) old = it->second;
    }
    const std::uint64_t generation = old ? old->generation() + 1 : 1;
    LiveInstance::Dependencies deps;
    for (const auto& d : next.dependencies.at(name)) deps[d] = next.live.at(d);
    try {
      next.live[name] = std::make_shared<LiveInstance>(name, generation, next.modules.at(ic.plugin), ic.config, std::move(deps));
    } catch (const std::exception& e) {
      next.creation_order = done;  // ~Snapshot drops exactly these, in reverse
      throw ConfigError(where(*next.config, ic.json_path) + ": " + e.what());
    }
    (old ? changes.replaced : changes.created).push_back(name);
    done.push_back(name);
  }
  if (previous) {
    for (const auto& [name, inst] : previous->live)
      if (!next.live.count(name)) changes.removed.push_back(name);
  }
  for (auto* v : {&changes.created, &changes.replaced, &changes.kept, &changes.removed}) std::sort(v->begin(), v->end());
  return changes;
}

}  // namespace nexus::host
