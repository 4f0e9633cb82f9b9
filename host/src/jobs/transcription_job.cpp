// jobs/transcription_job.cpp — see transcription_job.hpp.
#include "jobs/transcription_job.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "logging.hpp"

namespace nexus::host::jobs {

using nlohmann::json;

namespace {

constexpr std::array<std::pair<JobState, std::string_view>, 5> kStates{{{JobState::queued, "queued"},
                                                                       {JobState::running, "running"},
                                                                       {JobState::succeeded, "succeeded"},
                                                                       {JobState::failed, "failed"},
                                                                       {JobState::cancelled, "cancelled"}}};

json iso_or_null(std::int64_t ms) {
  if (ms == 0) return nullptr;
  return utc_timestamp(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

json ref_json(const std::optional<ObjectRef>& r) {
  if (!r) return nullptr;
  return json{{"storage", r->storage}, {"key", r->key}};
}

std::optional<ObjectRef> ref_from(const json& j) {
  if (!j.is_object()) return std::nullopt;
  return ObjectRef{j.value("storage", ""), j.value("key", "")};
}

std::optional<nexus_status> status_from_name(std::string_view name) {
  for (int s = NEXUS_OK; s <= NEXUS_OUT_OF_RANGE; ++s) {
    if (name == nexus_status_name(static_cast<nexus_status>(s))) return static_cast<nexus_status>(s);
  }
  return std::nullopt;
}

}  // namespace

std::string_view state_name(JobState s) noexcept {
  for (const auto& [state, name] : kStates) {
    if (state == s) return name;
  }
  return "unknown";
}

std::optional<JobState> parse_state(std::string_view name) noexcept {
  for (const auto& [state, n] : kStates) {
    if (n == name) return state;
  }
  return std::nullopt;
}

std::int64_t now_unix_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string new_job_id() {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1)
    throw std::runtime_error("no random bytes for a job id (OpenSSL RAND_bytes failed)");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "tj_";
  for (unsigned char c : b) {
    id += kHex[c >> 4];
    id += kHex[c & 15];
  }
  return id;
}

bool is_job_id(std::string_view s) noexcept {
  if (s.size() != 35 || !s.starts_with("tj_")) return false;
  for (char c : s.substr(3)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Job::Job(std::string id, JobSpec spec, std::string audio)
    : id_(std::move(id)), spec_(std::move(spec)), audio_(std::move(audio)) {
  status_.created_ms = now_unix_ms();
}

std::string Job::take_audio() {
  std::lock_guard lock(mutex_);
  return std::exchange(audio_, {});
}

JobStatus Job::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void Job::update(const std::function<void(JobStatus&)>& change) {
  {
    std::lock_guard lock(mutex_);
    change(status_);
  }
  changed_.notify_all();
}

JobStatus Job::wait_final(const std::function<bool()>& give_up) const {
  std::unique_lock lock(mutex_);
  while (!is_final(status_.state)) {
    if (give_up && give_up()) break;
    changed_.wait_for(lock, std::chrono::milliseconds(200));
  }
  return status_;
}

void Job::request_cancel() noexcept {
  cancel_ = true;
  try {
    update([](JobStatus& s) { s.cancel_requested = true; });
  } catch (...) {
    // update() only fails on allocation; the flag above is what counts.
  }
}

json Job::document(const JobStatus& s) const {
  json doc{{"id", id_},
           {"status", state_name(s.state)},
           {"provider", spec_.provider},
           {"async", spec_.async},
           {"source", spec_.source ? ref_json(spec_.source) : json{{"upload_bytes", spec_.upload_bytes}}},
           {"output", ref_json(spec_.output)},
           {"created_at", iso_or_null(s.created_ms)},
           {"started_at", iso_or_null(s.started_ms)},
           {"finished_at", iso_or_null(s.finished_ms)}};
  if (!spec_.media_type.empty()) doc["media_type"] = spec_.media_type;
  if (s.progress_total > 0 || s.progress_done > 0) {
    json p{{"done", s.progress_done}, {"total", s.progress_total}};
    if (!s.progress_message.empty()) p["message"] = s.progress_message;
    doc["progress"] = std::move(p);
  }
  if (s.cancel_requested && !is_final(s.state)) doc["cancel_requested"] = true;
  if (spec_.output) doc["output_written"] = s.output_written;
  if (s.state == JobState::succeeded || !s.result.is_null()) doc["result"] = s.result;
  if (s.error_status != NEXUS_OK)
    doc["error"] = json{{"code", nexus_status_name(s.error_status)}, {"message", s.error_message}};
  return doc;
}

json Job::record(const JobStatus& s) const {
  return json{{"document", document(s)},
              {"spec",
               {{"provider", spec_.provider},
                {"source", ref_json(spec_.source)},
                {"media_type", spec_.media_type},
                {"output", ref_json(spec_.output)},
                {"options", spec_.options},
                {"principal_json", spec_.principal_json},
                {"subject", spec_.subject},
                {"request_id", spec_.request_id},
                {"async", spec_.async},
                {"upload_bytes", spec_.upload_bytes}}},
              {"times", {{"created_ms", s.created_ms}, {"started_ms", s.started_ms}, {"finished_ms", s.finished_ms}}}};
}

std::shared_ptr<Job> Job::from_record(const json& record, std::string& why) {
  try {
    const json& doc = record.at("document");
    const json& sp = record.at("spec");
    const json& times = record.at("times");
    const std::string id = doc.at("id").get<std::string>();
    if (!is_job_id(id)) {
      why = "job id '" + id.substr(0, 64) + "' is malformed";
      return nullptr;
    }
    JobSpec spec;
    spec.provider = sp.at("provider").get<std::string>();
    spec.source = ref_from(sp.at("source"));
    spec.media_type = sp.value("media_type", "");
    spec.output = ref_from(sp.at("output"));
    spec.options = sp.value("options", json::object());
    spec.principal_json = sp.value("principal_json", "");
    spec.subject = sp.value("subject", "");
    spec.request_id = sp.value("request_id", "");
    spec.async = sp.value("async", false);
    spec.upload_bytes = sp.value("upload_bytes", std::uint64_t{0});
    const auto state = parse_state(doc.at("status").get<std::string>());
    if (!state) {
      why = "unknown job status '" + doc.at("status").get<std::string>() + "'";
      return nullptr;
    }
    auto job = std::make_shared<Job>(id, std::move(spec));
    job->update([&](JobStatus& s) {
      s.state = *state;
      s.created_ms = times.value("created_ms", std::int64_t{0});
      s.started_ms = times.value("started_ms", std::int64_t{0});
      s.finished_ms = times.value("finished_ms", std::int64_t{0});
      s.output_written = doc.value("output_written", false);
      if (doc.contains("result")) s.result = doc["result"];
      if (doc.contains("progress")) {
        s.progress_done = doc["progress"].value("done", 0.0);
        s.progress_total = doc["progress"].value("total", 0.0);
      }
      if (doc.contains("error")) {
        s.error_status = status_from_name(doc["error"].value("code", "")).value_or(NEXUS_INTERNAL);
        s.error_message = doc["error"].value("message", "");
      }
    });
    return job;
  } catch (const std::exception& e) {
    why = std::string("malformed job record: ") + e.what();
    return nullptr;
  }
}

}  // namespace nexus::host::jobs
