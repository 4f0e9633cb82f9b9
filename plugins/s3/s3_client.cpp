#include "s3_client.hpp"

#include <chrono>
#include <thread>

namespace nexus::plugins::s3 {
namespace {

using Clock = std::chrono::system_clock;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
}

// Milliseconds left before the call's deadline (a large number without one).
long ms_left(const sdk::CallContext* ctx) {
  if (!ctx) return 1L << 30;
  const auto deadline = ctx->deadline();
  if (deadline == Clock::time_point::max()) return 1L << 30;
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
}

// Sleeps `d` in short slices so a cancelled call stops waiting at once.
void sleep_unless_cancelled(const sdk::CallContext* ctx, std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    if (ctx && ctx->cancelled()) return;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(20),
                                                                               until - std::chrono::steady_clock::now()));
  }
}

}  // namespace

ErrorScope S3Client::scope(const std::string& operation) const {
  return ErrorScope{operation, config_.bucket, config_.region, config_.endpoint.url(), credentials_.source()};
}

http::Response S3Client::attempt(const sdk::CallContext* ctx, const S3Call& call, const std::string& payload_hash, long timeout_ms) const {
  // Path-style: https://host/bucket/key. Virtual-host style:
  // https://bucket.host/key; against a custom endpoint the bucket name is
  // not in DNS, so CONNECT_TO sends the connection to the endpoint itself.
  const Endpoint& ep = config_.endpoint;
  std::string path;
  std::string authority;
  std::string connect_to;
  if (config_.path_style) {
    authority = ep.authority();
    path = "/" + config_.bucket + (call.object_key.empty() ? "" : "/" + call.object_key);
  } else {
    const std::string vhost = config_.bucket + "." + ep.host;
    authority = ep.port ? vhost + ":" + std::to_string(ep.port) : vhost;
    path = "/" + call.object_key;
    if (config_.endpoint_overridden) {
      const std::string port = std::to_string(ep.port ? ep.port : (ep.scheme == "https" ? 443 : 80));
      connect_to = vhost + ":" + port + ":" + ep.host + ":" + port;
    }
  }
  sigv4::Request req;
  req.method = call.method;
  req.path = path;
  req.query = call.query;
  req.headers = call.headers;
  req.headers.emplace_back("host", authority);
  req.payload_hash = payload_hash;
  sigv4::Options opts;
  opts.region = config_.region;
  opts.service = "s3";
  const sigv4::Signature sig = sigv4::sign(req, credentials_.get(), opts, sigv4::amz_date_of(now_seconds()));

  http::Request h;
  h.method = call.method;
  const std::string query = sigv4::canonical_query(call.query);
  h.url = ep.scheme + "://" + authority + sigv4::uri_encode_path(path) + (query.empty() ? "" : "?" + query);
  h.headers = std::move(req.headers);  // includes the Host we signed
  h.headers.insert(h.headers.end(), sig.added_headers.begin(), sig.added_headers.end());
  h.body = call.body;
  h.timeout_ms = timeout_ms;
  h.connect_timeout_ms = std::min(timeout_ms, 10000L);
  h.connect_to = connect_to;
  if (ctx) h.should_abort = [ctx] { return ctx->cancelled(); };
  return http::perform(pool_, h);
}

http::Response S3Client::send(const sdk::CallContext* ctx, const S3Call& call, const std::string& operation) const {
  const std::string payload_hash = call.body.empty() ? std::string(sigv4::kEmptySha256) : sigv4::sha256_hex(call.body);
  const int max_attempts = call.retry ? config_.max_retries + 1 : 1;
  const long call_timeout = call.timeout_ms > 0 ? call.timeout_ms : config_.timeout_ms;
  for (int n = 1;; ++n) {
    if (ctx && ctx->cancelled()) {
      if (ctx->deadline_passed()) throw sdk::deadline_exceeded(operation + ": the call's deadline passed after " + std::to_string(n - 1) + " attempt(s)");
      throw sdk::cancelled(operation + " was cancelled");
    }
    const long left = ms_left(ctx);
    std::optional<http::Response> response;
    std::optional<http::TransportError> failure;
    try {
      response = attempt(ctx, call, payload_hash, std::min(call_timeout, left));
    } catch (const http::TransportError& e) {
      if (e.aborted() || !is_retryable(e)) {
        if (ctx && ctx->deadline_passed()) throw sdk::deadline_exceeded(operation + ": the call's deadline passed (" + e.what() + ")");
        throw error_from_transport(e, scope(operation), n);
      }
      failure = e;
    }
    if (response && !is_retryable(*response)) return *response;
    if (n >= max_attempts) {
      if (response) throw error_from_response(*response, scope(operation));
      if (ctx && ctx->deadline_passed()) throw sdk::deadline_exceeded(operation + ": the call's deadline passed (" + failure->what() + ")");
      throw error_from_transport(*failure, scope(operation), n);
    }
    const auto delay = backoff_.delay(n - 1);
    // Never sleep past the deadline: a retry that cannot finish in time
    // only delays the error the caller will get anyway.
    if (delay.count() + 1 >= ms_left(ctx)) {
      if (response) throw error_from_response(*response, scope(operation));
      throw error_from_transport(*failure, scope(operation), n);
    }
    sleep_unless_cancelled(ctx, delay);
  }
}

}  // namespace nexus::plugins::s3
