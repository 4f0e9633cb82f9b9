#include "call_params.hpp"

#include <nexus/sdk/error.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>

namespace nexus::plugins::openai {
namespace {

std::string string_option(const nlohmann::json& options, const char* name) {
  const auto& v = options.at(name);
  if (!v.is_string())
    throw sdk::invalid_argument(std::string("option '") + name + "' must be a string, got " + v.type_name());
  return v.get<std::string>();
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Shortest decimal that reads back as the same double ("0.2", not
// "0.20000000000000001").
std::string format_number(double v) {
  char buf[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

}  // namespace

CallParams call_params(const Settings& settings, const nlohmann::json& options) {
  CallParams p{settings.model, settings.response_format, settings.language, settings.prompt, settings.temperature};
  if (options.contains("model")) {
    p.model = string_option(options, "model");
    check_model(p.model, "option 'model'");
  }
  if (options.contains("response_format")) {
    p.response_format = string_option(options, "response_format");
    check_response_format(p.response_format, "option 'response_format'");
  }
  if (options.contains("language")) {
    p.language = string_option(options, "language");
    // "" lets the provider detect the language even if the instance has a default.
    if (!p.language.empty()) check_language(p.language, "option 'language'");
  }
  if (options.contains("prompt")) {
    p.prompt = string_option(options, "prompt");
    check_prompt(p.prompt, "option 'prompt'");
  }
  if (options.contains("temperature")) {
    const auto& t = options.at("temperature");
    if (!t.is_number())
      throw sdk::invalid_argument(std::string("option 'temperature' must be a number, got ") + t.type_name());
    p.temperature = t.get<double>();
    check_temperature(*p.temperature, "option 'temperature'");
  }
  return p;
}

std::vector<std::pair<std::string, std::string>> form_fields(const CallParams& params) {
  std::vector<std::pair<std::string, std::string>> f{{"model", params.model},
                                                     {"response_format", params.response_format}};
  if (!params.language.empty()) f.emplace_back("language", params.language);
  if (!params.prompt.empty()) f.emplace_back("prompt", params.prompt);
  if (params.temperature) f.emplace_back("temperature", format_number(*params.temperature));
  if (params.response_format == "verbose_json") {
    // Without "word" OpenAI returns no word timings; without "segment"
    // (once any granularity is named) no segments.
    f.emplace_back("timestamp_granularities[]", "word");
    f.emplace_back("timestamp_granularities[]", "segment");
  }
  return f;
}

std::string upload_file_name(std::string_view media_type) {
  // The formats OpenAI accepts (flac, m4a, mp3, mp4, mpeg, mpga, oga, ogg,
  // wav, webm), by the media types callers send for them.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 19> kTypes{{
      {"audio/wav", "wav"},     {"audio/x-wav", "wav"}, {"audio/wave", "wav"},      {"audio/vnd.wave", "wav"},
      {"audio/mpeg", "mp3"},    {"audio/mp3", "mp3"},   {"audio/mpga", "mpga"},     {"audio/mp4", "m4a"},
      {"audio/m4a", "m4a"},     {"audio/x-m4a", "m4a"}, {"video/mp4", "mp4"},       {"audio/ogg", "ogg"},
      {"audio/opus", "ogg"},    {"audio/webm", "webm"}, {"video/webm", "webm"},     {"audio/flac", "flac"},
      {"audio/x-flac", "flac"}, {"video/mpeg", "mpeg"}, {"application/ogg", "ogg"},
  }};
  // "audio/wav; codecs=1" names the same container.
  std::string type = lower_ascii(media_type.substr(0, media_type.find(';')));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  for (const auto& [name, extension] : kTypes)
    if (type == name) return "audio." + std::string(extension);
  std::string accepted;
  for (const auto& [name, extension] : kTypes) accepted += (accepted.empty() ? "" : ", ") + std::string(name);
  throw sdk::invalid_argument("media type '" + std::string(media_type.substr(0, 100)) +
                              "' is not a format OpenAI transcribes; accepted: " + accepted);
}

}  // namespace nexus::plugins::openai
