// http/server_state.hpp — what every clone of the request handler shares
// (pistache copies the handler once per worker thread).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

#include "http/drain.hpp"

namespace nexus::host {
class Runtime;
}

namespace nexus::host::http {

class McpEndpoint;
class RequestPool;
}  // namespace nexus::host::http
namespace nexus::host::jobs {
class TranscriptionService;
}
namespace nexus::host::http {

struct ServerState {
  explicit ServerState(Runtime& rt, std::size_t max_body) : runtime(rt), max_body_bytes(max_body) {}
  Runtime& runtime;
  const std::size_t max_body_bytes;
  Drain drain;
  // Set when the shutdown grace period ran out: plugin calls still running
  // see callback_is_cancelled() return 1 and should give up.
  std::atomic<bool> cancel_calls{false};
  // POST|GET|DELETE /mcp (sessions, streams, their worker threads). Set by
  // HttpServer once the state exists; shared_ptr so this header does not
  // need the complete type.
  std::shared_ptr<McpEndpoint> mcp;
  // Runs /v1/transcriptions jobs; created by HttpServer::start, destroyed
  // by stop() once no request can reach it.
  std::shared_ptr<jobs::TranscriptionService> transcription;
  // Runs every request but /health, /ready, /metrics and /mcp; created by
  // HttpServer::start, null before (requests then run on the I/O thread).
  std::shared_ptr<RequestPool> pool;
};

}  // namespace nexus::host::http
