// jobs/transcription_job.hpp — one transcription job: what was asked
// (JobSpec, fixed at submit), where it stands (JobStatus, changed by the
// worker), and the two JSON shapes it has: the document clients see, and
// the record kept in the jobs storage (the document plus what is needed to
// run the job again after a restart).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nexus/status.h>
#include <nlohmann/json.hpp>

namespace nexus::host::jobs {

enum class JobState { queued, running, succeeded, failed, cancelled };
std::string_view state_name(JobState s) noexcept;
std::optional<JobState> parse_state(std::string_view name) noexcept;
inline bool is_final(JobState s) noexcept { return s != JobState::queued && s != JobState::running; }

struct ObjectRef {
  std::string storage, key;
};

struct JobSpec {
  std::string provider;               // transcription instance
  std::optional<ObjectRef> source;    // nullopt: audio uploaded with the request
  std::string media_type;             // empty: from the stored object's content type or key
  std::optional<ObjectRef> output;    // where the transcript JSON is written, if anywhere
  nlohmann::json options = nlohmann::json::object();  // handed to the provider as is
  std::string principal_json;         // the submitter; every plugin call of the job runs as them
  std::string subject;                // the submitter's subject, for who may read the job
  std::string request_id;             // of the submitting request, for logs
  bool async = false;
  std::uint64_t upload_bytes = 0;     // size of the uploaded audio (0 for a storage source)
};

struct JobStatus {
  JobState state = JobState::queued;
  std::int64_t created_ms = 0, started_ms = 0, finished_ms = 0;  // unix ms; 0: not yet
  double progress_done = 0, progress_total = 0;
  std::string progress_message;
  nlohmann::json result;          // the transcript on success
  nexus_status error_status = NEXUS_OK;
  std::string error_message;
  bool cancel_requested = false;
  bool output_written = false;
};

class Job {
 public:
  Job(std::string id, JobSpec spec, std::string audio = {});

  const std::string& id() const noexcept { return id_; }
  const JobSpec& spec() const noexcept { return spec_; }

  // The uploaded audio, handed over once to the worker that runs the job.
  std::string take_audio();

  JobStatus status() const;
  // Applies `change` to the status under the lock and wakes waiters.
  void update(const std::function<void(JobStatus&)>& change);
  // Waits until the job is final or `give_up()` says stop (checked every
  // 200 ms). Returns the status at that moment.
  JobStatus wait_final(const std::function<bool()>& give_up) const;

  // Cancellation as a plugin call sees it: asked for by a client, or the
  // service is stopping.
  bool cancel_requested() const noexcept { return cancel_.load(); }
  void request_cancel() noexcept;

  // The document GET /v1/transcriptions/{id} answers with.
  nlohmann::json document() const { return document(status()); }
  nlohmann::json document(const JobStatus& s) const;
  // The record kept in the jobs storage: {"document": ..., "spec": ...};
  // with `s`, as it will be once `s` is applied.
  nlohmann::json record() const { return record(status()); }
  nlohmann::json record(const JobStatus& s) const;
  // Rebuilds a job from record(); nullptr (and `why`) if it is malformed.
  static std::shared_ptr<Job> from_record(const nlohmann::json& record, std::string& why);

 private:
  const std::string id_;
  const JobSpec spec_;
  std::string audio_;
  std::atomic<bool> cancel_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  JobStatus status_;
};

// 128 random bits as "tj_" + 32 hex digits: unguessable, so a job id alone
// reveals nothing, and safe in a storage key and a URL.
std::string new_job_id();
bool is_job_id(std::string_view s) noexcept;

std::int64_t now_unix_ms() noexcept;

}  // namespace nexus::host::jobs
