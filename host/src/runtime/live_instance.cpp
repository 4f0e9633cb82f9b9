#include "runtime/live_instance.hpp"

#include <stdexcept>

#include "runtime/host_services.hpp"
#include "runtime/sinks.hpp"

namespace nexus::host {

LiveInstance::LiveInstance(std::string name, std::uint64_t generation, std::shared_ptr<Module> module,
                           const nlohmann::json& config, Dependencies dependencies)
    : name_(std::move(name)),
      generation_(generation),
      module_(std::move(module)),
      dependencies_(std::move(dependencies)) {
  HostServices::fill(host_, this);
  const std::string text = config.dump();
  StringSink error(4096);
  void* handle = nullptr;
  const auto& d = module_->descriptor();
  const nexus_status s = d.on_instance_create(&host_, {name_.data(), name_.size()}, {text.data(), text.size()}, &handle, error.writer());
  if (s != NEXUS_OK) {
    throw std::runtime_error("instance '" + name_ + "' (plugin '" + d.id + "'): " +
                             (error.str().empty() ? std::string("create failed: ") + nexus_status_name(s) : error.str()));
  }
  if (!handle) throw std::runtime_error("instance '" + name_ + "' (plugin '" + d.id + "'): create returned OK but no instance");
  handle_ = handle;
}

LiveInstance::~LiveInstance() {
  {
    // Code is never torn down under a call: wait for the last one to leave.
    std::unique_lock lock(inflight_mutex_);
    inflight_cv_.wait(lock, [this] { return inflight_ == 0; });
  }
  if (handle_) module_->descriptor().on_instance_destroy(handle_);
}

std::shared_ptr<LiveInstance> LiveInstance::dependency(const std::string& name) const {
  const auto it = dependencies_.find(name);
  return it == dependencies_.end() ? nullptr : it->second;
}

const void* LiveInstance::table(const std::string& id) const {
  std::lock_guard lock(tables_mutex_);
  if (auto it = tables_.find(id); it != tables_.end()) return it->second;
  const void* t = module_->provides(id) ? module_->descriptor().on_get_interface(id.c_str()) : nullptr;
  // Every table starts with its struct_size; refuse one too small to be real.
  if (t && *static_cast<const std::uint32_t*>(t) < sizeof(std::uint32_t) + sizeof(void*)) t = nullptr;
  tables_[id] = t;
  return t;
}

LiveInstance::CallGate::CallGate(const LiveInstance& inst) : inst_(inst) {
  {
    std::lock_guard lock(inst_.inflight_mutex_);
    ++inst_.inflight_;
  }
  if (inst_.module_->descriptor().concurrency != NEXUS_CONCURRENCY_PARALLEL)
    serial_ = std::unique_lock<std::mutex>(inst_.serial_mutex_);
}

LiveInstance::CallGate::~CallGate() {
  if (serial_.owns_lock()) serial_.unlock();
  std::lock_guard lock(inst_.inflight_mutex_);
  if (--inst_.inflight_ == 0) inst_.inflight_cv_.notify_all();
}

}  // namespace nexus::host
