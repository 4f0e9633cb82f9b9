#include "runtime/sinks.hpp"

namespace nexus::host {

nexus_status StringSink::append(void* self, const void* data, std::size_t size) noexcept {
  auto* s = static_cast<StringSink*>(self);
  if (size > s->limit_ - s->data_.size()) return NEXUS_RESOURCE_EXHAUSTED;
  try {
    s->data_.append(static_cast<const char*>(data), size);
    return NEXUS_OK;
  } catch (...) {
    return NEXUS_RESOURCE_EXHAUSTED;
  }
}

nexus_status CallbackSink::forward(void* self, const void* data, std::size_t size) noexcept {
  auto* s = static_cast<CallbackSink*>(self);
  try {
    return s->fn_(data, size) ? NEXUS_OK : NEXUS_CANCELLED;
  } catch (...) {
    return NEXUS_INTERNAL;
  }
}

}  // namespace nexus::host
