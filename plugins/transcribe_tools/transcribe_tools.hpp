// The "transcribe_tools" instance: MCP tools that transcribe a recording
// held in a configured storage instance with a configured transcription
// instance and save the transcript JSON — the REST transcription job of the
// host, as a tool an agent calls. Every dependency call runs as the tool's
// caller (the child contexts carry the caller's principal, deadline and
// cancellation), and the provider's progress is the tool's progress.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <nexus/sdk/instance.hpp>
#include <nexus/sdk/storage_client.hpp>
#include <nexus/sdk/tools.hpp>
#include <nexus/sdk/transcription_client.hpp>

#include "output_key.hpp"
#include "recording_audio.hpp"
#include "transcribe_settings.hpp"

namespace nexus::plugins::transcribe_tools {

// The MCP Tool definitions: `storages` and `providers` become the enums of
// the arguments that name them; the first provider is the default.
nlohmann::json tool_definitions(const std::vector<std::string>& storages, const std::vector<std::string>& providers);

class TranscribeTools : public sdk::Tools {
 public:
  explicit TranscribeTools(const sdk::InstanceArgs& args);

  nlohmann::json list_tools(sdk::CallContext& ctx) override;
  nlohmann::json call_tool(sdk::CallContext& ctx, std::string_view name, const nlohmann::json& arguments) override;

 private:
  // A recording read for the provider, or the isError result saying why not.
  struct Recording {
    nlohmann::json refusal;  // null when the recording can be sent
    std::string bytes;
    RecordingAudio audio;
    static Recording refused(nlohmann::json why) { return {std::move(why), {}, {}}; }
  };

  nlohmann::json transcribe(sdk::CallContext& ctx, const nlohmann::json& args);
  Recording read_recording(sdk::CallContext& ctx, const ObjectRef& recording, std::string_view asked_media_type) const;
  // An isError result when the default output already holds an object (null when free).
  nlohmann::json refuse_existing_default(sdk::CallContext& ctx, const ObjectRef& output) const;
  nlohmann::json describe_providers() const;

  const sdk::StorageClient& storage(const std::string& name) const;
  const sdk::TranscriptionClient& provider(const std::string& name) const;
  // Where this call's transcript goes: the call's output, else the rule.
  ObjectRef output_of(const nlohmann::json& args, const ObjectRef& recording) const;
  // An isError result for a storage call that failed on `what`.
  nlohmann::json storage_failure(std::string_view what, const ObjectRef& where, const sdk::StorageReply& r) const;
  nlohmann::json provider_failure(const std::string& provider, const ObjectRef& recording,
                                  const sdk::TranscriptionReply& r) const;

  TranscribeSettings settings_;
  std::map<std::string, sdk::StorageClient, std::less<>> storages_;
  std::map<std::string, sdk::TranscriptionClient, std::less<>> providers_;
  nlohmann::json tools_;
};

}  // namespace nexus::plugins::transcribe_tools
