#include "runtime/call_scope.hpp"

#include <spdlog/spdlog.h>

#include <string_view>

#include "runtime/logging_bridge.hpp"

namespace nexus::host {

CallScope::CallScope(const CallOptions& options, const std::string& instance_name)
    : options_(options), instance_(instance_name), request_id_(options.request_id.empty() ? new_request_id() : options.request_id) {
  ctx_.struct_size = sizeof(nexus_call_context);
  ctx_.host_data = this;
  ctx_.request_id = {request_id_.data(), request_id_.size()};
  ctx_.deadline_unix_ms = options.deadline_unix_ms;
  ctx_.principal_json = {options.principal_json.data(), options.principal_json.size()};
  ctx_.callback_is_cancelled = &CallScope::is_cancelled;
  ctx_.callback_progress = &CallScope::progress;
  ctx_.callback_log = &CallScope::log;
  ctx_.callback_set_error = &CallScope::set_error;
  ctx_.callback_client_request = nullptr;  // no client-facing transport in a plain call
}

CallOutcome CallScope::outcome(nexus_status status) const {
  CallOutcome o{status, {}};
  if (status != NEXUS_OK) o.message = error_.empty() ? std::string("instance '") + instance_ + "' failed: " + nexus_status_name(status) : error_;
  return o;
}

int CallScope::is_cancelled(void* self) noexcept {
  auto* s = static_cast<CallScope*>(self);
  try {
    return s->options_.cancelled && s->options_.cancelled() ? 1 : 0;
  } catch (...) {
    return 1;
  }
}

void CallScope::progress(void* self, double done, double total, nexus_str message) noexcept {
  auto* s = static_cast<CallScope*>(self);
  if (!s->options_.on_progress) return;
  try {
    s->options_.on_progress(done, total, std::string(message.data ? message.data : "", message.size));
  } catch (...) {
  }
}

void CallScope::log(void* self, nexus_log_level level, nexus_str message) noexcept {
  auto* s = static_cast<CallScope*>(self);
  log_from_plugin(s->instance_, s->request_id_, level, std::string_view(message.data ? message.data : "", message.size));
}

void CallScope::set_error(void* self, nexus_str message) noexcept {
  auto* s = static_cast<CallScope*>(self);
  try {
    constexpr std::size_t kMaxMessage = 4096;  // a plugin cannot flood error bodies
    s->error_.assign(message.data ? message.data : "", message.size < kMaxMessage ? message.size : kMaxMessage);
  } catch (...) {
  }
}

}  // namespace nexus::host
