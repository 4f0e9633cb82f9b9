// http/mcp_endpoint.cpp — see mcp_endpoint.hpp.
//
// Scopes (auth on route group "mcp", config routes.mcp): see
// mcp/handlers.hpp — "tools:<name>" per tool, "mcp:read" for resources,
// prompts and completion. A tools/call without the scope is JSON-RPC
// -32602 naming the scope.
#include "http/mcp_endpoint.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "http/auth_guard.hpp"
#include "http/drain.hpp"
#include "http/mcp_guard.hpp"
#include "http/mcp_sessions.hpp"
#include "http/mcp_stream.hpp"
#include "http/protected_resource.hpp"
#include "mcp/handlers.hpp"
#include "mcp/dispatcher.hpp"
#include "nexus/host/runtime.hpp"
#include "runtime/resource_events.hpp"

namespace nexus::host::http {

using nlohmann::json;

namespace {

// Streamed calls run on these threads; one call holds one thread for its
// whole life (a tool waiting on an elicitation included). Past threads +
// queue, a tools/call gets a JSON-RPC error at once instead of waiting.
constexpr std::size_t kStreamThreads = 16;
constexpr std::size_t kStreamQueue = 64;
// The reconnection delay announced in each stream's priming event.
constexpr unsigned kRetryMs = 1000;

Reply json_body(int status, const json& body) {
  Reply r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  r.header("Content-Type", "application/json");
  return r;
}

Reply accepted() {
  Reply r;
  r.status = 202;
  return r;
}

// Answers of a request answered as one JSON body: notifications are
// dropped, and a tool cannot reach the client.
class NullSink final : public mcp::Sink {
 public:
  void notify(const json&) override {}
  nexus_status client_request(const std::string& method, const json&, json&, std::string& error) override {
    error = method + " needs a streamed response; this request was answered as JSON";
    return NEXUS_UNIMPLEMENTED;
  }
};

// The SSE stream of one POST: notifications and server-to-client requests
// go out on it; the client's responses come back through the session.
class StreamSink final : public mcp::Sink {
 public:
  StreamSink(std::shared_ptr<SseStream> stream, std::shared_ptr<McpSession> session, std::function<bool()> cancelled,
             std::chrono::milliseconds timeout)
      : stream_(std::move(stream)), session_(std::move(session)), cancelled_(std::move(cancelled)), timeout_(timeout) {}

  void notify(const json& notification) override { stream_->send(notification); }

  nexus_status client_request(const std::string& method, const json& params, json& result, std::string& error) override {
    const std::string id = session_->next_request_id();
    auto awaited = session_->await_response(id);
    if (!stream_->send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}})) {
      session_->forget_response(id);
      error = "the client's stream for this call is closed; it cannot be asked " + method;
      return NEXUS_UNAVAILABLE;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    std::unique_lock lock(awaited->mutex);
    while (!awaited->response) {
      if (cancelled_() || session_->ended()) {
        lock.unlock();
        session_->forget_response(id);
        error = "the call was cancelled while waiting for the client's answer to " + method;
        return NEXUS_CANCELLED;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        lock.unlock();
        session_->forget_response(id);
        error = "the client did not answer " + method + " within " + std::to_string(timeout_.count()) +
                " ms (mcp.request_timeout_ms)";
        return NEXUS_DEADLINE_EXCEEDED;
      }
      awaited->cv.wait_for(lock, std::chrono::milliseconds(100));
    }
    const json& r = *awaited->response;
    if (r.contains("result")) {
      result = r["result"];
      return NEXUS_OK;
    }
    const json e = r.value("error", json::object());
    error = "the client answered " + method + " with an error: " + e.value("message", std::string("(no message)"));
    return e.value("code", 0) == mcp::kMethodNotFound ? NEXUS_UNIMPLEMENTED : NEXUS_UNAVAILABLE;
  }

 private:
  std::shared_ptr<SseStream> stream_;
  std::shared_ptr<McpSession> session_;
  std::function<bool()> cancelled_;
  std::chrono::milliseconds timeout_;
};

std::vector<std::pair<std::string, std::string>> sse_headers(const std::string& session_id) {
  return {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}, {"Mcp-Session-Id", session_id}};
}

// The answer of a tools/call run at once (a tool declared "x-nexus-inline"):
// the same events a stream carries, in one body. Clients see tools/call
// answered as an event stream either way.
Reply sse_answer(const std::string& session_id, std::string_view id_prefix, const json& response) {
  Reply r;
  r.status = 200;
  r.body = sse_answer_body(id_prefix, kRetryMs, response);
  r.headers = sse_headers(session_id);
  return r;
}

// MCP 2025-11-25 authorization, "Scope Challenge Handling": a request the
// caller's token lacks the scope for is a 403 whose Bearer challenge names
// the scope (and the resource metadata), so a client can ask its
// authorization server for a token that has it. The body is the JSON-RPC
// error the request would have had.
std::optional<Reply> insufficient_scope(const mcp::Message& message, const mcp::Caller& caller, const McpConfig& config) {
  const auto scope = mcp::required_scope(message);
  if (!scope || mcp::caller_may(caller, *scope)) return std::nullopt;
  const std::string what =
      message.method == "tools/call" ? "tool '" + scope->substr(std::string_view("tools:").size()) + "'" : message.method;
  Reply r = json_body(403, mcp::make_error(message.id, mcp::kInvalidParams, mcp::scope_refusal(what, *scope)));
  std::string challenge = "Bearer error=\"insufficient_scope\", scope=\"" + *scope + "\"";
  if (auto url = protected_resource_url(config)) challenge += ", resource_metadata=\"" + *url + "\"";
  r.header("WWW-Authenticate", challenge);
  return r;
}

mcp::Caller caller_for(const Principal& p, const HttpRequest& request) {
  mcp::Caller c;
  c.authenticated = p.authenticated;
  c.scopes = p.scopes;
  c.principal_json = p.json;
  c.request_id = request.request_id;
  return c;
}

}  // namespace

struct McpEndpoint::Impl {
  Impl(Runtime& rt, Drain& d, const std::atomic<bool>& cancel, std::size_t max_body)
      : runtime(rt),
        drain(d),
        cancel_calls(cancel),
        max_body_bytes(max_body),
        dispatcher(rt),
        sessions(session_key(rt)),
        pool(kStreamThreads, kStreamQueue) {
    events_token = resource_events().subscribe([this](std::string_view, std::string_view uri) { resource_updated(uri); });
  }
  ~Impl() {
    resource_events().unsubscribe(events_token);
    for (auto& s : sessions.all()) s->end();  // wakes calls waiting on a client
  }

  static std::string session_key(const Runtime& rt) {
    if (const auto config = rt.config(); config->mcp.session_key) return *config->mcp.session_key;
    spdlog::warn(
        "mcp: no mcp.session_key in the config; session ids are signed with a random per-process key, so other "
        "replicas (and this one after a restart) will not accept them");
    return mcp::random_session_key();
  }

  void resource_updated(std::string_view uri) {
    const std::string u(uri);
    const json note = mcp::make_notification("notifications/resources/updated", {{"uri", u}});
    // Sent from the pool: SseStream::send waits for the write, and this
    // listener may run on a reactor thread (a plugin call made for HTTP).
    for (auto& s : sessions.all()) {
      if (!s->subscribed(u)) continue;
      if (!pool.try_submit([s, note] { s->send_on_get_stream(note); }))
        spdlog::warn("mcp: dropped a resources/updated notification for '{}': every stream thread is busy", u);
    }
  }

  std::optional<Reply> post(const HttpRequest& request, Pistache::Http::ResponseWriter& writer, const Principal& principal);
  std::optional<Reply> get(const HttpRequest& request, Pistache::Http::ResponseWriter& writer);
  Reply stream_call(const HttpRequest& request, Pistache::Http::ResponseWriter& writer, const Principal& principal,
                    const std::shared_ptr<McpSession>& session, mcp::Message message, bool& taken);

  Runtime& runtime;
  Drain& drain;
  const std::atomic<bool>& cancel_calls;
  const std::size_t max_body_bytes;
  mcp::Dispatcher dispatcher;
  McpSessions sessions;
  std::atomic<std::uint64_t> streams{0};
  std::uint64_t events_token = 0;
  WorkerPool pool;  // last: joined first, while everything above still lives
};

McpEndpoint::McpEndpoint(Runtime& runtime, Drain& drain, const std::atomic<bool>& cancel_calls, std::size_t max_body_bytes)
    : impl_(std::make_unique<Impl>(runtime, drain, cancel_calls, max_body_bytes)) {}

McpEndpoint::~McpEndpoint() = default;

std::optional<Reply> McpEndpoint::handle(const HttpRequest& request, Pistache::Http::ResponseWriter& writer) {
  Impl& m = *impl_;
  if (auto r = check_origin_and_host(request, m.runtime.config()->mcp)) return std::move(*r);
  if (request.method != "POST" && request.method != "GET" && request.method != "DELETE") {
    Reply r = jsonrpc_error_reply(405, mcp::kInvalidRequest,
                                  "Method Not Allowed: /mcp answers POST (messages), GET (server stream) and DELETE "
                                  "(end the session)");
    r.header("Allow", "GET, POST, DELETE");
    return r;
  }
  auto auth = authenticate(m.runtime, request, "mcp");
  if (auto* reply = std::get_if<Reply>(&auth)) return std::move(*reply);
  const Principal& principal = std::get<Principal>(auth);

  if (request.method == "POST") return m.post(request, writer, principal);
  if (request.method == "GET") return m.get(request, writer);
  // DELETE
  auto found = m.sessions.find(request);
  if (auto* reply = std::get_if<Reply>(&found)) return std::move(*reply);
  m.sessions.end(std::get<std::shared_ptr<McpSession>>(found));
  Reply r;
  r.status = 204;
  return r;
}

std::optional<Reply> McpEndpoint::Impl::get(const HttpRequest& request, Pistache::Http::ResponseWriter& writer) {
  if (auto r = check_accept(request, false)) return std::move(*r);
  if (auto r = check_protocol_version(request)) return std::move(*r);
  auto found = sessions.find(request);
  if (auto* reply = std::get_if<Reply>(&found)) return std::move(*reply);
  auto session = std::get<std::shared_ptr<McpSession>>(found);
  auto stream = std::make_shared<SseStream>(writer.getPeer(), "g" + std::to_string(++streams) + "-");
  stream->start(sse_headers(session->id()), kRetryMs);
  session->set_get_stream(std::move(stream));
  return std::nullopt;
}

std::optional<Reply> McpEndpoint::Impl::post(const HttpRequest& request, Pistache::Http::ResponseWriter& writer,
                                             const Principal& principal) {
  if (auto r = check_accept(request, true)) return std::move(*r);
  if (const auto ct = request.header("content-type"); ct && ct->find("application/json") == std::string_view::npos) {
    return jsonrpc_error_reply(415, mcp::kInvalidRequest,
                               "Unsupported Media Type: the body must be one JSON-RPC message with Content-Type: "
                               "application/json");
  }
  if (request.body.size() > max_body_bytes) {
    return jsonrpc_error_reply(413, mcp::kInvalidRequest,
                               "Content Too Large: the body has " + std::to_string(request.body.size()) +
                                   " bytes, more than http.max_body_bytes (" + std::to_string(max_body_bytes) + ")");
  }
  auto parsed = mcp::parse_message(request.body);
  if (auto* error = std::get_if<json>(&parsed)) return json_body(400, *error);
  mcp::Message message = std::move(std::get<mcp::Message>(parsed));
  const mcp::Caller caller = caller_for(principal, request);

  if (message.kind == mcp::Message::Kind::request && message.method == "initialize") {
    auto session = sessions.make();
    NullSink sink;
    mcp::Exchange ex{*session, sink, caller, [this] { return cancel_calls.load(); }};
    const json response = *dispatcher.handle(message, ex);
    Reply r = json_body(200, response);
    if (response.contains("result")) {
      sessions.add(session);
      r.header("Mcp-Session-Id", session->id());
    }
    return r;
  }

  if (auto r = check_protocol_version(request)) return std::move(*r);
  auto found = sessions.find(request);
  if (auto* reply = std::get_if<Reply>(&found)) return std::move(*reply);
  auto session = std::get<std::shared_ptr<McpSession>>(found);

  if (message.kind == mcp::Message::Kind::response) {
    if (!session->deliver_response(message.body)) {
      spdlog::debug("mcp: request {}: a response for id {} that nobody awaits (timed out or unknown)", request.request_id,
                    message.id.dump());
    }
    return accepted();
  }
  if (message.kind == mcp::Message::Kind::notification) {
    NullSink sink;
    mcp::Exchange ex{*session, sink, caller, [this] { return cancel_calls.load(); }};
    dispatcher.handle(message, ex);
    return accepted();
  }
  if (auto r = insufficient_scope(message, caller, runtime.config()->mcp)) return std::move(*r);
  NullSink sink;
  if (mcp::Exchange probe{*session, sink, caller, [this] { return cancel_calls.load(); }};
      dispatcher.may_stream(message, probe)) {
    bool taken = false;
    Reply r = stream_call(request, writer, principal, session, std::move(message), taken);
    if (taken) return std::nullopt;
    return r;
  }
  // Answered here, on the thread that read the request: a request other
  // than tools/call, or a tools/call of a tool declared "x-nexus-inline".
  const bool inline_tool_call = message.method == "tools/call";
  auto flag = session->start_call(message.id);
  mcp::Exchange ex{*session, sink, caller, [this, flag] { return flag->load() || cancel_calls.load(); }};
  const json response = *dispatcher.handle(message, ex);
  session->finish_call(message.id);
  if (inline_tool_call) return sse_answer(session->id(), "p" + std::to_string(++streams) + "-", response);
  Reply r = json_body(200, response);
  r.header("Mcp-Session-Id", session->id());
  return r;
}

Reply McpEndpoint::Impl::stream_call(const HttpRequest& request, Pistache::Http::ResponseWriter& writer,
                                     const Principal& principal, const std::shared_ptr<McpSession>& session,
                                     mcp::Message message, bool& taken) {
  // Nothing is written here: the pool thread sends the head, so a full
  // pool can still be answered with a plain reply.
  auto stream = std::make_shared<SseStream>(writer.getPeer(), "p" + std::to_string(++streams) + "-");
  auto flag = session->start_call(message.id);
  auto caller = std::make_shared<mcp::Caller>(caller_for(principal, request));
  auto hold = drain.hold_write();  // stop() waits for the call to finish
  const json id = message.id;
  auto job = [this, stream, session, flag, caller, hold, message = std::move(message)] {
    const Runtime::Pin pin(runtime);  // one runtime snapshot for the whole call
    stream->start(sse_headers(session->id()), kRetryMs);
    std::function<bool()> cancelled = [this, flag] { return flag->load() || cancel_calls.load(); };
    StreamSink sink(stream, session, cancelled, std::chrono::milliseconds(runtime.config()->mcp.request_timeout_ms));
    mcp::Exchange ex{*session, sink, *caller, cancelled};
    const json response = *dispatcher.handle(message, ex);
    session->finish_call(message.id);
    if (flag->load()) {
      // The client sent notifications/cancelled: it has forgotten the
      // request, and a receiver of a cancellation does not answer it (MCP
      // 2025-11-25, cancellation); the official SDK reports a late answer
      // as an error. What the call logged has gone out; the stream ends.
      stream->close();
      return;
    }
    stream->finish(response);
  };
  if (!pool.try_submit(std::move(job))) {
    session->finish_call(id);
    Reply r = json_body(503, mcp::make_error(id, mcp::kInternalError,
                                             "the server is running too many streamed calls; retry in a moment"));
    r.header("Retry-After", "1");
    return r;
  }
  taken = true;
  return Reply{};
}

}  // namespace nexus::host::http
