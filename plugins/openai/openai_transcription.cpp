#include "openai_transcription.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include "call_params.hpp"
#include "transcript_mapping.hpp"

namespace nexus::plugins::openai {
namespace {

using SystemClock = std::chrono::system_clock;
using SteadyClock = std::chrono::steady_clock;

// Milliseconds left before the call's deadline; a day when there is none.
long ms_left(const sdk::CallContext& ctx) {
  const auto deadline = ctx.deadline();
  if (deadline == SystemClock::time_point::max()) return 86400000L;
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SystemClock::now()).count());
}

sdk::Error deadline_error(const ErrorScope& scope) {
  if (scope.attempts == 0)
    return sdk::deadline_exceeded("the call's deadline passed before the transcription request " + scope.endpoint +
                                  " was sent; allow more time");
  return sdk::deadline_exceeded("the call's deadline passed before " + scope.endpoint + " answered (" +
                                std::to_string(scope.attempts) + (scope.attempts == 1 ? " attempt" : " attempts") +
                                "); allow more time for long audio");
}

// Throws CANCELLED or DEADLINE_EXCEEDED when the call should stop.
void stop_if_cancelled(const sdk::CallContext& ctx, const ErrorScope& scope) {
  if (ctx.deadline_passed()) throw deadline_error(scope);
  if (ctx.cancelled()) throw sdk::cancelled("transcription request " + scope.endpoint + " was cancelled by the caller");
}

// `e` with `note` appended to its message.
sdk::Error with_note(const sdk::Error& e, const std::string& note) {
  return sdk::Error(e.status(), e.what() + note);
}

// Sleeps `d` in short slices so a cancelled call stops waiting at once.
void sleep_unless_cancelled(const sdk::CallContext& ctx, std::chrono::milliseconds d) {
  const auto until = SteadyClock::now() + d;
  while (!ctx.cancelled()) {
    const auto now = SteadyClock::now();
    if (now >= until) return;
    std::this_thread::sleep_for(std::min<SteadyClock::duration>(std::chrono::milliseconds(20), until - now));
  }
}

// "127.0.0.1:8000" from "http://127.0.0.1:8000/prefix", for log lines.
std::string authority_of(const std::string& base_url) {
  const std::string rest = base_url.substr(base_url.find("://") + 3);
  return rest.substr(0, rest.find('/'));
}

bool is_loopback(const std::string& authority) {
  std::string host = authority;
  const auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.back() != ']') host = authority.substr(0, colon);  // drop ":port"
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "[::1]";
}

}  // namespace

OpenAiTranscription::OpenAiTranscription(const sdk::InstanceArgs& args)
    : settings_(read_settings(args.config)), host_(args.host), name_(args.name) {
  const std::string authority = authority_of(settings_.base_url);
  if (settings_.base_url.rfind("http://", 0) == 0 && !is_loopback(authority))
    host_.warn("openai instance '" + name_ + "': base_url is plain http to " + authority +
               ", so the API key and the audio cross the network unencrypted; use https");
  host_.info(redact("openai instance '" + name_ + "': POST " + settings_.url() + ", model " + settings_.model +
                        ", response_format " + settings_.response_format + ", key in the " +
                        (settings_.auth_header == AuthHeader::authorization ? "Authorization (Bearer)" : "api-key") +
                        " header",
                    settings_.api_key));
}

nlohmann::json OpenAiTranscription::transcribe(sdk::CallContext& ctx, std::span<const std::uint8_t> audio,
                                               std::string_view media_type, const nlohmann::json& options) {
  const auto started = SteadyClock::now();
  if (audio.empty()) throw sdk::invalid_argument("no audio: the request body is empty");
  if (audio.size() > settings_.max_audio_bytes)
    throw sdk::resource_exhausted(
        "the audio is " + std::to_string(audio.size()) + " bytes; instance '" + name_ + "' sends at most " +
        std::to_string(settings_.max_audio_bytes) +
        " (config.max_audio_bytes; OpenAI accepts 25 MiB); split the recording or compress it (e.g. mp3)");
  const CallParams params = call_params(settings_, options);

  http::MultipartPost request;
  request.url = settings_.url();
  request.headers.emplace_back(
      settings_.auth_header == AuthHeader::authorization ? "Authorization" : "api-key",
      settings_.auth_header == AuthHeader::authorization ? "Bearer " + settings_.api_key : settings_.api_key);
  request.fields = form_fields(params);
  request.file.file_name = upload_file_name(media_type);
  request.file.media_type = std::string(media_type.substr(0, media_type.find(';')));
  request.file.data = audio;

  // Redacted once here, so that every message built from it is safe even
  // if an operator put the key into the path or query.
  ErrorScope scope{redact("POST " + request.url, settings_.api_key), params.model, settings_.api_key, 0};
  const http::Response response = send_with_retries(ctx, request, scope);

  sdk::Transcript t = parse_transcript(response.body, params.response_format);
  t.processing_s = std::chrono::duration<double>(SteadyClock::now() - started).count();
  t.provider = {{"plugin", "openai"},
                {"model", params.model},
                {"response_format", params.response_format},
                {"attempts", scope.attempts}};
  return t.to_json();
}

http::Response OpenAiTranscription::send_with_retries(sdk::CallContext& ctx, http::MultipartPost& request,
                                                      ErrorScope& scope) {
  const double total = static_cast<double>(request.file.data.size());
  request.should_abort = [&ctx] { return ctx.cancelled(); };
  request.on_upload_complete = [&ctx, total] { ctx.progress(total, total, "audio sent; waiting for the transcript"); };
  for (int attempt = 1;; ++attempt) {
    scope.attempts = attempt - 1;
    stop_if_cancelled(ctx, scope);
    scope.attempts = attempt;
    const long left = ms_left(ctx);
    const bool deadline_bound = left <= settings_.timeout_ms;  // the attempt ends at the deadline
    request.timeout_ms = std::min(settings_.timeout_ms, left);
    ctx.progress(0, total, "sending the audio (attempt " + std::to_string(attempt) + ")");

    std::optional<http::Response> answer;
    std::optional<http::TransportError> failure;
    try {
      answer = http::post_multipart(pool_, request);
    } catch (const http::TransportError& e) {
      // The deadline ends a transfer either way: through the abort check
      // (ctx.cancelled() includes it) or through the curl timeout.
      if ((e.aborted() && ctx.deadline_passed()) || (e.timed_out() && deadline_bound)) throw deadline_error(scope);
      if (e.aborted()) throw error_from_transport(e, scope);
      failure = e;
    }
    if (answer && answer->status >= 200 && answer->status < 300) return std::move(*answer);

    const bool retryable =
        answer ? is_retryable_status(answer->status, parse_error_body(answer->body).code) : failure->retryable();
    const auto give_up = [&] {
      return answer ? error_from_response(*answer, scope) : error_from_transport(*failure, scope);
    };
    if (!retryable || attempt > settings_.max_retries) throw give_up();

    const auto asked = answer ? retry_after(*answer, SystemClock::now()) : std::nullopt;
    if (asked && *asked > kMaxRetryAfter)  // the caller decides about a long wait
      throw with_note(give_up(), "; the server asked to retry after " + std::to_string(asked->count() / 1000) +
                                     " s, longer than the " + std::to_string(kMaxRetryAfter.count() / 1000) +
                                     " s this plugin waits");
    const std::chrono::milliseconds delay = asked ? *asked : backoff_.delay(attempt - 1);
    // Never wait past the deadline: a retry that cannot finish in time only
    // delays the error the caller gets anyway.
    if (delay.count() >= ms_left(ctx))
      throw with_note(give_up(),
                      "; a retry in " + std::to_string(delay.count()) + " ms would end past the call's deadline");

    const std::string what =
        answer ? "HTTP " + std::to_string(answer->status) : std::string("no answer (") + failure->what() + ")";
    const std::string retry = "retry " + std::to_string(attempt) + " of " + std::to_string(settings_.max_retries) +
                              " in " + std::to_string(delay.count()) + " ms" +
                              (asked ? " (the server's Retry-After)" : "");
    ctx.log(NEXUS_LOG_WARN,
            redact("openai instance '" + name_ + "': " + what + " from " + scope.endpoint + "; " + retry,
                   settings_.api_key));
    ctx.progress(0, total, redact(what + "; " + retry, settings_.api_key));
    sleep_unless_cancelled(ctx, delay);
  }
}

}  // namespace nexus::plugins::openai
