// jobs/transcription_service.hpp — runs transcription jobs: a fixed pool of
// workers, a bounded queue in front of it (full: the caller answers 503 +
// Retry-After), job state kept in the jobs storage at every transition, and
// unfinished jobs of a previous process resumed at start.
//
// A job reads its audio (upload or storage object) as the submitter, calls
// the provider with a deadline (transcription.timeout_ms), progress and
// cancellation, then writes the transcript to the output object if one was
// named. Nothing is lost on failure: a transcript that could not be written
// stays in the job's result.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "jobs/job_store.hpp"
#include "jobs/transcription_job.hpp"
#include "nexus/host/config.hpp"

namespace nexus::host {
class Runtime;
}

namespace nexus::host::jobs {

class TranscriptionService {
 public:
  // Starts the workers and queues the unfinished jobs found in the jobs
  // storage. `settings` are fixed for the service's life (workers, queue).
  TranscriptionService(const Runtime& runtime, TranscriptionConfig settings);
  ~TranscriptionService();  // cancels running jobs, joins the workers; queued async jobs stay recorded
  TranscriptionService(const TranscriptionService&) = delete;
  TranscriptionService& operator=(const TranscriptionService&) = delete;

  const TranscriptionConfig& settings() const noexcept { return settings_; }
  const JobStore& store() const noexcept { return store_; }

  // Queues a job. nullptr when the queue is full. `audio` is the upload
  // (empty for a storage source); for an async upload it is saved to the
  // jobs storage first — a failure there is returned and nothing is queued.
  struct Submitted {
    std::shared_ptr<Job> job;  // null: not queued
    CallOutcome refused;       // why, when job is null and the queue was not the reason
    bool queue_full = false;
  };
  Submitted submit(JobSpec spec, std::string audio);

  // The job, live when this process knows it, else rebuilt from its record.
  std::shared_ptr<Job> find(const std::string& id) const;

  // Cancels a queued or running job. False when it was already final.
  bool cancel(const std::shared_ptr<Job>& job);

 private:
  void work();
  void run(const std::shared_ptr<Job>& job);
  void finish(const std::shared_ptr<Job>& job, JobState state, nexus_status status, std::string message);
  void persist(const Job& job) const;
  void resume_unfinished();
  void remember_finished(const std::string& id);

  const Runtime& runtime_;
  const TranscriptionConfig settings_;
  const JobStore store_;

  mutable std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;  // queued, running and recently finished
  std::deque<std::string> finished_order_;            // oldest first, for forgetting
  unsigned running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace nexus::host::jobs
