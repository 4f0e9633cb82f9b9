// runtime/runtime.cpp — nexus::host::Runtime: the snapshot in force, how a
// reload replaces it, and the accessors that read it. Building a snapshot
// (loading, validating, ordering, creating) is snapshot.cpp's job.
//
// Locking: `published` guards only the pointer to the snapshot in force, so
// readers take it for a pointer copy and never wait on a reload; `reloading`
// makes reloads run one at a time. A snapshot is immutable once published.
// A Runtime::Pin puts one snapshot in thread-local storage; readers on that
// thread use it instead of the published one.
#include "nexus/host/runtime.hpp"

#include <nexus/auth.h>
#include <nexus/storage.h>
#include <nexus/tools.h>
#include <nexus/transcription.h>

#include <mutex>
#include <stdexcept>

#include "runtime/live_instance.hpp"
#include "runtime/metrics.hpp"
#include "runtime/module.hpp"
#include "runtime/plugin_finder.hpp"
#include "runtime/restart_settings.hpp"
#include "runtime/schema_walk.hpp"
#include "runtime/snapshot.hpp"

namespace nexus::host {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// The calling thread's pinned snapshot and the State it belongs to.
thread_local const void* t_pin_owner = nullptr;
thread_local std::shared_ptr<const Snapshot> t_pinned;

}  // namespace

struct Runtime::State {
  std::vector<fs::path> plugin_dirs;  // RuntimeOptions::plugin_dirs, searched after the config's
  bool check_only = false;

  mutable std::mutex published;
  std::shared_ptr<const Snapshot> current;  // guarded by `published`

  std::mutex reloading;
  // Instances a reload replaced or removed, until their last caller is done.
  // Guarded by `published`.
  mutable std::vector<std::weak_ptr<LiveInstance>> retiring;

  // Call with `published` held.
  void forget_retired() const {
    std::erase_if(retiring, [](const auto& w) { return w.expired(); });
  }

  // What readers use: the thread's pin, else the published snapshot.
  std::shared_ptr<const Snapshot> snapshot() const {
    if (t_pin_owner == this) return t_pinned;
    return published_snapshot();
  }
  std::shared_ptr<const Snapshot> published_snapshot() const {
    std::lock_guard lock(published);
    return current;
  }
};

namespace {

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::shared_ptr<LiveInstance> find_live(const Snapshot& st, std::string_view name, const char* interface_id) {
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

std::string ReloadResult::summary() const {
  std::string out = "generation " + std::to_string(generation) + ":";
  const auto part = [&out](const char* what, const std::vector<std::string>& names) {
    if (!names.empty()) out += std::string(" ") + what + " " + join(names, ", ") + ";";
  };
  part("created", created);
  part("replaced", replaced);
  part("kept", kept);
  part("removed", removed);
  if (!restart_required.empty()) out += " restart required for " + join(restart_required, ", ") + ";";
  if (out.back() == ';') out.pop_back();
  return out;
}

std::unique_ptr<Runtime> Runtime::start(const Config& config, const RuntimeOptions& options) {
  auto st = std::make_unique<State>();
  st->plugin_dirs = options.plugin_dirs;
  st->check_only = options.check_only;
  auto first = plan_snapshot(std::make_shared<const Config>(config), st->plugin_dirs, options.check_only, nullptr);
  if (!options.check_only) create_instances(*first, nullptr);
  first->generation = 1;
  st->current = std::move(first);
  return std::unique_ptr<Runtime>(new Runtime(std::move(st)));
}

Runtime::Runtime(std::unique_ptr<State> s) : s_(std::move(s)) {}
Runtime::~Runtime() = default;

ReloadResult Runtime::reload() {
  const fs::path source = s_->published_snapshot()->config->source;
  if (source.empty()) {
    host_metrics().record_reload(false);
    throw ConfigError("config: this runtime was started from config text, not a file, so there is nothing to re-read; "
                      "call reload(config) with the new config instead");
  }
  Config next;
  try {
    next = load_config_file(source);
  } catch (...) {
    host_metrics().record_reload(false);
    throw;
  }
  return reload(next);
}

ReloadResult Runtime::reload(const Config& config) {
  std::lock_guard one_at_a_time(s_->reloading);
  std::shared_ptr<const Snapshot> previous = s_->published_snapshot();
  ReloadResult result;
  try {
    if (s_->check_only) throw std::logic_error("a runtime started with check_only creates no instances and cannot reload");
    auto next_config = std::make_shared<Config>(config);
    result.restart_required = keep_restart_only_settings(*next_config, *previous->config);
    auto next = plan_snapshot(std::move(next_config), s_->plugin_dirs, false, previous.get());
    InstanceChanges changes = create_instances(*next, previous.get());
    next->generation = previous->generation + 1;
    result.generation = next->generation;
    result.created = std::move(changes.created);
    result.replaced = std::move(changes.replaced);
    result.kept = std::move(changes.kept);
    result.removed = std::move(changes.removed);

    std::lock_guard lock(s_->published);
    s_->forget_retired();
    for (const auto* names : {&result.replaced, &result.removed})
      for (const auto& name : *names) s_->retiring.push_back(previous->live.at(name));
    s_->current = std::move(next);
  } catch (...) {
    host_metrics().record_reload(false);
    throw;
  }
  host_metrics().record_reload(true);
  // `previous` goes here: instances nobody is calling are destroyed now, on
  // this thread; the others when their last call returns.
  return result;
}

Runtime::Pin::Pin(const Runtime& runtime) : saved_owner_(t_pin_owner), saved_snapshot_(std::move(t_pinned)) {
  t_pinned = runtime.s_->published_snapshot();
  t_pin_owner = runtime.s_.get();
}

Runtime::Pin::~Pin() {
  t_pinned = std::static_pointer_cast<const Snapshot>(std::move(saved_snapshot_));
  t_pin_owner = saved_owner_;
}

std::uint64_t Runtime::generation() const { return s_->snapshot()->generation; }

std::size_t Runtime::retiring_instances() const {
  std::lock_guard lock(s_->published);
  s_->forget_retired();
  return s_->retiring.size();
}

std::shared_ptr<const Config> Runtime::config() const { return s_->snapshot()->config; }

std::vector<PluginSummary> Runtime::plugins() const {
  const auto snap = s_->snapshot();
  std::vector<PluginSummary> out;
  for (const auto& [id, m] : snap->modules) out.push_back(summarize(*m));
  return out;
}

std::vector<InstanceSummary> Runtime::instances() const {
  const auto snap = s_->snapshot();
  std::vector<InstanceSummary> out;
  for (const auto& ic : snap->config->instances) {
    const auto& m = *snap->modules.at(ic.plugin);
    const json schema = json::parse(m.descriptor().config_schema, nullptr, false);
    const auto& deps = snap->dependencies.at(ic.name);
    InstanceSummary s;
    s.name = ic.name;
    s.plugin = ic.plugin;
    s.interfaces = m.interfaces();
    s.depends_on.assign(deps.begin(), deps.end());
    s.config_redacted = redact_secrets(schema, ic.config);
    const auto live = snap->live.find(ic.name);
    s.generation = live == snap->live.end() ? 0 : live->second->generation();
    s.plugin_version = m.descriptor().version ? m.descriptor().version : "";
    s.sha256 = m.sha256();
    out.push_back(std::move(s));
  }
  return out;
}

bool Runtime::has_instance(std::string_view name) const { return s_->snapshot()->live.count(std::string(name)) > 0; }

StorageClient Runtime::storage(std::string_view n) const {
  return StorageClient(find_live(*s_->snapshot(), n, NEXUS_STORAGE_V1));
}
AuthClient Runtime::auth(std::string_view n) const { return AuthClient(find_live(*s_->snapshot(), n, NEXUS_AUTH_V1)); }
TranscriptionClient Runtime::transcription(std::string_view n) const {
  return TranscriptionClient(find_live(*s_->snapshot(), n, NEXUS_TRANSCRIPTION_V1));
}
ToolsClient Runtime::tools(std::string_view n) const { return ToolsClient(find_live(*s_->snapshot(), n, NEXUS_TOOLS_V1)); }
ResourcesClient Runtime::resources(std::string_view n) const {
  return ResourcesClient(find_live(*s_->snapshot(), n, NEXUS_RESOURCES_V1));
}
PromptsClient Runtime::prompts(std::string_view n) const {
  return PromptsClient(find_live(*s_->snapshot(), n, NEXUS_PROMPTS_V1));
}
TokensClient Runtime::tokens(std::string_view n) const { return TokensClient(find_live(*s_->snapshot(), n, NEXUS_TOKENS_V1)); }

std::vector<std::string> Runtime::instances_providing(std::string_view interface_id) const {
  const auto snap = s_->snapshot();
  std::vector<std::string> out;
  for (const auto& [name, inst] : snap->live)
    if (inst->table(std::string(interface_id))) out.push_back(name);
  return out;
}

std::vector<std::pair<std::string, std::string>> Runtime::health() const {
  const auto snap = s_->snapshot();
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, inst] : snap->live) {
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
