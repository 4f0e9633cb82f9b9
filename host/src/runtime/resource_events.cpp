#include "runtime/resource_events.hpp"

#include <vector>

namespace nexus::host {

std::uint64_t ResourceEvents::subscribe(Listener l) {
  std::lock_guard lock(mutex_);
  listeners_[next_] = std::move(l);
  return next_++;
}

void ResourceEvents::unsubscribe(std::uint64_t token) {
  std::lock_guard lock(mutex_);
  listeners_.erase(token);
}

void ResourceEvents::publish(std::string_view instance, std::string_view uri) noexcept {
  try {
    std::vector<Listener> copy;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [t, l] : listeners_) copy.push_back(l);
    }
    for (const auto& l : copy) l(instance, uri);  // outside the lock: a listener may unsubscribe
  } catch (...) {
  }
}

ResourceEvents& resource_events() {
  static ResourceEvents events;
  return events;
}

}  // namespace nexus::host
