// nexus/sdk/transcription.hpp — write a "nexus.transcription/1" provider by
// deriving from nexus::sdk::Transcription and overriding transcribe().
#pragma once

#include <nexus/transcription.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nexus/sdk/context.hpp"
#include "nexus/sdk/error.hpp"
#include "nexus/sdk/instance.hpp"
#include "nexus/sdk/io.hpp"

namespace nexus::sdk {

// The transcript JSON of transcription.h, built field by field.
struct TranscriptWord {
  std::string word;
  double start = 0, end = 0;
  std::optional<double> confidence;
};
struct TranscriptSegment {
  double start = 0, end = 0;
  std::string text;
  std::optional<double> confidence;
  std::vector<TranscriptWord> words;
};
struct Transcript {
  std::string text;
  std::string language;                // empty: unknown
  std::optional<double> duration_s;    // audio duration
  std::optional<double> processing_s;  // time spent
  std::vector<TranscriptSegment> segments;
  nlohmann::json provider = nlohmann::json::object();

  nlohmann::json to_json() const {
    nlohmann::json j{{"text", text}, {"segments", nlohmann::json::array()}};
    if (!language.empty()) j["language"] = language;
    if (duration_s) j["duration_s"] = *duration_s;
    if (processing_s) j["processing_s"] = *processing_s;
    for (const auto& s : segments) {
      nlohmann::json js{{"start", s.start}, {"end", s.end}, {"text", s.text}, {"words", nlohmann::json::array()}};
      if (s.confidence) js["confidence"] = *s.confidence;
      for (const auto& w : s.words) {
        nlohmann::json jw{{"word", w.word}, {"start", w.start}, {"end", w.end}};
        if (w.confidence) jw["confidence"] = *w.confidence;
        js["words"].push_back(std::move(jw));
      }
      j["segments"].push_back(std::move(js));
    }
    if (!provider.empty()) j["provider"] = provider;
    return j;
  }
};

class Transcription : public virtual Instance {
 public:
  // Return the transcript JSON described in transcription.h ("text" required).
  virtual nlohmann::json transcribe(CallContext& ctx, std::span<const std::uint8_t> audio, std::string_view media_type,
                                    const nlohmann::json& options) = 0;
};

namespace detail {

template <typename P>
struct TranscriptionAdapter {
  static nexus_status on_transcribe(void* inst, const nexus_call_context* c, nexus_bytes audio, nexus_str media_type,
                                    nexus_str options_json, const nexus_writer* out) noexcept {
    CallContext ctx(c);
    return guard([&] {
      nlohmann::json options = nlohmann::json::object();
      if (options_json.size) {
        options = nlohmann::json::parse(view(options_json), nullptr, false);
        if (!options.is_object()) throw invalid_argument("transcription options must be a JSON object");
      }
      const nlohmann::json t = static_cast<Transcription&>(*static_cast<P*>(inst)).transcribe(ctx, view(audio), view(media_type), options);
      if (!t.is_object() || !t.contains("text") || !t["text"].is_string())
        throw internal("transcription provider returned a transcript without a \"text\" string");
      Writer(out).write(t.dump());
    }, [&](std::string_view m) { ctx.set_error(m); });
  }
  static constexpr nexus_transcription_v1 table{sizeof(nexus_transcription_v1), &on_transcribe};
};

}  // namespace detail
}  // namespace nexus::sdk
