// The registry: plugins loaded once per id, instances validated, ordered by
// their declared dependencies, created in that order, destroyed in reverse.
#include "nexus/host/runtime.hpp"

#include <nexus/auth.h>
#include <nexus/storage.h>
#include <nexus/tools.h>
#include <nexus/transcription.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "runtime/live_instance.hpp"
#include "runtime/module.hpp"
#include "runtime/plugin_finder.hpp"
#include "runtime/schema_walk.hpp"

namespace nexus::host {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct Runtime::State {
  Config config;
  std::vector<fs::path> plugin_dirs;
  std::map<std::string, std::shared_ptr<Module>> modules;    // by plugin id
  std::map<std::string, std::set<std::string>> dependencies;  // instance -> instances it uses
  std::vector<std::string> creation_order;
  std::map<std::string, std::shared_ptr<LiveInstance>> live;  // by instance name

  ~State() {
    // Reverse creation order: an instance goes before those it depends on.
    for (auto it = creation_order.rbegin(); it != creation_order.rend(); ++it) live.erase(*it);
    live.clear();
    modules.clear();
  }
};

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

void load_modules(Runtime::State& st, bool check_only) {
  for (const auto& inst : st.config.instances) {
    if (st.modules.count(inst.plugin)) continue;
    const auto pin = st.config.plugins.count(inst.plugin) ? st.config.plugins.at(inst.plugin) : PluginPin{};
    std::optional<fs::path> file = pin.path ? std::optional<fs::path>(*pin.path) : find_plugin_file(inst.plugin, st.plugin_dirs);
    if (!file) {
      throw ConfigError(where(st.config, inst.json_path + "/plugin") + ": no plugin '" + inst.plugin + "' (file " +
                        plugin_file_name(inst.plugin) + ") in " + dir_list(st.plugin_dirs) +
                        "; available: " + available_plugins(st.plugin_dirs) + " — fix the id or add --plugin-dir");
    }
    try {
      ModuleLoadOptions o{*file, pin.sha256, check_only ? fs::path() : st.config.state_dir / "plugins", !check_only};
      auto m = Module::load(o);
      if (inst.plugin != m->descriptor().id)
        throw std::runtime_error("file " + file->string() + " holds plugin '" + m->descriptor().id + "', not '" + inst.plugin + "'");
      st.modules[inst.plugin] = std::move(m);
    } catch (const ConfigError&) {
      throw;
    } catch (const std::exception& e) {
      throw ConfigError(where(st.config, inst.json_path + "/plugin") + ": " + e.what());
    }
  }
}

void validate_instance_blocks(Runtime::State& st) {
  std::vector<std::string> problems;
  for (const auto& inst : st.config.instances) {
    const auto& m = *st.modules.at(inst.plugin);
    for (const auto& p : validate_against_schema(m.descriptor().config_schema ? m.descriptor().config_schema : "{}", inst.config))
      problems.push_back(where(st.config, inst.json_path + "/config" + p.path) + ": " + p.message);
  }
  if (!problems.empty()) throw ConfigError(join(problems, "\n"));
}

void resolve_dependencies(Runtime::State& st) {
  std::map<std::string, const InstanceConfig*> by_name;
  for (const auto& i : st.config.instances) by_name[i.name] = &i;
  for (const auto& inst : st.config.instances) {
    auto& deps = st.dependencies[inst.name];
    const json schema = json::parse(st.modules.at(inst.plugin)->descriptor().config_schema, nullptr, false);
    for (const auto& ref : find_instance_references(schema, inst.config)) {
      const std::string at = where(st.config, inst.json_path + "/config" + ref.path);
      auto it = by_name.find(ref.target);
      if (it == by_name.end()) throw ConfigError(at + ": no instance named '" + ref.target + "' — define it under \"instances\"");
      if (!st.modules.at(it->second->plugin)->provides(ref.interface_id))
        throw ConfigError(at + ": instance '" + ref.target + "' (plugin '" + it->second->plugin + "') does not provide " +
                          ref.interface_id);
      deps.insert(ref.target);
    }
  }
  for (const auto& [group, route] : st.config.routes) {
    for (const auto& name : route.auth) {
      auto it = by_name.find(name);
      const std::string at = where(st.config, "/routes/" + group + "/auth");
      if (it == by_name.end()) throw ConfigError(at + ": no instance named '" + name + "'");
      if (!st.modules.at(it->second->plugin)->provides(NEXUS_AUTH_V1))
        throw ConfigError(at + ": instance '" + name + "' (plugin '" + it->second->plugin + "') is not an auth provider (" NEXUS_AUTH_V1 ")");
    }
  }
}

// Kahn's algorithm over names in sorted order, so the order is deterministic.
void order_instances(Runtime::State& st) {
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
      throw ConfigError(where(st.config, "/instances") + ": dependency cycle: " +
                        join(std::vector<std::string>(first, chain.end()), " -> ") + " — an instance cannot use itself, even indirectly");
    }
    const std::string name = ready->first;
    st.creation_order.push_back(name);
    pending.erase(ready);
    for (auto& [n, deps] : pending) deps.erase(name);
  }
}

void create_instances(Runtime::State& st) {
  std::map<std::string, const InstanceConfig*> by_name;
  for (const auto& i : st.config.instances) by_name[i.name] = &i;
  InstanceLookup lookup = [&st](const std::string& n) -> std::shared_ptr<LiveInstance> {
    auto it = st.live.find(n);
    return it == st.live.end() ? nullptr : it->second;
  };
  std::vector<std::string> created;
  for (const auto& name : st.creation_order) {
    const auto& ic = *by_name.at(name);
    try {
      st.live[name] = std::make_shared<LiveInstance>(name, st.modules.at(ic.plugin), ic.config, st.dependencies.at(name), lookup);
      created.push_back(name);
    } catch (const std::exception& e) {
      st.creation_order = created;  // ~State destroys exactly these, in reverse
      throw ConfigError(where(st.config, ic.json_path) + ": " + e.what());
    }
  }
}

std::shared_ptr<LiveInstance> find_live(const Runtime::State& st, std::string_view name, const char* interface_id) {
  auto it = st.live.find(std::string(name));
  if (it == st.live.end()) throw std::out_of_range("no instance named '" + std::string(name) + "'");
  if (!it->second->table(interface_id))
    throw std::out_of_range("instance '" + std::string(name) + "' (plugin '" + it->second->module().descriptor().id +
                            "') does not provide " + interface_id);
  return it->second;
}

PluginSummary summarize(const Module& m) {
  const auto& d = m.descriptor();
  PluginSummary s;
  s.id = d.id;
  s.version = d.version ? d.version : "";
  s.description = d.description ? d.description : "";
  s.license = d.license ? d.license : "";
  s.interfaces = m.interfaces();
  s.config_schema = d.config_schema ? d.config_schema : "{}";
  s.file = m.file().string();
  s.sha256 = m.sha256();
  s.abi_major = d.abi_major;
  s.abi_minor = d.abi_minor;
  s.parallel = d.concurrency == NEXUS_CONCURRENCY_PARALLEL;
  return s;
}

}  // namespace

std::unique_ptr<Runtime> Runtime::start(const Config& config, const RuntimeOptions& options) {
  auto st = std::make_unique<State>();
  st->config = config;
  st->plugin_dirs = config.plugin_dirs;
  st->plugin_dirs.insert(st->plugin_dirs.end(), options.plugin_dirs.begin(), options.plugin_dirs.end());
  load_modules(*st, options.check_only);
  validate_instance_blocks(*st);
  resolve_dependencies(*st);
  order_instances(*st);
  if (!options.check_only) create_instances(*st);
  return std::unique_ptr<Runtime>(new Runtime(std::move(st)));
}

Runtime::Runtime(std::unique_ptr<State> s) : s_(std::move(s)) {}
Runtime::~Runtime() = default;

const Config& Runtime::config() const noexcept { return s_->config; }

std::vector<PluginSummary> Runtime::plugins() const {
  std::vector<PluginSummary> out;
  for (const auto& [id, m] : s_->modules) out.push_back(summarize(*m));
  return out;
}

std::vector<InstanceSummary> Runtime::instances() const {
  std::vector<InstanceSummary> out;
  for (const auto& ic : s_->config.instances) {
    const auto& m = *s_->modules.at(ic.plugin);
    const json schema = json::parse(m.descriptor().config_schema, nullptr, false);
    const auto& deps = s_->dependencies.at(ic.name);
    out.push_back({ic.name, ic.plugin, m.interfaces(), std::vector<std::string>(deps.begin(), deps.end()), redact_secrets(schema, ic.config)});
  }
  return out;
}

bool Runtime::has_instance(std::string_view name) const { return s_->live.count(std::string(name)) > 0; }

StorageClient Runtime::storage(std::string_view n) const { return StorageClient(find_live(*s_, n, NEXUS_STORAGE_V1)); }
AuthClient Runtime::auth(std::string_view n) const { return AuthClient(find_live(*s_, n, NEXUS_AUTH_V1)); }
TranscriptionClient Runtime::transcription(std::string_view n) const {
  return TranscriptionClient(find_live(*s_, n, NEXUS_TRANSCRIPTION_V1));
}
ToolsClient Runtime::tools(std::string_view n) const { return ToolsClient(find_live(*s_, n, NEXUS_TOOLS_V1)); }
ResourcesClient Runtime::resources(std::string_view n) const {
  return ResourcesClient(find_live(*s_, n, NEXUS_RESOURCES_V1));
}
PromptsClient Runtime::prompts(std::string_view n) const { return PromptsClient(find_live(*s_, n, NEXUS_PROMPTS_V1)); }
TokensClient Runtime::tokens(std::string_view n) const { return TokensClient(find_live(*s_, n, NEXUS_TOKENS_V1)); }

std::vector<std::string> Runtime::instances_providing(std::string_view interface_id) const {
  std::vector<std::string> out;
  for (const auto& [name, inst] : s_->live)
    if (inst->table(std::string(interface_id))) out.push_back(name);
  return out;
}

std::vector<std::pair<std::string, std::string>> Runtime::health() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, inst] : s_->live) {
    const auto& d = inst->module().descriptor();
    std::string reason;
    if (d.on_instance_health) {
      std::string detail;
      nexus_writer w{sizeof(nexus_writer), &detail, [](void* self, const void* data, std::size_t size) noexcept {
                       auto* s = static_cast<std::string*>(self);
                       if (s->size() + size > 4096) return NEXUS_RESOURCE_EXHAUSTED;
                       s->append(static_cast<const char*>(data), size);
                       return NEXUS_OK;
                     }};
      LiveInstance::CallGate gate(*inst);
      const nexus_status s = d.on_instance_health(inst->handle(), &w);
      if (s != NEXUS_OK) reason = detail.empty() ? nexus_status_name(s) : detail;
    }
    out.emplace_back(name, reason);
  }
  return out;
}

std::vector<PluginSummary> discover_plugins(const std::vector<fs::path>& dirs) {
  std::vector<PluginSummary> out;
  for (const auto& f : list_plugin_files(dirs)) {
    try {
      out.push_back(summarize(*Module::load({f, std::nullopt, {}, false})));
    } catch (const std::exception& e) {
      PluginSummary s;
      const std::string n = f.filename().string();
      s.id = n.substr(9, n.size() - 12);
      s.file = f.string();
      s.error = e.what();
      out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace nexus::host
