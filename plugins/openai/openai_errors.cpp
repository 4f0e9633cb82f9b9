#include "openai_errors.hpp"

#include <nlohmann/json.hpp>

namespace nexus::plugins::openai {
namespace {

constexpr std::size_t kMaxQuotedBytes = 600;

std::string field(const nlohmann::json& error, const char* name) {
  const auto it = error.find(name);
  if (it == error.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// At most kMaxQuotedBytes of `text`, control characters as spaces: the
// body of an unknown server can be anything (an HTML error page).
std::string quote(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxQuotedBytes)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  if (text.size() > kMaxQuotedBytes) out += "...";
  return out;
}

std::string hint(long status, const OpenAiError& e, const ErrorScope& s) {
  switch (status) {
    case 400:
      return "the provider rejected the request; check the options and the audio";
    case 401:
      return "the provider refused the API key; check config.api_key (usually \"${OPENAI_API_KEY}\") and "
             "config.auth_header";
    case 403:
      return "the key is valid but not allowed to do this (project, organisation or region restrictions)";
    case 404:
      return "model '" + s.model +
             "' or the endpoint does not exist for this key; check the model (or Azure deployment) and config.base_url "
             "/ config.path";
    case 413:
      return "the audio is larger than the provider accepts; send shorter recordings or lower config.max_audio_bytes";
    case 429:
      return e.code == "insufficient_quota" ? "the account has no quota left; check the plan and billing"
                                            : "rate limited; retry later or lower the request rate";
    default:
      break;
  }
  if (status >= 500) return "the provider failed; retry later";
  if (status >= 300 && status < 400) return "redirects are not followed; set config.base_url to the final address";
  return "unexpected answer";
}

nexus_status status_for(long status, const OpenAiError& e) {
  if (status == 401) return NEXUS_UNAUTHENTICATED;
  if (status == 403) return NEXUS_PERMISSION_DENIED;
  if (status == 413) return NEXUS_RESOURCE_EXHAUSTED;
  if (status == 429) return e.code == "insufficient_quota" ? NEXUS_RESOURCE_EXHAUSTED : NEXUS_UNAVAILABLE;
  if (status == 408 || status >= 500) return NEXUS_UNAVAILABLE;
  if (status >= 400) return NEXUS_INVALID_ARGUMENT;
  if (status >= 300) return NEXUS_FAILED_PRECONDITION;
  return NEXUS_UNAVAILABLE;  // 1xx/2xx never reach here as errors; be safe
}

std::string attempts_text(int n) {
  return n == 1 ? "1 attempt" : std::to_string(n) + " attempts";
}

}  // namespace

OpenAiError parse_error_body(std::string_view body) {
  OpenAiError e;
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error")) {
    const auto& err = j["error"];
    if (err.is_object()) {
      e.message = field(err, "message");
      e.type = field(err, "type");
      e.param = field(err, "param");
      e.code = field(err, "code");
    } else if (err.is_string()) {  // some compatible servers: {"error": "text"}
      e.message = err.get<std::string>();
    }
  } else if (j.is_object() && j.contains("detail")) {  // FastAPI-based servers
    e.message = j["detail"].is_string() ? j["detail"].get<std::string>() : j["detail"].dump();
  }
  if (e.message.size() > kMaxQuotedBytes) e.message = quote(e.message);
  return e;
}

std::string redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3))
    text.replace(pos, secret.size(), "***");
  return text;
}

sdk::Error error_from_response(const http::Response& r, const ErrorScope& s) {
  const OpenAiError e = parse_error_body(r.body);
  std::string what = "HTTP " + std::to_string(r.status);
  if (!e.code.empty())
    what += " " + e.code;
  else if (!e.type.empty())
    what += " " + e.type;
  if (!e.param.empty()) what += " (param '" + e.param + "')";
  what += ": ";
  if (!e.message.empty())
    what += e.message;
  else if (r.status >= 300 && r.status < 400)
    what += "redirect to '" + quote(r.header("location").value_or("")) + "'";
  else
    what += r.body.empty() ? "(empty body)" : "(not OpenAI's error format) " + quote(r.body);
  const std::string message = "transcription request " + s.endpoint + " failed after " + attempts_text(s.attempts) +
                              ": " + what + " — " + hint(r.status, e, s);
  return sdk::Error(status_for(r.status, e), redact(message, s.api_key));
}

sdk::Error error_from_transport(const http::TransportError& e, const ErrorScope& s) {
  if (e.aborted()) return sdk::cancelled("transcription request " + s.endpoint + " was cancelled by the caller");
  if (e.response_too_large())
    return sdk::Error(NEXUS_UNAVAILABLE, redact("transcription request " + s.endpoint + ": " + e.what() +
                                                    "; is config.base_url an OpenAI-compatible server?",
                                                s.api_key));
  if (e.timed_out())
    return sdk::deadline_exceeded(redact("transcription request " + s.endpoint + " got no answer in time (" +
                                             attempts_text(s.attempts) + ", " + e.what() +
                                             "); raise config.timeout_ms or the call's deadline for long audio",
                                         s.api_key));
  return sdk::unavailable(redact("transcription request " + s.endpoint + " got no answer after " +
                                     attempts_text(s.attempts) + ": " + e.what() +
                                     "; check that config.base_url is reachable",
                                 s.api_key));
}

}  // namespace nexus::plugins::openai
