// pocketsphinx_transcription — the "nexus.transcription/1" instance:
// offline speech to text with CMU PocketSphinx, open vocabulary (n-gram
// language model), JSGF grammars or keyword spotting.
//
// When the models load: an open-vocabulary instance (the default config)
// only checks its model files at create and loads them on its first call
// (decoder_pool.hpp), so nexusd is ready in milliseconds and stays small
// while nobody transcribes; the first call pays the load (about half a
// second for Debian's en-us model) and reports it as progress. A grammar or
// keyword instance loads at create: its grammar or keywords can only be
// checked against the dictionary and acoustic model, and a bad one must
// fail the instance's creation, not its first call.
#pragma once

#include <nexus/sdk/transcription.hpp>

#include "decoder_pool.hpp"

namespace nexus::plugins::pocketsphinx {

class PocketsphinxTranscription : public sdk::Transcription {
 public:
  explicit PocketsphinxTranscription(const sdk::InstanceArgs& args);

  nlohmann::json transcribe(sdk::CallContext& ctx, std::span<const std::uint8_t> audio, std::string_view media_type,
                            const nlohmann::json& options) override;
  // Unhealthy while the latest model load failed (a later call retries).
  void health() override;

 private:
  DecoderPool pool_;
};

}  // namespace nexus::plugins::pocketsphinx
