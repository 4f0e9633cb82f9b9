#include "s3_client.hpp"

#include <chrono>

namespace nexus::plugins::s3 {
namespace {

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

ErrorScope S3Client::scope(const std::string& operation) const {
  return ErrorScope{operation, config_.bucket, config_.region, config_.endpoint.url(), credentials_.source()};
}

http::Response S3Client::attempt(const sdk::CallContext* ctx, const S3Call& call, const std::string& payload_hash,
                                 long timeout_ms) const {
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
  aws::RetryPolicy policy;
  policy.max_attempts = call.retry ? config_.max_retries + 1 : 1;
  policy.attempt_timeout_ms = call.timeout_ms > 0 ? call.timeout_ms : config_.timeout_ms;
  aws::RetryHooks hooks;
  hooks.operation = operation;
  hooks.retryable = [](const http::Response& r) { return is_retryable(r); };
  hooks.response_error = [&](const http::Response& r) { return error_from_response(r, scope(operation)); };
  hooks.transport_error = [&](const http::TransportError& e, int attempts) {
    return error_from_transport(e, scope(operation), attempts);
  };
  return aws::send_with_retries(ctx, policy, hooks,
                                [&](long timeout_ms) { return attempt(ctx, call, payload_hash, timeout_ms); });
}

}  // namespace nexus::plugins::s3
