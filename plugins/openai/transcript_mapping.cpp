#include "transcript_mapping.hpp"

#include <nexus/sdk/error.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "language_codes.hpp"

namespace nexus::plugins::openai {
namespace {

std::string trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

sdk::Error not_a_transcript(std::string_view format, const std::string& why) {
  return sdk::unavailable("the provider answered 2xx but not with a " + std::string(format) + " transcription (" + why +
                          "); is config.base_url an OpenAI-compatible server?");
}

double number_or(const nlohmann::json& j, const char* key, double fallback) {
  const auto it = j.find(key);
  return (it != j.end() && it->is_number()) ? it->get<double>() : fallback;
}

std::string string_or_empty(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return (it != j.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

// The segment that holds `w`'s midpoint, else the nearest one by time.
sdk::TranscriptSegment& segment_for(std::vector<sdk::TranscriptSegment>& segments, const sdk::TranscriptWord& w) {
  const double mid = (w.start + w.end) / 2;
  sdk::TranscriptSegment* best = &segments.front();
  double best_distance = std::numeric_limits<double>::infinity();
  for (auto& s : segments) {
    const double distance = mid < s.start ? s.start - mid : (mid > s.end ? mid - s.end : 0);
    if (distance < best_distance) {
      best = &s;
      best_distance = distance;
    }
    if (distance == 0) break;
  }
  return *best;
}

sdk::Transcript from_verbose_json(const nlohmann::json& j) {
  sdk::Transcript t;
  t.text = trim(string_or_empty(j, "text"));
  if (const std::string language = string_or_empty(j, "language"); !language.empty())
    t.language = language_code(language);
  if (j.contains("duration") && j["duration"].is_number()) t.duration_s = j["duration"].get<double>();
  if (j.contains("segments") && j["segments"].is_array()) {
    for (const auto& s : j["segments"]) {
      if (!s.is_object()) continue;
      sdk::TranscriptSegment seg;
      seg.start = number_or(s, "start", 0);
      seg.end = number_or(s, "end", seg.start);
      seg.text = trim(string_or_empty(s, "text"));
      if (s.contains("avg_logprob") && s["avg_logprob"].is_number())
        seg.confidence = std::clamp(std::exp(s["avg_logprob"].get<double>()), 0.0, 1.0);
      t.segments.push_back(std::move(seg));
    }
  }
  if (j.contains("words") && j["words"].is_array()) {
    std::vector<sdk::TranscriptWord> words;
    for (const auto& w : j["words"]) {
      if (!w.is_object()) continue;
      sdk::TranscriptWord word;
      word.word = trim(string_or_empty(w, "word"));
      word.start = number_or(w, "start", 0);
      word.end = number_or(w, "end", word.start);
      if (!word.word.empty()) words.push_back(std::move(word));
    }
    if (!words.empty() && t.segments.empty()) {
      // Only word timings came back: one segment that spans them.
      sdk::TranscriptSegment all;
      all.start = words.front().start;
      all.end = words.back().end;
      all.text = t.text;
      t.segments.push_back(std::move(all));
    }
    for (auto& w : words) segment_for(t.segments, w).words.push_back(std::move(w));
  }
  return t;
}

}  // namespace

sdk::Transcript parse_transcript(std::string_view body, std::string_view response_format) {
  sdk::Transcript t;
  if (response_format == "text") {
    t.text = trim(body);
    return t;
  }
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) throw not_a_transcript(response_format, "the body is not a JSON object");
  if (!j.contains("text") || !j["text"].is_string()) throw not_a_transcript(response_format, "no \"text\" string");
  if (response_format == "verbose_json") return from_verbose_json(j);
  t.text = trim(j["text"].get<std::string>());
  return t;
}

}  // namespace nexus::plugins::openai
