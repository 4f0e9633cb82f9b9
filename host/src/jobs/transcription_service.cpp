// jobs/transcription_service.cpp — see transcription_service.hpp.
#include "jobs/transcription_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "jobs/media_type.hpp"
#include "nexus/host/runtime.hpp"

namespace nexus::host::jobs {

using nlohmann::json;

namespace {

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string where(const ObjectRef& r) { return "'" + r.key + "' in '" + r.storage + "'"; }

}  // namespace

TranscriptionService::TranscriptionService(const Runtime& runtime, TranscriptionConfig settings)
    : runtime_(runtime),
      settings_(std::move(settings)),
      store_(runtime, settings_.jobs_storage, settings_.jobs_prefix) {
  if (!store_.persistent())
    spdlog::warn(
        "transcription: no transcription.jobs_storage configured; async job results are kept in memory only and "
        "are lost on restart");
  resume_unfinished();
  for (unsigned i = 0; i < settings_.workers; ++i) workers_.emplace_back([this] { work(); });
}

TranscriptionService::~TranscriptionService() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, job] : jobs_) {
      if (job->status().state == JobState::running) job->request_cancel();
    }
  }
  queued_.notify_all();
  for (auto& w : workers_) w.join();
}

void TranscriptionService::resume_unfinished() {
  std::size_t resumed = 0;
  for (const json& record : store_.unfinished_records()) {
    std::string why;
    auto job = Job::from_record(record, why);
    if (!job) {
      spdlog::warn("transcription: a job record in '{}' cannot be resumed: {}", store_.storage().value_or(""), why);
      continue;
    }
    if (!job->spec().async) {
      // Its client waited for the answer and is gone; say so in the record.
      finish(job, JobState::failed, NEXUS_UNAVAILABLE,
             "the server stopped while this synchronous job ran; submit it again");
      continue;
    }
    job->update([](JobStatus& s) {
      s.state = JobState::queued;
      s.started_ms = 0;
      s.progress_done = s.progress_total = 0;
    });
    std::lock_guard lock(mutex_);
    queue_.push_back(job);
    jobs_[job->id()] = job;
    ++resumed;
  }
  if (resumed) spdlog::info("transcription: resumed {} unfinished job(s) from '{}'", resumed, *store_.storage());
}

TranscriptionService::Submitted TranscriptionService::submit(JobSpec spec, std::string audio) {
  auto has_room = [this] { return queue_.size() + running_ < settings_.workers + settings_.queue_limit; };
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return {nullptr, {NEXUS_UNAVAILABLE, "the server is stopping; retry the request"}, false};
    if (!has_room()) return {nullptr, {}, true};
  }
  const bool upload = !spec.source;
  const bool keep_upload = upload && spec.async && store_.persistent();
  spec.upload_bytes = upload ? audio.size() : 0;
  auto job = std::make_shared<Job>(new_job_id(), std::move(spec), keep_upload ? std::string() : std::move(audio));
  if (keep_upload) {
    // Saved before the job is accepted, so an accepted job never loses its audio.
    const CallOutcome saved = store_.save_audio(job->id(), audio, job->spec().media_type);
    if (!saved.ok())
      return {nullptr,
              {saved.status, "could not keep the uploaded audio in '" + *store_.storage() + "': " + saved.message},
              false};
  }
  persist(*job);
  {
    std::lock_guard lock(mutex_);
    if (!has_room() || stopping_) {
      if (keep_upload) store_.remove_audio(job->id());
      return {nullptr, {NEXUS_UNAVAILABLE, "the server is stopping; retry the request"}, !stopping_};
    }
    queue_.push_back(job);
    jobs_[job->id()] = job;
  }
  queued_.notify_one();
  return {job, {}, false};
}

std::shared_ptr<Job> TranscriptionService::find(const std::string& id) const {
  if (!is_job_id(id)) return nullptr;
  {
    std::lock_guard lock(mutex_);
    if (auto it = jobs_.find(id); it != jobs_.end()) return it->second;
  }
  auto record = store_.load_record(id);
  if (!record) return nullptr;
  std::string why;
  auto job = Job::from_record(*record, why);
  if (!job) spdlog::warn("transcription: job record {} is unreadable: {}", id, why);
  return job;
}

bool TranscriptionService::cancel(const std::shared_ptr<Job>& job) {
  {
    std::lock_guard lock(mutex_);
    const auto it = std::find(queue_.begin(), queue_.end(), job);
    if (it != queue_.end()) {
      queue_.erase(it);
    } else {
      if (is_final(job->status().state) || !jobs_.count(job->id())) return false;
      job->request_cancel();  // running: the provider sees it through its call context
      return true;
    }
  }
  finish(job, JobState::cancelled, NEXUS_CANCELLED, "cancelled by the client before it started");
  return true;
}

void TranscriptionService::work() {
  while (true) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mutex_);
      queued_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;  // queued async jobs stay recorded as queued and resume at next start
      job = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    try {
      run(job);
    } catch (const std::exception& e) {
      // e.g. an instance the job names was removed by a reload.
      finish(job, JobState::failed, NEXUS_INTERNAL, std::string("the job failed: ") + e.what());
    }
    std::lock_guard lock(mutex_);
    --running_;
  }
}

void TranscriptionService::run(const std::shared_ptr<Job>& job) {
  const JobSpec& spec = job->spec();
  job->update([](JobStatus& s) {
    s.state = JobState::running;
    s.started_ms = now_unix_ms();
  });
  persist(*job);

  CallOptions call;
  call.request_id = spec.request_id.empty() ? new_request_id() : spec.request_id;
  call.principal_json = spec.principal_json;
  call.deadline_unix_ms = now_unix_ms() + settings_.timeout_ms;
  call.cancelled = [job] { return job->cancel_requested(); };
  call.on_progress = [job](double done, double total, const std::string& message) {
    job->update([&](JobStatus& s) {
      s.progress_done = done;
      s.progress_total = total;
      s.progress_message = message;
    });
  };

  std::string audio;
  std::string media_type = spec.media_type;
  if (spec.source) {
    std::string content_type;
    const CallOutcome read = read_object(runtime_, call, spec.source->storage, spec.source->key,
                                         settings_.max_audio_bytes, &audio, &content_type);
    if (!read.ok())
      return finish(job, JobState::failed, read.status, "reading the audio " + where(*spec.source) + ": " + read.message);
    if (media_type.empty()) media_type = audio_media_type(content_type, spec.source->key);
  } else {
    audio = job->take_audio();
    if (audio.empty() && spec.upload_bytes > 0) {
      const CallOutcome read = store_.load_audio(job->id(), settings_.max_audio_bytes, &audio);
      if (!read.ok())
        return finish(job, JobState::failed, read.status, "the uploaded audio was not kept: " + read.message);
    }
  }

  std::string transcript_text;
  const CallOutcome out =
      runtime_.transcription(spec.provider).transcribe(call, bytes_of(audio), media_type, spec.options.dump(), &transcript_text);
  audio = {};
  if (!out.ok()) {
    bool stopping;
    {
      std::lock_guard lock(mutex_);
      stopping = stopping_;
    }
    if (stopping && out.status == NEXUS_CANCELLED && spec.async && store_.persistent()) {
      // Interrupted by shutdown, not by the client: run it again next start.
      job->update([](JobStatus& s) { s.state = JobState::queued; });
      persist(*job);
      return;
    }
    const std::string message = out.message.empty() ? "the provider failed without a message" : out.message;
    return finish(job, out.status == NEXUS_CANCELLED ? JobState::cancelled : JobState::failed, out.status,
                  "provider '" + spec.provider + "': " + message);
  }
  json transcript = json::parse(transcript_text, nullptr, false);
  if (!transcript.is_object())
    return finish(job, JobState::failed, NEXUS_INTERNAL, "provider '" + spec.provider + "' returned a transcript that is not a JSON object");
  job->update([&](JobStatus& s) { s.result = transcript; });

  if (spec.output) {
    const std::string body = transcript.dump(2);
    const std::string metadata = json{{"transcription-job", job->id()}, {"provider", spec.provider}}.dump();
    const CallOutcome put = runtime_.storage(spec.output->storage)
                                .put(call, PutRequest{.key = spec.output->key,
                                                      .body = bytes_of(body),
                                                      .content_type = "application/json",
                                                      .metadata_json = metadata,
                                                      .if_absent = false,
                                                      .if_match = {}});
    if (!put.ok())
      return finish(job, JobState::failed, put.status,
                    "transcribed, but writing the transcript to " + where(*spec.output) + " failed: " + put.message +
                        "; the transcript is in this job's result");
    job->update([](JobStatus& s) { s.output_written = true; });
  }
  finish(job, JobState::succeeded, NEXUS_OK, {});
}

void TranscriptionService::finish(const std::shared_ptr<Job>& job, JobState state, nexus_status status,
                                  std::string message) {
  JobStatus final_status = job->status();
  final_status.state = state;
  final_status.finished_ms = now_unix_ms();
  final_status.error_status = status;
  final_status.error_message = std::move(message);
  // Recorded first (a crash after this point never reruns the job), then
  // the kept upload removed, and only then visible as finished: a client
  // that sees the end sees everything tidied.
  const CallOutcome saved = store_.save_record(job->id(), job->record(final_status));
  if (!saved.ok())
    spdlog::error("transcription: could not record the end of job {} in '{}': {}", job->id(),
                  store_.storage().value_or(""), saved.message);
  if (!job->spec().source && job->spec().upload_bytes > 0 && job->spec().async) store_.remove_audio(job->id());
  job->update([&](JobStatus& s) { s = std::move(final_status); });
  remember_finished(job->id());
}

void TranscriptionService::persist(const Job& job) const {
  const CallOutcome r = store_.save_record(job.id(), job.record());
  if (!r.ok())
    spdlog::error("transcription: could not record job {} in '{}': {}", job.id(), store_.storage().value_or(""),
                  r.message);
}

void TranscriptionService::remember_finished(const std::string& id) {
  std::lock_guard lock(mutex_);
  if (!jobs_.count(id)) return;
  finished_order_.push_back(id);
  while (finished_order_.size() > settings_.keep_finished) {
    jobs_.erase(finished_order_.front());
    finished_order_.pop_front();
  }
}

}  // namespace nexus::host::jobs
