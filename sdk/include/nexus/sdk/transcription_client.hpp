// Calls a "nexus.transcription/1" dependency through its vtable, with a
// child context per call, and hands back what the provider said as plain
// values — the counterpart of storage_client.hpp for speech to text.
//
// Unlike a storage call, a transcription is usually the whole of the work a
// caller waits for, so its progress reaches the caller by default
// (ChildProgress::forwarded); pass ChildProgress::dropped when the
// transcription is only one step of something that reports its own progress.
#pragma once

#include <nexus/transcription.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include <nexus/sdk/error.hpp>
#include <nexus/sdk/host.hpp>
#include <nexus/sdk/io.hpp>

#include "nexus/sdk/child_context.hpp"

namespace nexus::sdk {

// What one transcription call returned: the status, the provider's message
// and the transcript JSON text.
struct TranscriptionReply {
  nexus_status status = NEXUS_INTERNAL;
  std::string error;
  std::string transcript;
  bool ok() const noexcept { return status == NEXUS_OK; }
  // The transcript JSON, or null when the provider wrote something that is
  // not a JSON object (a provider bug the caller should report as such).
  nlohmann::json transcript_json() const {
    nlohmann::json j = nlohmann::json::parse(transcript, nullptr, false);
    return j.is_object() ? j : nlohmann::json();
  }
};

class TranscriptionClient {
 public:
  TranscriptionClient(std::string instance, InterfaceRef<nexus_transcription_v1> ref)
      : instance_(std::move(instance)), ref_(ref) {
    if (ref_.vtable->struct_size < sizeof(nexus_transcription_v1))
      throw failed_precondition("transcription instance '" + instance_ +
                                "' has an older nexus.transcription/1 table than this plugin needs");
  }
  const std::string& instance() const noexcept { return instance_; }

  // Transcribes `audio` of `media_type` ("audio/wav", ...). `options` is a
  // JSON object handed to the provider as is (see transcription.h); null or
  // empty sends none. Cancellation and the deadline are the caller's; a
  // cancelled or timed-out call throws Error, as StorageClient does, so it
  // ends the caller's call instead of becoming an answer it acts on.
  TranscriptionReply transcribe(const CallContext& ctx, std::span<const std::uint8_t> audio,
                                std::string_view media_type, const nlohmann::json& options = nullptr,
                                ChildProgress progress = ChildProgress::forwarded) const {
    ChildContext child(ctx, progress);
    StringSink transcript;
    const std::string options_json = options.is_object() && !options.empty() ? options.dump() : std::string();
    TranscriptionReply r;
    r.status = ref_.vtable->on_transcribe(ref_.instance, child.get(), nexus_bytes{audio.data(), audio.size()},
                                          to_nexus_str(media_type), to_nexus_str(options_json), transcript.writer());
    r.transcript = std::move(transcript.str());
    r.error = child.error();
    if (r.error.empty() && !r.ok()) r.error = nexus_status_name(r.status);
    if (r.status == NEXUS_CANCELLED || r.status == NEXUS_DEADLINE_EXCEEDED)
      throw Error(r.status, r.status == NEXUS_CANCELLED ? "the call was cancelled" : "the call's deadline passed");
    return r;
  }

 private:
  std::string instance_;
  InterfaceRef<nexus_transcription_v1> ref_;
};

}  // namespace nexus::sdk
