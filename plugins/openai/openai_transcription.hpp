// OpenAiTranscription — a "nexus.transcription/1" provider that sends the
// audio to an OpenAI-compatible POST /v1/audio/transcriptions (OpenAI,
// Azure OpenAI, self-hosted Whisper servers) and maps the answer to the
// transcript of transcription.h. Calls may run in parallel: the settings
// are read-only after create and each call has its own curl handle.
#pragma once

#include <nexus/sdk/transcription.hpp>

#include <string>

#include "http_client.hpp"
#include "openai_errors.hpp"
#include "openai_settings.hpp"
#include "retry_policy.hpp"

namespace nexus::plugins::openai {

class OpenAiTranscription : public sdk::Transcription {
 public:
  explicit OpenAiTranscription(const sdk::InstanceArgs& args);

  nlohmann::json transcribe(sdk::CallContext& ctx, std::span<const std::uint8_t> audio, std::string_view media_type,
                            const nlohmann::json& options) override;

  // No request is made: a probe would cost money on a metered API and
  // prove little (keys and quotas change between probe and call). Errors
  // surface on the first call, with the provider's own words.
  void health() override {}

 private:
  // Sends `request`, retrying as retry_policy.hpp says within the call's
  // deadline; returns the 2xx answer or throws Error. `scope.attempts`
  // counts the attempts made.
  http::Response send_with_retries(sdk::CallContext& ctx, http::MultipartPost& request, ErrorScope& scope);

  Settings settings_;
  sdk::Host host_;
  std::string name_;
  http::HandlePool pool_;
  Backoff backoff_;
};

}  // namespace nexus::plugins::openai
