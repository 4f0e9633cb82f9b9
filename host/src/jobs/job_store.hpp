// jobs/job_store.hpp — job records (and the audio of async uploads) in the
// storage instance named by transcription.jobs_storage, so finished results
// and unfinished work survive a restart. Without one, nothing is kept and
// every call is a no-op that succeeds.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nexus/host/call.hpp"

namespace nexus::host {
class Runtime;
}

namespace nexus::host::jobs {

class JobStore {
 public:
  JobStore(const Runtime& runtime, std::optional<std::string> storage, std::string prefix);

  bool persistent() const noexcept { return storage_.has_value(); }
  const std::optional<std::string>& storage() const noexcept { return storage_; }

  CallOutcome save_record(std::string_view id, const nlohmann::json& record) const;
  // nullopt when there is no such record (or no store); throws nothing.
  std::optional<nlohmann::json> load_record(std::string_view id) const;

  CallOutcome save_audio(std::string_view id, std::string_view audio, std::string_view media_type) const;
  // NOT_FOUND when the audio is gone.
  CallOutcome load_audio(std::string_view id, std::size_t max_bytes, std::string* audio) const;
  void remove_audio(std::string_view id) const;  // best effort: a leftover is logged

  // Every record under the prefix whose status is queued or running: the
  // work a previous process did not finish.
  std::vector<nlohmann::json> unfinished_records() const;

 private:
  std::string record_key(std::string_view id) const;
  std::string audio_key(std::string_view id) const;

  const Runtime& runtime_;
  std::optional<std::string> storage_;
  std::string prefix_;
};

// Reads a whole object into `out`, refusing (RESOURCE_EXHAUSTED) past
// `max_bytes`; `content_type` gets the object's content type.
CallOutcome read_object(const Runtime& runtime, const CallOptions& options, const std::string& storage,
                        std::string_view key, std::size_t max_bytes, std::string* out,
                        std::string* content_type = nullptr);

}  // namespace nexus::host::jobs
