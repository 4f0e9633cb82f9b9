// transcript_mapping — OpenAI's answer in each response_format as the
// transcript of transcription.h:
//   json          {"text"}                         → text
//   text          the plain text                   → text
//   verbose_json  text, language ("english"), duration, segments
//                 (start, end, text, avg_logprob), words (word, start, end)
//                 → text, language ("en"), duration_s, segments with their
//                   words; a segment's confidence is exp(avg_logprob), the
//                   geometric mean of its tokens' probabilities, in [0, 1].
// Words are placed in the segment whose time span holds their midpoint
// (the nearest segment when none does). OpenAI gives no word confidence.
#pragma once

#include <nexus/sdk/transcription.hpp>

#include <string_view>

namespace nexus::plugins::openai {

// Error(UNAVAILABLE) when a 2xx body is not a transcription in that format
// (the server is not OpenAI-compatible, or answered another format).
sdk::Transcript parse_transcript(std::string_view body, std::string_view response_format);

}  // namespace nexus::plugins::openai
