#include "support/plugin_harness.hpp"

#include <dlfcn.h>

#include <cstring>
#include <stdexcept>

namespace nexus::test {
namespace {

const char* level_name(nexus_log_level l) {
  switch (l) {
    case NEXUS_LOG_TRACE: return "trace";
    case NEXUS_LOG_DEBUG: return "debug";
    case NEXUS_LOG_INFO: return "info";
    case NEXUS_LOG_WARN: return "warn";
    case NEXUS_LOG_ERROR: return "error";
    default: return "?";
  }
}

std::string_view as_view(nexus_str s) { return s.size ? std::string_view(s.data, s.size) : std::string_view(); }
nexus_str as_str(std::string_view s) { return nexus_str{s.data(), s.size()}; }

// A nexus_writer appending into a string the test owns.
class Sink {
 public:
  Sink() : writer_{sizeof(nexus_writer), this, &Sink::append} {}
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;
  const nexus_writer* writer() const { return &writer_; }
  std::string take() { return std::move(data_); }

 private:
  static nexus_status append(void* self, const void* data, size_t size) {
    static_cast<Sink*>(self)->data_.append(static_cast<const char*>(data), size);
    return NEXUS_OK;
  }
  nexus_writer writer_;
  std::string data_;
};

// The per-call context the host would build: its callbacks record logs and
// the error message, and answer the cancellation question.
class Context {
 public:
  Context(LogRecorder& log, CallOptions options) : log_(log), options_(options) {
    ctx_.struct_size = sizeof(nexus_call_context);
    ctx_.host_data = this;
    ctx_.request_id = as_str(request_id_);
    ctx_.deadline_unix_ms = 0;
    ctx_.principal_json = nexus_str{nullptr, 0};
    ctx_.callback_is_cancelled = [](void* self) -> int { return static_cast<Context*>(self)->options_.cancelled ? 1 : 0; };
    ctx_.callback_progress = [](void*, double, double, nexus_str) {};
    ctx_.callback_log = [](void* self, nexus_log_level level, nexus_str m) { static_cast<Context*>(self)->log_.add(level, as_view(m)); };
    ctx_.callback_set_error = [](void* self, nexus_str m) { static_cast<Context*>(self)->error_ = std::string(as_view(m)); };
    ctx_.callback_client_request = nullptr;
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  const nexus_call_context* get() const { return &ctx_; }
  std::string take_error() { return std::move(error_); }

 private:
  LogRecorder& log_;
  CallOptions options_;
  std::string request_id_ = "req-test";
  std::string error_;
  nexus_call_context ctx_{};
};

}  // namespace

std::string plugin_path(std::string_view id) { return std::string(NEXUS_PLUGIN_DIR) + "/libnexus_" + std::string(id) + ".so"; }

void LogRecorder::add(nexus_log_level level, std::string_view text) {
  std::lock_guard lock(mutex_);
  lines_.push_back(std::string(level_name(level)) + ": " + std::string(text));
}

std::vector<std::string> LogRecorder::lines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

bool LogRecorder::contains(std::string_view needle) const {
  std::lock_guard lock(mutex_);
  for (const auto& l : lines_)
    if (l.find(needle) != std::string::npos) return true;
  return false;
}

LoadedPlugin::LoadedPlugin(const std::string& path) {
  void* h = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) throw std::runtime_error("dlopen " + path + ": " + ::dlerror());
  library_ = std::shared_ptr<void>(h, [](void* p) { ::dlclose(p); });
  auto entry = reinterpret_cast<nexus_plugin_entry_fn>(::dlsym(h, NEXUS_PLUGIN_ENTRY_NAME));
  if (!entry) throw std::runtime_error(path + " has no " NEXUS_PLUGIN_ENTRY_NAME);
  descriptor_ = entry();
  if (!descriptor_ || descriptor_->abi_major != NEXUS_ABI_MAJOR) throw std::runtime_error(path + ": missing or incompatible descriptor");
  if (descriptor_->on_module_init && descriptor_->on_module_init() != NEXUS_OK) throw std::runtime_error(path + ": on_module_init failed");
}

LoadedPlugin::Created LoadedPlugin::create(std::string_view config_json, std::string_view name) const {
  Created c;
  auto inst = std::make_unique<PluginInstance>(library_, descriptor_, log_);
  auto [status, error] = inst->create(name, config_json);
  c.status = status;
  c.error = std::move(error);
  if (status == NEXUS_OK) c.instance = std::move(inst);
  return c;
}

PluginInstance::PluginInstance(std::shared_ptr<void> library, const nexus_plugin_descriptor* d, std::shared_ptr<LogRecorder> log)
    : library_(std::move(library)), descriptor_(d), log_(std::move(log)) {
  host_.struct_size = sizeof(nexus_host);
  host_.abi_major = NEXUS_ABI_MAJOR;
  host_.abi_minor = NEXUS_ABI_MINOR;
  host_.host_data = log_.get();
  host_.callback_log = [](void* log, nexus_log_level level, nexus_str m) { static_cast<LogRecorder*>(log)->add(level, as_view(m)); };
  host_.callback_find_interface = [](void*, nexus_str, const char*, nexus_interface_ref*, const nexus_writer*) {
    return NEXUS_NOT_FOUND;
  };
  host_.callback_counter_add = [](void*, nexus_str, nexus_str, double) {};
  host_.callback_gauge_set = [](void*, nexus_str, nexus_str, double) {};
  host_.callback_histogram_observe = [](void*, nexus_str, nexus_str, double) {};
}

PluginInstance::~PluginInstance() {
  if (instance_) descriptor_->on_instance_destroy(instance_);
}

std::pair<nexus_status, std::string> PluginInstance::create(std::string_view name, std::string_view config_json) {
  Sink error;
  void* out = nullptr;
  const nexus_status s = descriptor_->on_instance_create(&host_, as_str(name), as_str(config_json), &out, error.writer());
  if (s == NEXUS_OK) instance_ = out;
  return {s, error.take()};
}

const nexus_storage_v1* PluginInstance::storage() const {
  return static_cast<const nexus_storage_v1*>(descriptor_->on_get_interface(NEXUS_STORAGE_V1));
}
const nexus_auth_v1* PluginInstance::auth() const { return static_cast<const nexus_auth_v1*>(descriptor_->on_get_interface(NEXUS_AUTH_V1)); }
const nexus_transcription_v1* PluginInstance::transcription() const {
  return static_cast<const nexus_transcription_v1*>(descriptor_->on_get_interface(NEXUS_TRANSCRIPTION_V1));
}

StorageClient::StorageClient(const PluginInstance& instance) : instance_(instance), vt_(instance.storage()) {
  if (!vt_) throw std::runtime_error("instance does not provide " NEXUS_STORAGE_V1);
}

CallResult StorageClient::put(std::string_view key, std::string_view body, const PutArgs& args) const {
  Context ctx(instance_.log(), {});
  Sink info;
  nexus_put_options o{sizeof(nexus_put_options), as_str(args.content_type), as_str(args.metadata_json),
                      args.if_absent ? NEXUS_PUT_IF_ABSENT : 0u, as_str(args.if_match)};
  const nexus_bytes b{reinterpret_cast<const uint8_t*>(body.data()), body.size()};
  CallResult r;
  r.status = vt_->on_put(instance_.handle(), ctx.get(), as_str(key), b, &o, info.writer());
  r.info = info.take();
  r.error = ctx.take_error();
  return r;
}

CallResult StorageClient::get(std::string_view key, std::optional<std::pair<std::int64_t, std::int64_t>> range, CallOptions options) const {
  Context ctx(instance_.log(), options);
  Sink info, body;
  nexus_byte_range br{sizeof(nexus_byte_range), range ? range->first : 0, range ? range->second : -1};
  CallResult r;
  r.status = vt_->on_get(instance_.handle(), ctx.get(), as_str(key), range ? &br : nullptr, info.writer(), body.writer());
  r.info = info.take();
  r.body = body.take();
  r.error = ctx.take_error();
  return r;
}

CallResult StorageClient::head(std::string_view key) const {
  Context ctx(instance_.log(), {});
  Sink info;
  CallResult r;
  r.status = vt_->on_head(instance_.handle(), ctx.get(), as_str(key), info.writer());
  r.info = info.take();
  r.error = ctx.take_error();
  return r;
}

CallResult StorageClient::del(std::string_view key) const {
  Context ctx(instance_.log(), {});
  CallResult r;
  r.status = vt_->on_delete(instance_.handle(), ctx.get(), as_str(key));
  r.error = ctx.take_error();
  return r;
}

CallResult StorageClient::list(std::string_view prefix, std::string_view cursor, std::uint32_t limit) const {
  Context ctx(instance_.log(), {});
  Sink out;
  CallResult r;
  r.status = vt_->on_list(instance_.handle(), ctx.get(), as_str(prefix), as_str(cursor), limit, out.writer());
  r.info = out.take();
  r.error = ctx.take_error();
  return r;
}

AuthClient::AuthClient(const PluginInstance& instance) : instance_(instance), vt_(instance.auth()) {
  if (!vt_) throw std::runtime_error("instance does not provide " NEXUS_AUTH_V1);
}

AuthOutcome AuthClient::authenticate(const std::vector<std::pair<std::string, std::string>>& headers) const {
  Context ctx(instance_.log(), {});
  std::vector<nexus_http_header> h;
  for (const auto& [n, v] : headers) h.push_back({as_str(n), as_str(v)});
  nexus_request_view req{};
  req.struct_size = sizeof(nexus_request_view);
  req.method = as_str("GET");
  req.path = as_str("/v1/storage/recordings/a.wav");
  req.query = as_str("");
  req.headers = h.data();
  req.header_count = h.size();
  req.remote_address = as_str("127.0.0.1");
  req.route_group = as_str("storage");
  Sink principal;
  AuthOutcome out;
  out.decision = static_cast<nexus_auth_decision>(-1);  // so a plugin that never sets it is caught
  out.status = vt_->on_authenticate(instance_.handle(), ctx.get(), &req, &out.decision, principal.writer());
  out.principal = principal.take();
  out.error = ctx.take_error();
  return out;
}

}  // namespace nexus::test
