// http/route_context.hpp — what a route handler gets besides its Route:
// the runtime, the request, who is calling, and the options for every
// plugin call it makes (request id, principal, cancellation).
#pragma once

#include <cstddef>

#include "http/auth_guard.hpp"
#include "http/exchange.hpp"
#include "nexus/host/call.hpp"

namespace nexus::host {
class Runtime;
}
namespace nexus::host::jobs {
class TranscriptionService;
}

namespace nexus::host::http {

class BodyStream;

struct RouteContext {
  Runtime& runtime;  // not const: the admin reload route reloads it
  const HttpRequest& request;
  const Principal& principal;
  CallOptions call;
  std::size_t max_body_bytes = 0;
  bool draining = false;  // the server is stopping (readiness reports it)
  jobs::TranscriptionService* transcription = nullptr;  // null when the embedder serves no jobs
  // Where a large body may be sent as it arrives (a storage GET); null: the
  // route returns the whole body in its Reply (on an I/O thread, in tests).
  BodyStream* stream = nullptr;
};

}  // namespace nexus::host::http
