// pocketsphinx_transcription — the "nexus.transcription/1" instance:
// offline speech to text with CMU PocketSphinx, open vocabulary (n-gram
// language model), JSGF grammars or keyword spotting.
#pragma once

#include <nexus/sdk/transcription.hpp>

#include "decoder_pool.hpp"

namespace nexus::plugins::pocketsphinx {

class PocketsphinxTranscription : public sdk::Transcription {
 public:
  explicit PocketsphinxTranscription(const sdk::InstanceArgs& args);

  nlohmann::json transcribe(sdk::CallContext& ctx, std::span<const std::uint8_t> audio, std::string_view media_type,
                            const nlohmann::json& options) override;

 private:
  DecoderPool pool_;
};

}  // namespace nexus::plugins::pocketsphinx
