// transcript — the decoder's utterances as the transcript JSON of
// transcription.h: one segment per utterance, its words with times and
// confidences, the text of all segments, and the engine facts.
#pragma once

#include <vector>

#include <nexus/sdk/transcription.hpp>

#include "audio_input.hpp"
#include "decoder.hpp"
#include "search_spec.hpp"

namespace nexus::plugins::pocketsphinx {

struct TranscriptFacts {
  SearchKind search = SearchKind::lm;
  std::string language;
  double processing_seconds = 0;
};

sdk::Transcript make_transcript(const std::vector<Utterance>& utterances, const DecoderAudio& audio,
                                const TranscriptFacts& facts);

}  // namespace nexus::plugins::pocketsphinx
