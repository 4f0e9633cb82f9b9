// config/transcription_section.cpp — the "transcription" section: which
// provider answers by default, where jobs are kept, and how many run.
#include <algorithm>

#include "config/json_path.hpp"
#include "config/sections.hpp"

namespace nexus::host::config_detail {

using nlohmann::json;

namespace {

std::string existing_instance(const json& v, const Reader& r, const std::string& path,
                              const std::vector<InstanceConfig>& instances, std::string_view role) {
  std::string name = r.non_empty_string(v, path);
  const bool exists =
      std::any_of(instances.begin(), instances.end(), [&](const InstanceConfig& in) { return in.name == name; });
  if (!exists) r.fail(path, "no instance named '" + name + "'; declare the " + std::string(role) + " under /instances");
  return name;
}

}  // namespace

TranscriptionConfig read_transcription(const json& v, const Reader& r, const std::vector<InstanceConfig>& instances) {
  const std::string path = "/transcription";
  r.expect_keys(v, path,
                {"provider", "jobs_storage", "jobs_prefix", "workers", "queue_limit", "retry_after_seconds",
                 "timeout_ms", "max_audio_bytes", "keep_finished"});
  TranscriptionConfig t;
  if (v.contains("provider"))
    t.provider = existing_instance(v["provider"], r, child_path(path, "provider"), instances, "transcription provider");
  if (v.contains("jobs_storage"))
    t.jobs_storage =
        existing_instance(v["jobs_storage"], r, child_path(path, "jobs_storage"), instances, "storage instance");
  if (v.contains("jobs_prefix")) {
    const std::string p = child_path(path, "jobs_prefix");
    t.jobs_prefix = r.string(v["jobs_prefix"], p);
    if (!t.jobs_prefix.empty() && t.jobs_prefix.back() != '/')
      r.fail(p, "must end with '/' (a folder-like prefix such as \"transcription-jobs/\") or be empty");
    if (t.jobs_prefix.starts_with('/') || t.jobs_prefix.find("..") != std::string::npos)
      r.fail(p, "must be a relative prefix without '..' segments");
  }
  if (v.contains("workers")) t.workers = r.integer(v["workers"], child_path(path, "workers"), 1, 256);
  if (v.contains("queue_limit")) t.queue_limit = r.integer(v["queue_limit"], child_path(path, "queue_limit"), 0, 100000);
  if (v.contains("retry_after_seconds"))
    t.retry_after_seconds = r.integer(v["retry_after_seconds"], child_path(path, "retry_after_seconds"), 1, 3600);
  if (v.contains("timeout_ms")) t.timeout_ms = r.integer(v["timeout_ms"], child_path(path, "timeout_ms"), 1, 86400000);
  if (v.contains("max_audio_bytes"))
    t.max_audio_bytes = r.integer(v["max_audio_bytes"], child_path(path, "max_audio_bytes"), 1, SIZE_MAX);
  if (v.contains("keep_finished"))
    t.keep_finished = r.integer(v["keep_finished"], child_path(path, "keep_finished"), 0, 1000000);
  return t;
}

}  // namespace nexus::host::config_detail
