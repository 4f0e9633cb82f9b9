// support/transcription_harness.hpp — calling a "nexus.transcription/1"
// plugin through its C ABI in tests: a call context that records progress
// reports and log lines and can turn "cancelled" on after N progress reports
// (so cancellation is tested mid-decode, not only before it starts), and a
// transcribe() that returns status, error text and the transcript JSON.
#pragma once

#include <nexus/nexus.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/plugin_harness.hpp"

namespace nexus::test {

struct ProgressReport {
  double progress = 0, total = 0;
  std::string message;
};

class TranscriptionContext {
 public:
  // cancel_after_progress: answer "cancelled" once this many progress
  // reports arrived (0: cancelled from the start; -1: never).
  explicit TranscriptionContext(int cancel_after_progress = -1, std::int64_t deadline_unix_ms = 0)
      : cancel_after_(cancel_after_progress) {
    ctx_.struct_size = sizeof(nexus_call_context);
    ctx_.host_data = this;
    ctx_.request_id = nexus_str{"req-test", 8};
    ctx_.deadline_unix_ms = deadline_unix_ms;
    ctx_.callback_is_cancelled = [](void* self) -> int {
      auto& c = *static_cast<TranscriptionContext*>(self);
      ++c.cancel_polls_;
      std::lock_guard lock(c.mutex_);
      return c.cancel_after_ >= 0 && static_cast<int>(c.progress_.size()) >= c.cancel_after_ ? 1 : 0;
    };
    ctx_.callback_progress = [](void* self, double p, double t, nexus_str m) {
      auto& c = *static_cast<TranscriptionContext*>(self);
      std::lock_guard lock(c.mutex_);
      c.progress_.push_back({p, t, std::string(m.data, m.size)});
    };
    ctx_.callback_log = [](void* self, nexus_log_level, nexus_str m) {
      auto& c = *static_cast<TranscriptionContext*>(self);
      std::lock_guard lock(c.mutex_);
      c.logs_.emplace_back(m.data, m.size);
    };
    ctx_.callback_set_error = [](void* self, nexus_str m) {
      static_cast<TranscriptionContext*>(self)->error_.assign(m.data, m.size);
    };
  }
  TranscriptionContext(const TranscriptionContext&) = delete;
  TranscriptionContext& operator=(const TranscriptionContext&) = delete;

  const nexus_call_context* get() const { return &ctx_; }
  const std::string& error() const { return error_; }
  std::vector<ProgressReport> progress() const {
    std::lock_guard lock(mutex_);
    return progress_;
  }
  std::vector<std::string> logs() const {
    std::lock_guard lock(mutex_);
    return logs_;
  }
  int cancel_polls() const { return cancel_polls_.load(); }

 private:
  int cancel_after_;
  mutable std::mutex mutex_;
  std::vector<ProgressReport> progress_;
  std::vector<std::string> logs_;
  std::string error_;
  std::atomic<int> cancel_polls_{0};
  nexus_call_context ctx_{};
};

struct TranscribeResult {
  nexus_status status = NEXUS_INTERNAL;
  std::string error;       // callback_set_error text
  std::string transcript;  // what the writer received
  bool ok() const noexcept { return status == NEXUS_OK; }
  nlohmann::json json() const { return nlohmann::json::parse(transcript); }
};

// transcribe() on an instance created by LoadedPlugin::create. [any-thread]
inline TranscribeResult transcribe(const PluginInstance& instance, std::string_view audio,
                                   std::string_view media_type = "audio/wav", std::string_view options_json = {},
                                   const TranscriptionContext& ctx = TranscriptionContext()) {
  TranscribeResult r;
  nexus_writer out{sizeof(nexus_writer), &r.transcript, [](void* s, const void* d, size_t n) {
                     static_cast<std::string*>(s)->append(static_cast<const char*>(d), n);
                     return NEXUS_OK;
                   }};
  // The descriptor is reached through the instance's library; the harness
  // exposes the table the same way it exposes storage() and auth().
  const auto* vt = instance.transcription();
  if (!vt) {
    r.error = "plugin does not provide " NEXUS_TRANSCRIPTION_V1;
    return r;
  }
  r.status = vt->on_transcribe(instance.handle(), ctx.get(),
                               nexus_bytes{reinterpret_cast<const std::uint8_t*>(audio.data()), audio.size()},
                               nexus_str{media_type.data(), media_type.size()},
                               nexus_str{options_json.data(), options_json.size()}, &out);
  r.error = ctx.error();
  return r;
}

}  // namespace nexus::test
