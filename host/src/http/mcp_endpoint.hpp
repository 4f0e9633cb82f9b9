// http/mcp_endpoint.hpp — POST|GET|DELETE /mcp: the Model Context Protocol
// over Streamable HTTP (revision 2025-11-25; 2025-06-18 and 2025-03-26
// accepted). The transport part only: checks, sessions, JSON or SSE
// answers. What a message means is mcp::Dispatcher's business.
//
//   POST   one JSON-RPC message. A request is answered with
//          application/json, except tools/call, answered with an SSE stream
//          (progress, logs and server-to-client requests come first, the
//          result last). Notifications and responses: 202, no body.
//   GET    an SSE stream for server-initiated messages of the session
//          (notifications/resources/updated).
//   DELETE ends the session; its id then answers 404.
#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include <pistache/http.h>

#include "http/exchange.hpp"

namespace nexus::host {
class Runtime;
}

namespace nexus::host::http {

class Drain;

class McpEndpoint {
 public:
  McpEndpoint(Runtime& runtime, Drain& drain, const std::atomic<bool>& cancel_calls, std::size_t max_body_bytes);
  ~McpEndpoint();
  McpEndpoint(const McpEndpoint&) = delete;
  McpEndpoint& operator=(const McpEndpoint&) = delete;

  // [handler threads] The reply to write, or nullopt when the response was
  // taken over as a stream (the writer must not be used any more).
  std::optional<Reply> handle(const HttpRequest& request, Pistache::Http::ResponseWriter& writer);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace nexus::host::http
