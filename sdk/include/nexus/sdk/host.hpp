// nexus/sdk/host.hpp — the host's services, checked by struct size.
#pragma once

#include <nexus/host.h>

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nexus/sdk/context.hpp"
#include "nexus/sdk/io.hpp"

namespace nexus::sdk {

// Typed handle on another instance's interface, e.g.
//   auto store = host.find<nexus_storage_v1>("recordings", NEXUS_STORAGE_V1);
//   store.vtable->on_get(store.instance, ...);
template <typename Vtable>
struct InterfaceRef {
  const Vtable* vtable = nullptr;
  void* instance = nullptr;
};

class Host {
 public:
  explicit Host(const nexus_host* h) noexcept : h_(h) {}

  void log(nexus_log_level level, std::string_view message) const noexcept {
    if (h_ && NEXUS_SDK_HAS_MEMBER(h_, nexus_host, callback_log) && h_->callback_log)
      h_->callback_log(h_->host_data, level, to_nexus_str(message));
  }
  void info(std::string_view m) const noexcept { log(NEXUS_LOG_INFO, m); }
  void warn(std::string_view m) const noexcept { log(NEXUS_LOG_WARN, m); }
  void error(std::string_view m) const noexcept { log(NEXUS_LOG_ERROR, m); }

  // Finds `interface_id` on instance `name`; throws Error with the host's
  // explanation when it is not there or not a declared dependency.
  template <typename Vtable>
  InterfaceRef<Vtable> find(std::string_view name, const char* interface_id) const {
    if (!h_ || !NEXUS_SDK_HAS_MEMBER(h_, nexus_host, callback_find_interface) || !h_->callback_find_interface)
      throw Error(NEXUS_UNIMPLEMENTED, "this host cannot look up other instances");
    nexus_interface_ref ref{sizeof(nexus_interface_ref), nullptr, nullptr};
    StringSink why;
    const nexus_status s = h_->callback_find_interface(h_->host_data, to_nexus_str(name), interface_id, &ref, why.writer());
    if (s != NEXUS_OK) throw Error(s, why.str().empty() ? "instance '" + std::string(name) + "' not found" : why.str());
    const auto* vt = static_cast<const Vtable*>(ref.vtable);
    if (!vt || vt->struct_size < sizeof(std::uint32_t))
      throw Error(NEXUS_INTERNAL, "instance '" + std::string(name) + "' returned no interface table");
    return {vt, ref.instance};
  }

  void counter_add(std::string_view name, double delta, const nlohmann::json& labels = nullptr) const noexcept {
    metric(NEXUS_SDK_HAS_MEMBER(h_, nexus_host, callback_counter_add) ? h_->callback_counter_add : nullptr, name, delta, labels);
  }
  void gauge_set(std::string_view name, double value, const nlohmann::json& labels = nullptr) const noexcept {
    metric(NEXUS_SDK_HAS_MEMBER(h_, nexus_host, callback_gauge_set) ? h_->callback_gauge_set : nullptr, name, value, labels);
  }
  void observe(std::string_view name, double value, const nlohmann::json& labels = nullptr) const noexcept {
    metric(NEXUS_SDK_HAS_MEMBER(h_, nexus_host, callback_histogram_observe) ? h_->callback_histogram_observe : nullptr, name,
           value, labels);
  }

  // Tell the host resource `uri` changed (MCP subscribers get notified).
  void resource_updated(std::string_view uri) const noexcept {
    if (h_ && NEXUS_SDK_HAS_MEMBER(h_, nexus_host, callback_resource_updated) && h_->callback_resource_updated)
      h_->callback_resource_updated(h_->host_data, to_nexus_str(uri));
  }

  const nexus_host* raw() const noexcept { return h_; }

 private:
  using MetricFn = void (*)(void*, nexus_str, nexus_str, double);
  void metric(MetricFn fn, std::string_view name, double v, const nlohmann::json& labels) const noexcept {
    if (!fn) return;
    try {
      const std::string l = labels.is_null() ? std::string() : labels.dump();
      fn(h_->host_data, to_nexus_str(name), to_nexus_str(l), v);
    } catch (...) {
    }
  }
  const nexus_host* h_;
};

}  // namespace nexus::sdk
