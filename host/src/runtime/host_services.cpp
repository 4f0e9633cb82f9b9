#include "runtime/host_services.hpp"

#include <string>
#include <string_view>

#include "runtime/live_instance.hpp"
#include "runtime/logging_bridge.hpp"
#include "runtime/metrics.hpp"
#include "runtime/resource_events.hpp"

namespace nexus::host {
namespace {

std::string_view sv(nexus_str s) { return {s.data ? s.data : "", s.size}; }

void write_message(const nexus_writer* w, const std::string& m) noexcept {
  if (w && w->callback_write) w->callback_write(w->receiver_data, m.data(), m.size());
}

void host_log(void* self, nexus_log_level level, nexus_str message) noexcept {
  log_from_plugin(static_cast<LiveInstance*>(self)->name(), {}, level, sv(message));
}

nexus_status host_find_interface(void* self, nexus_str instance_name, const char* interface_id, nexus_interface_ref* out,
                                 const nexus_writer* error) noexcept {
  try {
    auto* me = static_cast<LiveInstance*>(self);
    const std::string target(sv(instance_name));
    const std::string iface = interface_id ? interface_id : "";
    if (!out) return NEXUS_INVALID_ARGUMENT;
    // Only declared dependencies: the instance holds them, so the handle
    // given out stays valid for as long as the instance lives.
    auto other = me->dependency(target);
    if (!other) {
      write_message(error, "instance '" + me->name() + "' asked for instance '" + target +
                               "', which its config does not name in a property marked \"x-nexus-instance\"; "
                               "name it in the config so the host creates it first");
      return NEXUS_FAILED_PRECONDITION;
    }
    const void* table = other->table(iface);
    if (!table) {
      write_message(error, "instance '" + target + "' (plugin '" + other->module().descriptor().id + "') does not provide " + iface);
      return NEXUS_UNIMPLEMENTED;
    }
    out->vtable = table;
    out->instance = other->handle();
    return NEXUS_OK;
  } catch (...) {
    return NEXUS_INTERNAL;
  }
}

void host_counter_add(void* self, nexus_str name, nexus_str labels, double v) noexcept {
  plugin_metrics().record(MetricKind::counter, static_cast<LiveInstance*>(self)->name(), sv(name), sv(labels), v);
}
void host_gauge_set(void* self, nexus_str name, nexus_str labels, double v) noexcept {
  plugin_metrics().record(MetricKind::gauge, static_cast<LiveInstance*>(self)->name(), sv(name), sv(labels), v);
}
void host_histogram_observe(void* self, nexus_str name, nexus_str labels, double v) noexcept {
  plugin_metrics().record(MetricKind::histogram, static_cast<LiveInstance*>(self)->name(), sv(name), sv(labels), v);
}

void host_resource_updated(void* self, nexus_str uri) noexcept {
  resource_events().publish(static_cast<LiveInstance*>(self)->name(), sv(uri));
}

}  // namespace

void HostServices::fill(nexus_host& h, LiveInstance* instance) noexcept {
  h.struct_size = sizeof(nexus_host);
  h.abi_major = NEXUS_ABI_MAJOR;
  h.abi_minor = NEXUS_ABI_MINOR;
  h.host_data = instance;
  h.callback_log = &host_log;
  h.callback_find_interface = &host_find_interface;
  h.callback_counter_add = &host_counter_add;
  h.callback_gauge_set = &host_gauge_set;
  h.callback_histogram_observe = &host_histogram_observe;
  h.callback_resource_updated = &host_resource_updated;
}

}  // namespace nexus::host
