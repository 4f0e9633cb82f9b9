#include "loaded_plugin.hpp"

#include <random>
#include <set>
#include <stdexcept>

#include "runtime/module.hpp"

namespace nexus::check {

namespace {

std::string_view view(nexus_str s) noexcept {
  return s.size && s.data ? std::string_view(s.data, s.size) : std::string_view();
}

const char* level_name(nexus_log_level level) noexcept {
  switch (level) {
    case NEXUS_LOG_TRACE:
      return "trace";
    case NEXUS_LOG_DEBUG:
      return "debug";
    case NEXUS_LOG_INFO:
      return "info";
    case NEXUS_LOG_WARN:
      return "warn";
    case NEXUS_LOG_ERROR:
      return "error";
    default:
      return "log";
  }
}

std::string new_request_id() {
  static std::atomic<unsigned> counter{0};
  return "nexus-check-" + std::to_string(++counter);
}

}  // namespace

// --- Recorder -----------------------------------------------------------------

void Recorder::log(std::string_view where, nexus_log_level level, std::string_view text) {
  std::lock_guard lock(mutex_);
  logs_.push_back(std::string(where) + ": " + level_name(level) + ": " + std::string(text));
}
std::vector<std::string> Recorder::logs() const {
  std::lock_guard lock(mutex_);
  return logs_;
}
void Recorder::late_use(std::string what) {
  std::lock_guard lock(mutex_);
  late_uses_.push_back(std::move(what));
}
std::vector<std::string> Recorder::late_uses() const {
  std::lock_guard lock(mutex_);
  return late_uses_;
}
void Recorder::silent_error(std::string what) {
  std::lock_guard lock(mutex_);
  silent_errors_.push_back(std::move(what));
}
std::vector<std::string> Recorder::silent_errors() const {
  std::lock_guard lock(mutex_);
  return silent_errors_;
}
void Recorder::count_error() {
  std::lock_guard lock(mutex_);
  ++errors_seen_;
}
std::size_t Recorder::errors_seen() const {
  std::lock_guard lock(mutex_);
  return errors_seen_;
}
void Recorder::keep_alive(std::shared_ptr<void> p) {
  std::lock_guard lock(mutex_);
  kept_.push_back(std::move(p));
}

// --- Sink -----------------------------------------------------------------------

struct Sink::State {
  nexus_writer writer{};
  Recorder* recorder = nullptr;
  std::string what;
  mutable std::mutex mutex;
  std::string data;
  std::size_t writes = 0;
  std::uint64_t first_sequence = 0;
  std::atomic<bool> closed{false};

  static nexus_status write(void* self, const void* bytes, std::size_t size) noexcept {
    auto* s = static_cast<State*>(self);
    if (s->closed.load()) {
      try {
        s->recorder->late_use(s->what + " was written to after its call returned");
      } catch (...) {
      }
      return NEXUS_CANCELLED;
    }
    try {
      const std::uint64_t seq = s->recorder->next_sequence();
      std::lock_guard lock(s->mutex);
      if (size && !bytes) return NEXUS_INVALID_ARGUMENT;
      if (s->writes++ == 0) s->first_sequence = seq;
      s->data.append(static_cast<const char*>(bytes), size);
      return NEXUS_OK;
    } catch (...) {
      return NEXUS_RESOURCE_EXHAUSTED;
    }
  }
};

Sink::Sink(Recorder& recorder, std::string what) : state_(std::make_shared<State>()) {
  state_->writer = nexus_writer{sizeof(nexus_writer), state_.get(), &State::write};
  state_->recorder = &recorder;
  state_->what = std::move(what);
  recorder.keep_alive(state_);
}
const nexus_writer* Sink::writer() const noexcept {
  return &state_->writer;
}
std::string Sink::text() const {
  std::lock_guard lock(state_->mutex);
  return state_->data;
}
std::size_t Sink::writes() const {
  std::lock_guard lock(state_->mutex);
  return state_->writes;
}
std::uint64_t Sink::first_sequence() const {
  std::lock_guard lock(state_->mutex);
  return state_->first_sequence;
}
void Sink::close() {
  state_->closed.store(true);
}
std::string Sink::take() {
  close();
  std::lock_guard lock(state_->mutex);
  return std::exchange(state_->data, std::string());
}

// --- Call -------------------------------------------------------------------------

struct Call::State {
  nexus_call_context context{};
  Recorder* recorder = nullptr;
  std::string what;
  std::string request_id;
  std::string principal_json;
  bool cancelled = false;
  mutable std::mutex mutex;
  std::string error;
  bool error_set = false;
  std::vector<std::string> logs;
  std::atomic<bool> closed{false};

  static State* self(void* host_data) noexcept { return static_cast<State*>(host_data); }
  // True (and recorded) when the plugin uses the context after the call returned.
  bool late(const char* callback) noexcept {
    if (!closed.load()) return false;
    try {
      recorder->late_use("the call context of " + what + " was used (" + callback + ") after the call returned");
    } catch (...) {
    }
    return true;
  }

  static int is_cancelled(void* host_data) noexcept {
    State* s = self(host_data);
    if (s->late("callback_is_cancelled")) return 1;
    return s->cancelled ? 1 : 0;
  }
  static void progress(void* host_data, double, double, nexus_str) noexcept {
    self(host_data)->late("callback_progress");
  }
  static void log(void* host_data, nexus_log_level level, nexus_str message) noexcept {
    State* s = self(host_data);
    if (s->late("callback_log")) return;
    try {
      s->recorder->log(s->what, level, view(message));
      std::lock_guard lock(s->mutex);
      s->logs.emplace_back(view(message));
    } catch (...) {
    }
  }
  static void set_error(void* host_data, nexus_str message) noexcept {
    State* s = self(host_data);
    if (s->late("callback_set_error")) return;
    try {
      std::lock_guard lock(s->mutex);
      s->error = std::string(view(message));
      s->error_set = true;
    } catch (...) {
    }
  }
  static nexus_status client_request(void* host_data, nexus_str, nexus_str, const nexus_writer*) noexcept {
    // The kit has no client at the other end; the ABI's answer for that.
    if (self(host_data)->late("callback_client_request")) return NEXUS_CANCELLED;
    return NEXUS_UNIMPLEMENTED;
  }
};

Call::Call(Recorder& recorder, std::string what, CallSettings settings)
    : recorder_(recorder), state_(std::make_shared<State>()) {
  State& s = *state_;
  s.recorder = &recorder;
  s.what = std::move(what);
  s.request_id = new_request_id();
  s.principal_json = std::move(settings.principal_json);
  s.cancelled = settings.cancelled;
  s.context.struct_size = sizeof(nexus_call_context);
  s.context.host_data = state_.get();
  s.context.request_id = nexus_str{s.request_id.data(), s.request_id.size()};
  s.context.deadline_unix_ms = settings.deadline_unix_ms;
  s.context.principal_json = nexus_str{s.principal_json.data(), s.principal_json.size()};
  s.context.callback_is_cancelled = &State::is_cancelled;
  s.context.callback_progress = &State::progress;
  s.context.callback_log = &State::log;
  s.context.callback_set_error = &State::set_error;
  s.context.callback_client_request = &State::client_request;
  recorder.keep_alive(state_);
}

Call::~Call() {
  if (!finished_) state_->closed.store(true);
  for (auto& s : sinks_) s->take();  // free the bytes; the state stays for late writes
}

const nexus_call_context* Call::context() const noexcept {
  return &state_->context;
}

Sink& Call::sink(std::string name) {
  sinks_.push_back(std::make_unique<Sink>(recorder_, "the " + name + " writer of " + state_->what));
  return *sinks_.back();
}

nexus_status Call::finish(nexus_status status) {
  finished_ = true;
  state_->closed.store(true);
  for (auto& s : sinks_) s->close();
  if (status != NEXUS_OK) {
    recorder_.count_error();
    std::lock_guard lock(state_->mutex);
    if (state_->error.empty())
      recorder_.silent_error(state_->what + " returned " + nexus_status_name(status) + " without a message");
  }
  return status;
}

CallOutcome Call::outcome(nexus_status status, Sink& out) {
  CallOutcome o;
  o.status = finish(status);
  o.error = error();
  o.output = out.take();
  return o;
}

std::string Call::error() const {
  std::lock_guard lock(state_->mutex);
  return state_->error;
}
std::vector<std::string> Call::logs() const {
  std::lock_guard lock(state_->mutex);
  return state_->logs;
}

// --- Instance -------------------------------------------------------------------

struct Instance::HostState {
  nexus_host host{};
  Recorder* recorder = nullptr;
  std::string name;   // the instance's name
  std::string where;  // "instance '<name>'", for messages
  // What callback_find_interface may reach: the --dependency instances, of
  // which only those the instance's config declares.
  const Dependencies* dependencies = nullptr;
  std::set<std::string> declared;
  std::atomic<bool> closed{false};

  static HostState* self(void* host_data) noexcept { return static_cast<HostState*>(host_data); }
  bool late(const char* callback) noexcept {
    if (!closed.load()) return false;
    try {
      recorder->late_use("the nexus_host of " + where + " was used (" + callback +
                         ") after on_instance_destroy returned");
    } catch (...) {
    }
    return true;
  }
  static void log(void* host_data, nexus_log_level level, nexus_str message) noexcept {
    HostState* s = self(host_data);
    if (s->late("callback_log")) return;
    try {
      s->recorder->log(s->where, level, view(message));
    } catch (...) {
    }
  }
  static nexus_status find_interface(void* host_data, nexus_str instance_name, const char* interface_id,
                                     nexus_interface_ref* out, const nexus_writer* error) noexcept {
    HostState* s = self(host_data);
    if (s->late("callback_find_interface")) return NEXUS_FAILED_PRECONDITION;
    if (!out) return NEXUS_INVALID_ARGUMENT;
    try {
      static const Dependencies none;  // no --dependency given: the same answers from an empty set
      const Dependencies& deps = s->dependencies ? *s->dependencies : none;
      std::string why;
      const nexus_status status =
          deps.resolve(s->name, s->declared, view(instance_name), interface_id ? interface_id : "", *out, why);
      if (status != NEXUS_OK && error && error->callback_write)
        error->callback_write(error->receiver_data, why.data(), why.size());
      return status;
    } catch (...) {
      return NEXUS_INTERNAL;
    }
  }
  static void metric(void* host_data, nexus_str, nexus_str, double) noexcept {
    self(host_data)->late("a metrics callback");
  }
  static void resource_updated(void* host_data, nexus_str) noexcept {
    self(host_data)->late("callback_resource_updated");
  }
};

Instance::~Instance() {
  if (descriptor_ && descriptor_->on_instance_destroy) descriptor_->on_instance_destroy(handle_);
  if (host_) host_->closed.store(true);
}

// --- LoadedPlugin -----------------------------------------------------------------

LoadedPlugin::LoadedPlugin(const std::filesystem::path& file) : recorder_(std::make_shared<Recorder>()), file_(file) {
  host::ModuleLoadOptions options;
  options.file = file;
  options.init = true;
  module_ = host::Module::load(options);
}

LoadedPlugin::~LoadedPlugin() = default;

const nexus_plugin_descriptor& LoadedPlugin::descriptor() const noexcept {
  return module_->descriptor();
}

bool LoadedPlugin::provides(std::string_view interface_id) const {
  return module_->provides(std::string(interface_id));
}

bool LoadedPlugin::parallel() const noexcept {
  return descriptor().concurrency == NEXUS_CONCURRENCY_PARALLEL;
}

const void* LoadedPlugin::interface_table(const char* interface_id) const {
  const auto get = descriptor().on_get_interface;
  return get ? get(interface_id) : nullptr;
}

Created LoadedPlugin::create(const std::string& name, const nlohmann::json& config) {
  Created out;
  const nexus_plugin_descriptor& d = descriptor();
  auto host = std::make_shared<Instance::HostState>();
  host->recorder = recorder_.get();
  host->name = name;
  host->where = "instance '" + name + "'";
  host->dependencies = dependencies_;
  host->declared = declared_dependencies(d.config_schema, config);
  // Every entry set: struct_size says all of them exist, and a plugin may call any.
  host->host = nexus_host{};
  host->host.struct_size = sizeof(nexus_host);
  host->host.abi_major = NEXUS_ABI_MAJOR;
  host->host.abi_minor = NEXUS_ABI_MINOR;
  host->host.host_data = host.get();
  host->host.callback_log = &Instance::HostState::log;
  host->host.callback_find_interface = &Instance::HostState::find_interface;
  host->host.callback_counter_add = &Instance::HostState::metric;
  host->host.callback_gauge_set = &Instance::HostState::metric;
  host->host.callback_histogram_observe = &Instance::HostState::metric;
  host->host.callback_resource_updated = &Instance::HostState::resource_updated;
  recorder_->keep_alive(host);

  const std::string config_text = config.dump();
  Sink error(*recorder_, "the error writer of on_instance_create('" + name + "')");
  void* handle = nullptr;
  out.status = d.on_instance_create(&host->host, nexus_str{name.data(), name.size()},
                                    nexus_str{config_text.data(), config_text.size()}, &handle, error.writer());
  out.error = error.take();
  if (out.status != NEXUS_OK) {
    recorder_->count_error();
    if (out.error.empty())
      recorder_->silent_error("on_instance_create('" + name + "') returned " + nexus_status_name(out.status) +
                              " without writing a message to its error writer");
    host->closed.store(true);  // no instance: the host struct is dead now
    return out;
  }
  out.instance.reset(new Instance());
  out.instance->descriptor_ = &d;
  out.instance->host_ = std::move(host);
  out.instance->handle_ = handle;
  out.instance->name_ = name;
  return out;
}

std::shared_ptr<void> LoadedPlugin::load_again() const {
  host::ModuleLoadOptions options;
  options.file = file_;
  options.init = true;
  return host::Module::load(options);
}

}  // namespace nexus::check
