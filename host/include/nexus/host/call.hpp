// nexus/host/call.hpp — how the host (or an embedding application) makes
// one call into a plugin instance: the context it passes, what comes back.
#pragma once

#include <nexus/status.h>
#include <nexus/types.h>

#include <cstdint>
#include <functional>
#include <string>

namespace nexus::host {

// What the caller knows about this call. Becomes the nexus_call_context.
struct CallOptions {
  std::string request_id;         // generated when empty
  std::string principal_json;     // empty: a call by the host itself
  std::int64_t deadline_unix_ms = 0;  // 0: none
  std::function<bool()> cancelled;    // may be empty
  std::function<void(double, double, const std::string&)> on_progress;  // may be empty
  // Also receives the plugin's callback_log lines (they go to the host log
  // in any case); the MCP endpoint turns them into notifications/message.
  std::function<void(nexus_log_level, const std::string&)> on_log;  // may be empty
  // Serves callback_client_request (MCP sampling/elicitation): send `method`
  // with `params_json` to the client and wait for its result JSON. Empty:
  // the context's callback_client_request is NULL.
  std::function<nexus_status(const std::string& method, const std::string& params_json, std::string& result_json)>
      client_request;
};

// Status of a call plus the message the plugin set for a non-OK status.
struct CallOutcome {
  nexus_status status = NEXUS_OK;
  std::string message;
  bool ok() const noexcept { return status == NEXUS_OK; }
};

// The HTTP status for a plugin status (one mapping, used everywhere).
int http_status_for(nexus_status s) noexcept;

// A fresh, unguessable request id ("req-" + 16 hex digits).
std::string new_request_id();

}  // namespace nexus::host
