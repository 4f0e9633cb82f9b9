// http/request_handler.cpp — see request_handler.hpp. Nothing a client
// sends may escape as an exception: every failure becomes a JSON 500 and
// a log line carrying the request id.
#include "http/request_handler.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

#include "http/access_log.hpp"
#include "http/body_stream.hpp"
#include "http/dispatch.hpp"
#include "http/errors.hpp"
#include "http/mcp_endpoint.hpp"
#include "http/reply_writer.hpp"
#include "http/request_view.hpp"
#include "http/socket_write.hpp"
#include "nexus/host/runtime.hpp"
#include "http/router.hpp"
#include "http/request_pool.hpp"
#include "metrics/registry.hpp"

namespace nexus::host::http {

namespace {

using Clock = std::chrono::steady_clock;

// How long a worker writing a reply waits for a slow client to make room in
// the socket before handing the rest to pistache (reply_writer.hpp).
constexpr std::chrono::milliseconds kWorkerWriteBudget{2000};

// One request on its way to a worker. Owns everything the worker touches,
// because onRequest returns at once and a written-off worker may outlive
// the connection, the handler, even the server.
struct Exchange {
  explicit Exchange(Pistache::Http::ResponseWriter w) : writer(std::move(w)) {}
  std::string body;  // taken from pistache's request (take_body)
  HttpRequest req;   // req.body views `body`
  Pistache::Http::ResponseWriter writer;
  // The connection's socket: pistache's own on the reactor thread; for a
  // worker, `duplicate` (see ReplyTarget) and a budget to wait.
  int socket = -1;
  SocketDuplicate duplicate;
  std::chrono::milliseconds write_budget{0};
  std::shared_ptr<Drain::Ticket> ticket;
  Clock::time_point started;
  std::atomic<bool> answered{false};   // the worker or the watchdog, whoever comes first
  std::atomic<bool> timed_out{false};  // plugin calls still running see "cancelled"
};

// Writes the reply unless someone already did; logs and counts it. A
// streamed reply went out already (its route claimed the exchange then):
// it is only logged and counted.
void answer(ServerState& state, Exchange& ex, Reply reply) {
  if (!reply.streamed && ex.answered.exchange(true)) return;
  if (ex.req.request_id.empty()) ex.req.request_id = choose_request_id(std::nullopt);
  reply.header("X-Request-Id", ex.req.request_id);
  std::size_t bytes = reply.streamed_bytes;
  try {
    if (!reply.streamed) {
      bytes = write_reply({.writer = ex.writer, .fd = ex.socket, .budget = ex.write_budget}, reply,
                          ex.req.method == "HEAD", ex.req.keep_alive, state.drain.hold_write());
    }
  } catch (const std::exception& e) {
    // Typically the client went away; nothing more to send.
    spdlog::warn("request {}: could not write the response: {}", ex.req.request_id, e.what());
  }
  ex.ticket.reset();  // answered: shutdown need not wait for a stuck worker
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - ex.started).count();
  const std::string_view route = route_label(ex.req.path);
  log_access({.method = ex.req.method,
              .path = ex.req.path,
              .route = route,
              .status = reply.status,
              .body_bytes = bytes,
              .duration_ms = ms,
              .request_id = ex.req.request_id,
              .principal = reply.log_subject});
  metrics::http_metrics().record(route, reply.status, ms / 1000);
}

Reply internal_error(const HttpRequest& req, std::string_view what) {
  spdlog::error("request {}: {} {}: unhandled error: {}", req.request_id, req.method, req.path, what);
  return error_reply(NEXUS_INTERNAL, "internal error; see the server log for request " + req.request_id);
}

Reply run_dispatch(ServerState& state, Exchange& ex, std::chrono::milliseconds budget, BodyStream* stream = nullptr) {
  try {
    // One runtime snapshot for the whole request, even across a reload.
    const Runtime::Pin pin(state.runtime);
    DispatchOptions options;
    options.max_body_bytes = state.max_body_bytes;
    options.draining = state.drain.draining();
    options.cancelled = [&state, &ex] { return state.cancel_calls.load() || ex.timed_out.load(); };
    options.transcription = state.transcription.get();
    options.stream = stream;
    options.deadline_unix_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count() +
        budget.count();
    return dispatch(state.runtime, ex.req, options);
  } catch (const std::exception& e) {
    return internal_error(ex.req, e.what());
  } catch (...) {
    return internal_error(ex.req, "a non-standard exception");
  }
}

// Health, readiness and metrics answer on the I/O thread: they must work
// when every worker is busy, and they never call a slow plugin.
bool runs_inline(const std::string& path) { return path == "/health" || path == "/ready" || path == "/metrics"; }

// The request's budget: http.request_timeout_ms, plus the job's own
// deadline for a synchronous transcription (the request waits for it).
std::chrono::milliseconds budget_for(const HttpRequest& req, const Config& config) {
  std::chrono::milliseconds budget(config.http.request_timeout_ms);
  if (req.path == "/v1/transcriptions") budget += std::chrono::milliseconds(config.transcription.timeout_ms);
  return budget;
}

}  // namespace

void RequestHandler::onRequest(const Pistache::Http::Request& request, Pistache::Http::ResponseWriter response) {
  const auto started = Clock::now();
  const auto peer = response.getPeer();
  // From here the request is ours: pistache's part (reading it) is done.
  // pistache marks a connection idle only in its own ResponseWriter::send,
  // which we do not use; left "busy", its timer would take the connection
  // for a client that never finished its headers and, after
  // http.header_timeout_ms, write a 408 into it — into an idle keep-alive
  // connection, or into the middle of a long answer still being written.
  // Idle, only http.idle_timeout_ms applies; if that runs out while a
  // worker or a stream still answers, pistache closes only its own
  // descriptor and the answer goes out on ours (socket_write.hpp).
  // [reactor thread, like pistache's own reads of the flag]
  if (peer) peer->setIdle(true);
  auto ticket = std::shared_ptr<Drain::Ticket>(new Drain::Ticket(state_->drain.enter(peer.get())));

  // Ours from here: moved, not copied, and freed when this exchange ends.
  std::string body = take_body(request);
  HttpRequest req;
  try {
    req = make_request_view(request);
    req.body = body;
  } catch (const std::exception& e) {
    auto ex = std::make_shared<Exchange>(std::move(response));
    ex->socket = peer ? peer->fd() : -1;
    ex->started = started;
    ex->ticket = std::move(ticket);
    answer(*state_, *ex, internal_error(ex->req, e.what()));
    return;
  }
  if (ticket->admitted() && req.path == "/mcp" && state_->mcp) {
    // MCP may answer with a stream that outlives this call; then it has
    // taken the writer and there is nothing more to write here.
    std::optional<Reply> mcp_reply;
    try {
      const Runtime::Pin pin(state_->runtime);
      mcp_reply = state_->mcp->handle(req, response);
    } catch (const std::exception& e) {
      mcp_reply = internal_error(req, e.what());
    }
    if (!mcp_reply) {
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
      log_access({.method = req.method,
                  .path = req.path,
                  .route = "mcp",
                  .status = 200,
                  .body_bytes = 0,
                  .duration_ms = ms,
                  .request_id = req.request_id,
                  .principal = {}});
      metrics::http_metrics().record("mcp", 200, ms / 1000);
      return;
    }
    auto ex = std::make_shared<Exchange>(std::move(response));
    ex->socket = peer ? peer->fd() : -1;
    ex->req = std::move(req);
    ex->started = started;
    ex->ticket = std::move(ticket);
    answer(*state_, *ex, std::move(*mcp_reply));
    return;
  }

  auto ex = std::make_shared<Exchange>(std::move(response));
  ex->socket = peer ? peer->fd() : -1;
  ex->started = started;
  ex->ticket = std::move(ticket);
  ex->body = std::move(body);
  ex->req = std::move(req);
  ex->req.body = ex->body;  // a short body moved with its string
  if (!ex->ticket->admitted()) {
    Reply r = error_reply(503, nexus_status_name(NEXUS_UNAVAILABLE), "server is shutting down; retry the request");
    r.close_connection = true;
    return answer(*state_, *ex, std::move(r));
  }
  const auto config = state_->runtime.config();
  const auto budget = budget_for(ex->req, *config);
  if (runs_inline(ex->req.path) || !state_->pool) {
    return answer(*state_, *ex, run_dispatch(*state_, *ex, budget));
  }

  // Answered from another thread: on a socket of its own (ReplyTarget).
  ex->duplicate = SocketDuplicate(ex->socket);
  if (ex->duplicate.get() < 0) {
    spdlog::error("request {}: cannot duplicate the connection's socket: {}", ex->req.request_id, std::strerror(errno));
    Reply r = error_reply(503, nexus_status_name(NEXUS_UNAVAILABLE),
                          "the server is out of file descriptors; retry the request in a moment");
    r.header("Retry-After", "1");
    return answer(*state_, *ex, std::move(r));
  }
  ex->socket = ex->duplicate.get();
  ex->write_budget = kWorkerWriteBudget;
  RequestPool::Task task;
  task.deadline = started + budget;
  task.run = [state = state_, ex, budget] {
    // A large body may leave as it arrives, on this worker's socket.
    SocketBodyStream stream({.writer = ex->writer, .fd = ex->socket, .budget = ex->write_budget}, ex->answered,
                            ex->req.keep_alive, ex->req.request_id, state->drain);
    answer(*state, *ex, run_dispatch(*state, *ex, budget, &stream));
  };
  task.overrun = [state = state_, ex, budget] {
    ex->timed_out = true;
    answer(*state, *ex,
           error_reply(NEXUS_DEADLINE_EXCEEDED, "the request did not finish within its deadline of " +
                                                    std::to_string(budget.count()) +
                                                    " ms (http.request_timeout_ms); it was abandoned"));
  };
  if (!state_->pool->submit(std::move(task))) {
    // Answered here after all, on the reactor thread: never wait.
    ex->socket = peer->fd();
    ex->write_budget = std::chrono::milliseconds(0);
    const unsigned retry = config->http.retry_after_seconds;
    Reply r = error_reply(503, nexus_status_name(NEXUS_UNAVAILABLE),
                          "the server is busy: every worker is taken and " + std::to_string(config->http.queue_limit) +
                              " requests are queued (http.max_workers, http.queue_limit); retry after " +
                              std::to_string(retry) + " s");
    r.header("Retry-After", std::to_string(retry));
    answer(*state_, *ex, std::move(r));
  }
}

}  // namespace nexus::host::http
