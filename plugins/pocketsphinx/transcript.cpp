#include "transcript.hpp"

namespace nexus::plugins::pocketsphinx {

sdk::Transcript make_transcript(const std::vector<Utterance>& utterances, const DecoderAudio& audio,
                                const TranscriptFacts& facts) {
  sdk::Transcript t;
  t.language = facts.language;
  t.duration_s = audio.duration_seconds;
  t.processing_s = facts.processing_seconds;
  for (const auto& u : utterances) {
    sdk::TranscriptSegment seg;
    seg.start = u.words.front().start;
    seg.end = u.words.back().end;
    seg.confidence = u.confidence;
    for (const auto& w : u.words) {
      seg.text += (seg.text.empty() ? "" : " ") + w.text;
      seg.end = std::max(seg.end, w.end);
      seg.words.push_back(sdk::TranscriptWord{w.text, w.start, w.end, w.confidence});
    }
    t.text += (t.text.empty() ? "" : " ") + seg.text;
    t.segments.push_back(std::move(seg));
  }
  t.provider = {{"plugin", "pocketsphinx"},
                {"search", std::string(search_kind_name(facts.search))},
                {"input",
                 {{"sample_rate", audio.source.sample_rate},
                  {"channels", audio.source.channels},
                  {"bits_per_sample", audio.source.bits_per_sample}}},
                {"decoder_sample_rate", kDecoderSampleRate}};
  // Set only when true, so a complete recording's transcript is unchanged.
  if (audio.data_length == DataLength::truncated) t.provider["truncated_input"] = true;
  if (audio.data_length == DataLength::unknown) t.provider["length_unknown"] = true;
  return t;
}

}  // namespace nexus::plugins::pocketsphinx
