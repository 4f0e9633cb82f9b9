// jobs/job_store.cpp — see job_store.hpp.
#include "jobs/job_store.hpp"

#include <spdlog/spdlog.h>

#include "nexus/host/runtime.hpp"

namespace nexus::host::jobs {

using nlohmann::json;

namespace {

// Calls the host makes on its own behalf (no principal: the jobs storage is
// the host's, not the caller's).
CallOptions host_call() {
  CallOptions o;
  o.request_id = new_request_id();
  return o;
}

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

constexpr std::size_t kMaxRecordBytes = 64u << 20;  // a transcript of many hours fits

}  // namespace

CallOutcome read_object(const Runtime& runtime, const CallOptions& options, const std::string& storage,
                        std::string_view key, std::size_t max_bytes, std::string* out, std::string* content_type) {
  out->clear();
  bool too_big = false;
  CallOutcome r = runtime.storage(storage).get(
      options, key, std::nullopt,
      [&](const std::string& info_json) {
        if (!content_type) return;
        const json info = json::parse(info_json, nullptr, false);
        if (info.is_object()) *content_type = info.value("content_type", "");
      },
      [&](const void* data, std::size_t size) {
        if (out->size() + size > max_bytes) {
          too_big = true;
          return false;
        }
        out->append(static_cast<const char*>(data), size);
        return true;
      });
  if (too_big) {
    out->clear();
    return {NEXUS_RESOURCE_EXHAUSTED, "object '" + std::string(key) + "' in '" + storage + "' is larger than " +
                                          std::to_string(max_bytes) + " bytes (transcription.max_audio_bytes)"};
  }
  return r;
}

JobStore::JobStore(const Runtime& runtime, std::optional<std::string> storage, std::string prefix)
    : runtime_(runtime), storage_(std::move(storage)), prefix_(std::move(prefix)) {}

std::string JobStore::record_key(std::string_view id) const { return prefix_ + std::string(id) + ".json"; }
std::string JobStore::audio_key(std::string_view id) const { return prefix_ + std::string(id) + ".audio"; }

CallOutcome JobStore::save_record(std::string_view id, const json& record) const {
  if (!storage_) return {};
  const std::string text = record.dump();
  const std::string key = record_key(id);
  return runtime_.storage(*storage_).put(host_call(), PutRequest{.key = key,
                                                                 .body = bytes_of(text),
                                                                 .content_type = "application/json",
                                                                 .metadata_json = {},
                                                                 .if_absent = false,
                                                                 .if_match = {}});
}

std::optional<json> JobStore::load_record(std::string_view id) const {
  if (!storage_) return std::nullopt;
  std::string text;
  const CallOutcome r = read_object(runtime_, host_call(), *storage_, record_key(id), kMaxRecordBytes, &text);
  if (!r.ok()) {
    if (r.status != NEXUS_NOT_FOUND)
      spdlog::warn("transcription: reading job record {} from '{}' failed: {}", id, *storage_, r.message);
    return std::nullopt;
  }
  json record = json::parse(text, nullptr, false);
  if (!record.is_object()) {
    spdlog::warn("transcription: job record {} in '{}' is not JSON; ignored", id, *storage_);
    return std::nullopt;
  }
  return record;
}

CallOutcome JobStore::save_audio(std::string_view id, std::string_view audio, std::string_view media_type) const {
  if (!storage_) return {};
  const std::string key = audio_key(id);
  return runtime_.storage(*storage_).put(host_call(), PutRequest{.key = key,
                                                                 .body = bytes_of(audio),
                                                                 .content_type = media_type,
                                                                 .metadata_json = {},
                                                                 .if_absent = false,
                                                                 .if_match = {}});
}

CallOutcome JobStore::load_audio(std::string_view id, std::size_t max_bytes, std::string* audio) const {
  if (!storage_) return {NEXUS_NOT_FOUND, "no jobs storage configured"};
  return read_object(runtime_, host_call(), *storage_, audio_key(id), max_bytes, audio);
}

void JobStore::remove_audio(std::string_view id) const {
  if (!storage_) return;
  const CallOutcome r = runtime_.storage(*storage_).remove(host_call(), audio_key(id));
  if (!r.ok() && r.status != NEXUS_NOT_FOUND)
    spdlog::warn("transcription: could not delete the audio of job {} from '{}': {}", id, *storage_, r.message);
}

std::vector<json> JobStore::unfinished_records() const {
  std::vector<json> out;
  if (!storage_) return out;
  std::string cursor;
  do {
    std::string listing_text;
    const CallOutcome r = runtime_.storage(*storage_).list(host_call(), prefix_, cursor, 1000, &listing_text);
    if (!r.ok()) {
      spdlog::error("transcription: listing job records in '{}' failed: {}; unfinished jobs are not resumed",
                    *storage_, r.message);
      return out;
    }
    const json listing = json::parse(listing_text, nullptr, false);
    if (!listing.is_object()) return out;
    for (const auto& obj : listing.value("objects", json::array())) {
      const std::string key = obj.value("key", "");
      if (!key.ends_with(".json")) continue;
      const std::string id = key.substr(prefix_.size(), key.size() - prefix_.size() - 5);
      auto record = load_record(id);
      if (!record) continue;
      const std::string status = (*record)["document"].value("status", "");
      if (status == "queued" || status == "running") out.push_back(std::move(*record));
    }
    const auto next = listing.find("next_cursor");
    cursor = next != listing.end() && next->is_string() ? next->get<std::string>() : "";
  } while (!cursor.empty());
  return out;
}

}  // namespace nexus::host::jobs
