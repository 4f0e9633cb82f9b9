// http/request_handler.cpp — see request_handler.hpp. Nothing a client
// sends may escape as an exception: every failure becomes a JSON 500 and
// a log line carrying the request id.
#include "http/request_handler.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "http/access_log.hpp"
#include "http/dispatch.hpp"
#include "http/errors.hpp"
#include "http/mcp_endpoint.hpp"
#include "http/reply_writer.hpp"
#include "http/request_view.hpp"

namespace nexus::host::http {

void RequestHandler::onRequest(const Pistache::Http::Request& request, Pistache::Http::ResponseWriter response) {
  const auto started = std::chrono::steady_clock::now();
  const auto peer = response.getPeer();
  const Drain::Ticket ticket = state_->drain.enter(peer.get());

  HttpRequest req;
  Reply reply;
  try {
    req = make_request_view(request);
    if (!ticket.admitted()) {
      reply = error_reply(503, nexus_status_name(NEXUS_UNAVAILABLE), "server is shutting down; retry the request");
      reply.close_connection = true;
    } else if (req.path == "/mcp" && state_->mcp) {
      // MCP may answer with a stream that outlives this call; then it has
      // taken the writer and there is nothing more to write here.
      auto mcp_reply = state_->mcp->handle(req, response);
      if (!mcp_reply) {
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        log_access(req.method, req.path, 200, 0, ms, req.request_id);
        return;
      }
      reply = std::move(*mcp_reply);
    } else {
      DispatchOptions options;
      options.max_body_bytes = state_->max_body_bytes;
      options.draining = state_->drain.draining();
      options.cancelled = [state = state_] { return state->cancel_calls.load(); };
      reply = dispatch(state_->runtime, req, options);
    }
  } catch (const std::exception& e) {
    spdlog::error("request {}: {} {}: unhandled error: {}", req.request_id, req.method, req.path, e.what());
    reply = error_reply(NEXUS_INTERNAL, "internal error; see the server log for request " + req.request_id);
  } catch (...) {
    spdlog::error("request {}: {} {}: unhandled non-standard exception", req.request_id, req.method, req.path);
    reply = error_reply(NEXUS_INTERNAL, "internal error; see the server log for request " + req.request_id);
  }
  if (req.request_id.empty()) req.request_id = choose_request_id(std::nullopt);
  reply.header("X-Request-Id", req.request_id);

  std::size_t bytes = 0;
  try {
    bytes = write_reply(response, reply, req.method == "HEAD", state_->drain.hold_write());
  } catch (const std::exception& e) {
    // Typically the client went away; nothing more to send.
    spdlog::warn("request {}: could not write the response: {}", req.request_id, e.what());
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  log_access(req.method, req.path, reply.status, bytes, ms, req.request_id);
}

}  // namespace nexus::host::http
