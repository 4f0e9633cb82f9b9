// http/dispatch.hpp — one request through the pipeline: route, method,
// auth chain, then the route's handler. Knows nothing about pistache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "http/exchange.hpp"

namespace nexus::host {
class Runtime;
}
namespace nexus::host::jobs {
class TranscriptionService;
}

namespace nexus::host::http {

class BodyStream;

struct DispatchOptions {
  std::size_t max_body_bytes = 0;
  bool draining = false;
  std::function<bool()> cancelled;  // becomes CallOptions::cancelled
  std::int64_t deadline_unix_ms = 0;  // becomes CallOptions::deadline_unix_ms of every plugin call (0: none)
  jobs::TranscriptionService* transcription = nullptr;  // null: /v1/transcriptions answers 501
  BodyStream* stream = nullptr;  // becomes RouteContext::stream
};

// `runtime` is not const: POST /v1/admin/reload reloads it.
Reply dispatch(Runtime& runtime, const HttpRequest& request, const DispatchOptions& options);

}  // namespace nexus::host::http
