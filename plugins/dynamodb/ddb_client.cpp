#include "ddb_client.hpp"

#include <chrono>

#include <nexus_aws/retry.hpp>
#include <nexus_aws/sigv4.hpp>

namespace nexus::plugins::dynamodb {
namespace {

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

ErrorScope DdbClient::scope(const std::string& what) const {
  return ErrorScope{what, config_.table, config_.region, config_.endpoint.url(), credentials_.source()};
}

aws::http::Response DdbClient::attempt(const sdk::CallContext* ctx, std::string_view op, const std::string& body,
                                       long timeout_ms) const {
  const aws::Endpoint& ep = config_.endpoint;
  aws::sigv4::Request req;
  req.method = "POST";
  req.path = "/";
  req.headers = {{"host", ep.authority()},
                 {"content-type", "application/x-amz-json-1.0"},
                 {"x-amz-target", "DynamoDB_20120810." + std::string(op)}};
  req.payload_hash = aws::sigv4::sha256_hex(body);
  aws::sigv4::Options opts;
  opts.region = config_.region;
  opts.service = "dynamodb";
  opts.s3_path_rules = false;
  opts.add_content_sha256 = false;  // an S3 header; DynamoDB signs the payload hash without it
  // Fresh credentials and date per attempt: a retry after a refresh or a
  // long backoff must not send a stale signature.
  const auto sig = aws::sigv4::sign(req, credentials_.get(), opts, aws::sigv4::amz_date_of(now_seconds()));

  aws::http::Request h;
  h.method = "POST";
  h.url = ep.url() + "/";
  h.headers = std::move(req.headers);
  h.headers.insert(h.headers.end(), sig.added_headers.begin(), sig.added_headers.end());
  h.body = bytes_of(body);
  h.timeout_ms = timeout_ms;
  h.connect_timeout_ms = std::min(timeout_ms, 10000L);
  if (ctx) h.should_abort = [ctx] { return ctx->cancelled(); };
  return aws::http::perform(pool_, h);
}

Answer DdbClient::send(const sdk::CallContext* ctx, std::string_view op, nlohmann::json request,
                       const std::string& what, SendOptions options) const {
  request["TableName"] = config_.table;
  const std::string body = request.dump();
  aws::RetryPolicy policy;
  policy.max_attempts = options.retry ? config_.max_retries + 1 : 1;
  policy.attempt_timeout_ms = options.timeout_ms > 0 ? options.timeout_ms : config_.timeout_ms;
  aws::RetryHooks hooks;
  hooks.operation = what;
  // Only error answers are parsed here: a 200 may carry a 400 KB item.
  hooks.retryable = [](const aws::http::Response& r) {
    return r.status >= 500 || (r.status == 400 && is_retryable(parse_answer(r)));
  };
  hooks.response_error = [&](const aws::http::Response& r) { return error_from_answer(parse_answer(r), scope(what)); };
  hooks.transport_error = [&](const aws::http::TransportError& e, int attempts) {
    return error_from_transport(e, scope(what), attempts);
  };
  return parse_answer(
      aws::send_with_retries(ctx, policy, hooks, [&](long timeout_ms) { return attempt(ctx, op, body, timeout_ms); }));
}

nlohmann::json DdbClient::call(const sdk::CallContext* ctx, std::string_view op, nlohmann::json request,
                               const std::string& what, SendOptions options) const {
  Answer a = send(ctx, op, std::move(request), what, options);
  if (!a.ok()) throw error(a, what);
  return std::move(a.body);
}

}  // namespace nexus::plugins::dynamodb
