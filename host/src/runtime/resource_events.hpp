// runtime/resource_events.hpp — "resource X of instance Y changed", from a
// plugin (nexus_host.callback_resource_updated) to whoever listens (the MCP
// endpoint, for resources/subscribe). Listeners are called on the plugin's
// thread and must be quick.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace nexus::host {

class ResourceEvents {
 public:
  using Listener = std::function<void(std::string_view instance, std::string_view uri)>;
  // Returns a token for unsubscribe().
  std::uint64_t subscribe(Listener l);
  void unsubscribe(std::uint64_t token);
  void publish(std::string_view instance, std::string_view uri) noexcept;

 private:
  std::mutex mutex_;
  std::uint64_t next_ = 1;
  std::map<std::uint64_t, Listener> listeners_;
};

ResourceEvents& resource_events();

}  // namespace nexus::host
