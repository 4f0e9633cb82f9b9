#include "runtime/call_scope.hpp"

#include <spdlog/spdlog.h>

#include <string_view>

#include "runtime/logging_bridge.hpp"

namespace nexus::host {

CallScope::CallScope(const CallOptions& options, const std::string& instance_name, const char* op)
    : options_(options),
      instance_(instance_name),
      request_id_(options.request_id.empty() ? new_request_id() : options.request_id),
      timer_(instance_name, op) {
  ctx_.struct_size = sizeof(nexus_call_context);
  ctx_.host_data = this;
  ctx_.request_id = {request_id_.data(), request_id_.size()};
  ctx_.deadline_unix_ms = options.deadline_unix_ms;
  ctx_.principal_json = {options.principal_json.data(), options.principal_json.size()};
  ctx_.callback_is_cancelled = &CallScope::is_cancelled;
  ctx_.callback_progress = &CallScope::progress;
  ctx_.callback_log = &CallScope::log;
  ctx_.callback_set_error = &CallScope::set_error;
  // Only a client-facing transport (MCP) can answer; a plain call has none.
  ctx_.callback_client_request = options.client_request ? &CallScope::client_request : nullptr;
}

CallOutcome CallScope::outcome(nexus_status status) {
  timer_.done(status);
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
  if (!s->options_.on_log) return;
  try {
    s->options_.on_log(level, std::string(message.data ? message.data : "", message.size));
  } catch (...) {
  }
}

nexus_status CallScope::client_request(void* self, nexus_str method, nexus_str params_json,
                                       const nexus_writer* result_json) noexcept {
  auto* s = static_cast<CallScope*>(self);
  if (!s->options_.client_request) return NEXUS_UNIMPLEMENTED;
  try {
    std::string result;
    const nexus_status status =
        s->options_.client_request(std::string(method.data ? method.data : "", method.size),
                                   std::string(params_json.data ? params_json.data : "", params_json.size), result);
    if (result_json && result_json->callback_write) result_json->callback_write(result_json->receiver_data, result.data(), result.size());
    return status;
  } catch (...) {
    return NEXUS_INTERNAL;
  }
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
