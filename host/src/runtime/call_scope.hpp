// runtime/call_scope.hpp — the nexus_call_context of one call, built from
// CallOptions, plus what the plugin reports back through it.
#pragma once

#include <nexus/context.h>

#include <string>

#include "metrics/registry.hpp"
#include "nexus/host/call.hpp"

namespace nexus::host {

class CallScope {
 public:
  // `op` names the operation in metrics ("get", "call_tool"); a literal.
  CallScope(const CallOptions& options, const std::string& instance_name, const char* op);
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

  const nexus_call_context* context() const noexcept { return &ctx_; }
  // Outcome of the call: the status and the message the plugin set (or a
  // generic one naming the status when it set none). Also what the call's
  // metrics record when the scope ends.
  CallOutcome outcome(nexus_status status);
  // The message the plugin set, even with NEXUS_OK (an auth DENY reason).
  const std::string& error_message() const noexcept { return error_; }

 private:
  static int is_cancelled(void* self) noexcept;
  static void progress(void* self, double done, double total, nexus_str message) noexcept;
  static void log(void* self, nexus_log_level level, nexus_str message) noexcept;
  static void set_error(void* self, nexus_str message) noexcept;
  static nexus_status client_request(void* self, nexus_str method, nexus_str params_json,
                                     const nexus_writer* result_json) noexcept;

  const CallOptions& options_;
  const std::string& instance_;
  std::string request_id_;
  std::string error_;
  nexus_call_context ctx_{};
  metrics::CallTimer timer_;  // last: started after the context is built
};

}  // namespace nexus::host
