// http/server.cpp — nexus::host::HttpServer: the pistache endpoint's life
// (options, start, graceful stop). Requests are handled in
// request_handler.cpp.
//
// pistache 0.0.5 facts this relies on (checked by experiment):
//   - Endpoint::serveThreaded() binds the socket itself; binding earlier
//     with Endpoint::bind() opens a SECOND listening socket. So the
//     constructor only validates the address and start() binds; a bind
//     failure is thrown from start().
//   - maxRequestSize bounds the whole buffered request (request line,
//     headers and body; default 4096). Past it pistache answers a plain-text
//     413 by itself and keeps reading the connection. We allow the body
//     limit plus room for headers, so any body just over
//     http.max_body_bytes reaches our handler and gets a JSON 413.
//   - Endpoint::shutdown() joins the worker threads, i.e. waits for
//     handlers that are running.
#include "nexus/host/http_server.hpp"

#include <pistache/endpoint.h>
#include <pistache/peer.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <stdexcept>

#include "config/listen.hpp"
#include "http/mcp_endpoint.hpp"
#include "http/request_handler.hpp"
#include "http/server_state.hpp"
#include "http/request_pool.hpp"
#include "metrics/registry.hpp"
#include "jobs/transcription_service.hpp"
#include "nexus/host/runtime.hpp"

namespace nexus::host {
namespace {

using namespace Pistache;

// Request line + headers on top of the body limit.
constexpr std::size_t kHeaderAllowance = 64u << 10;

Address to_pistache_address(const std::string& listen) {
  std::string why;
  const auto parsed = config_detail::parse_listen_address(listen, why);
  if (!parsed) throw std::runtime_error("http listen address '" + listen + "': " + why);
  return parsed->is_ipv6 ? Address("[" + parsed->host + "]", Port(parsed->port))
                         : Address(parsed->host, Port(parsed->port));
}

// Connections whose current request has been partly received (past the
// request line). Reads pistache's per-connection parser from this thread
// while a worker may be feeding it: only the current step pointer is
// read, and the step objects themselves live as long as the parser.
std::vector<std::shared_ptr<Tcp::Peer>> peers_mid_request(Http::Endpoint& endpoint) {
  std::vector<std::shared_ptr<Tcp::Peer>> busy;
  try {
    for (const auto& peer : endpoint.getAllPeer()) {
      if (!peer) continue;
      const auto parser = Http::Handler::getParser(peer);
      if (!parser) continue;
      auto* step = parser->step();
      if (step && !dynamic_cast<Http::Private::RequestLineStep*>(step)) busy.push_back(peer);
    }
  } catch (const std::exception& e) {
    spdlog::warn("http: could not inspect open connections while stopping: {}", e.what());
  }
  return busy;
}

}  // namespace

struct HttpServer::Impl {
  Impl(Runtime& rt, std::string listen_text)
      : listen(std::move(listen_text)),
        address(to_pistache_address(listen)),
        state(std::make_shared<http::ServerState>(rt, rt.config()->http.max_body_bytes)) {
    state->mcp = std::make_shared<http::McpEndpoint>(rt, state->drain, state->cancel_calls, state->max_body_bytes);
  }

  const std::string listen;
  const Address address;
  std::shared_ptr<http::ServerState> state;
  std::unique_ptr<Http::Endpoint> endpoint;
  std::mutex lifecycle;  // start/stop
  bool started = false;
  unsigned abandoned_calls = 0;  // written-off workers still inside a plugin at stop()
  bool stopped = false;
};

HttpServer::HttpServer(Runtime& runtime, const std::string& listen_override)
    : impl_(std::make_unique<Impl>(runtime, listen_override.empty() ? runtime.config()->http.listen : listen_override)) {
}

HttpServer::~HttpServer() {
  try {
    stop();
  } catch (const std::exception& e) {
    spdlog::error("http: error while stopping the server: {}", e.what());
  }
}

void HttpServer::start() {
  std::lock_guard lock(impl_->lifecycle);
  if (impl_->started) return;
  const auto config = impl_->state->runtime.config();
  const HttpConfig& cfg = config->http;
  auto options =
      Http::Endpoint::options()
          .threads(static_cast<int>(cfg.threads == 0 ? 1 : cfg.threads))
          .threadsName("nexus-http")
          // NoDelay: an answer is often several small writes (an SSE stream's
          // head, events and end marker); with Nagle's algorithm the kernel
          // held each later one until the client's delayed ACK, ~40 ms per
          // MCP call (bench/README.md).
          .flags(Tcp::Options::ReuseAddr | Tcp::Options::NoDelay)
          .maxRequestSize(cfg.max_body_bytes > SIZE_MAX - kHeaderAllowance ? SIZE_MAX
                                                                           : cfg.max_body_bytes + kHeaderAllowance)
          // A large upload on a slow link must not hit pistache's
          // 60 s default body timeout.
          .bodyTimeout(std::chrono::minutes(10))
          .headerTimeout(std::chrono::milliseconds(cfg.header_timeout_ms))
          .keepaliveTimeout(std::chrono::milliseconds(cfg.idle_timeout_ms));
  impl_->state->pool = std::make_shared<http::RequestPool>(http::RequestPool::Limits{
      .min_workers = cfg.min_workers, .max_workers = cfg.max_workers, .queue_limit = cfg.queue_limit, .idle_retire = std::chrono::seconds(30)});
  metrics::register_source("http_workers", [pool = std::weak_ptr<http::RequestPool>(impl_->state->pool)](std::string& out) {
    if (const auto p = pool.lock()) http::write_pool_metrics(p->stats(), out);
  });
  impl_->state->transcription = std::make_shared<jobs::TranscriptionService>(
      impl_->state->runtime, impl_->state->runtime.config()->transcription);
  auto endpoint = std::make_unique<Http::Endpoint>(impl_->address);
  endpoint->init(options);
  endpoint->setHandler(Http::make_handler<http::RequestHandler>(impl_->state));
  try {
    endpoint->serveThreaded();
  } catch (const std::exception& e) {
    throw std::runtime_error("http: cannot listen on '" + impl_->listen + "': " + e.what() +
                             " (change http.listen in the config or pass --listen ADDR:PORT)");
  }
  impl_->endpoint = std::move(endpoint);
  impl_->started = true;
}

void HttpServer::stop() {
  std::lock_guard lock(impl_->lifecycle);
  if (!impl_->started || impl_->stopped) {
    impl_->stopped = true;
    return;
  }
  impl_->stopped = true;
  auto& state = *impl_->state;
  const unsigned grace = state.runtime.config()->http.shutdown_grace_seconds;
  state.drain.begin(peers_mid_request(*impl_->endpoint));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(grace);
  if (!state.drain.wait_idle(deadline)) {
    spdlog::warn(
        "http: requests still running after the {} s grace period (http.shutdown_grace_seconds); "
        "cancelling them",
        grace);
    state.cancel_calls = true;
  }
  impl_->endpoint->shutdown();
  // Requests still queued run now; a written-off worker is left behind.
  impl_->abandoned_calls = state.pool ? state.pool->stats().written_off_running : 0;
  metrics::unregister_source("http_workers");
  state.pool.reset();
  // After the workers: no request can reach the jobs any more. Running jobs
  // are cancelled; async ones stay recorded and resume at the next start.
  state.transcription.reset();
  spdlog::info("http: stopped");
}

unsigned HttpServer::abandoned_calls() const {
  std::lock_guard lock(impl_->lifecycle);
  return impl_->abandoned_calls;
}

std::uint16_t HttpServer::port() const {
  std::lock_guard lock(impl_->lifecycle);
  if (!impl_->endpoint) return 0;
  return static_cast<std::uint16_t>(impl_->endpoint->getPort());
}

}  // namespace nexus::host
