// runtime/restart_settings.cpp — see restart_settings.hpp.
#include "runtime/restart_settings.hpp"

namespace nexus::host {
namespace {

template <typename T>
void keep(T& next, const T& running, const char* name, std::vector<std::string>& changed) {
  if (next != running) {
    changed.emplace_back(name);
    next = running;
  }
}

}  // namespace

std::vector<std::string> keep_restart_only_settings(Config& next, const Config& running) {
  std::vector<std::string> changed;
  keep(next.http.listen, running.http.listen, "http.listen", changed);
  keep(next.http.threads, running.http.threads, "http.threads", changed);
  keep(next.http.max_body_bytes, running.http.max_body_bytes, "http.max_body_bytes", changed);
  keep(next.http.header_timeout_ms, running.http.header_timeout_ms, "http.header_timeout_ms", changed);
  keep(next.http.idle_timeout_ms, running.http.idle_timeout_ms, "http.idle_timeout_ms", changed);
  keep(next.logging.level, running.logging.level, "logging.level", changed);
  keep(next.logging.format, running.logging.format, "logging.format", changed);
  keep(next.mcp.session_key, running.mcp.session_key, "mcp.session_key", changed);
  // The request pool and the transcription job service are built once, when
  // the server starts.
  keep(next.http.min_workers, running.http.min_workers, "http.min_workers", changed);
  keep(next.http.max_workers, running.http.max_workers, "http.max_workers", changed);
  keep(next.http.queue_limit, running.http.queue_limit, "http.queue_limit", changed);
  auto& t = next.transcription;
  const auto& r = running.transcription;
  keep(t.provider, r.provider, "transcription.provider", changed);
  keep(t.jobs_storage, r.jobs_storage, "transcription.jobs_storage", changed);
  keep(t.jobs_prefix, r.jobs_prefix, "transcription.jobs_prefix", changed);
  keep(t.workers, r.workers, "transcription.workers", changed);
  keep(t.queue_limit, r.queue_limit, "transcription.queue_limit", changed);
  keep(t.retry_after_seconds, r.retry_after_seconds, "transcription.retry_after_seconds", changed);
  keep(t.timeout_ms, r.timeout_ms, "transcription.timeout_ms", changed);
  keep(t.max_audio_bytes, r.max_audio_bytes, "transcription.max_audio_bytes", changed);
  keep(t.keep_finished, r.keep_finished, "transcription.keep_finished", changed);
  return changed;
}

}  // namespace nexus::host
