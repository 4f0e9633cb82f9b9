// call_params — what one transcription request sends: the instance's
// defaults overridden by the call's options (transcription.h), and the
// multipart form fields and upload file name that follow from them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "openai_settings.hpp"

namespace nexus::plugins::openai {

struct CallParams {
  std::string model;
  std::string response_format;  // json | verbose_json | text
  std::string language;         // empty: not sent
  std::string prompt;           // empty: not sent
  std::optional<double> temperature;
};

// Defaults from `settings`, overridden by options "model", "language",
// "prompt", "response_format", "temperature". Other options ("grammar",
// "keywords", ...) belong to other engines and are ignored, as
// transcription.h says. Error(INVALID_ARGUMENT) naming a bad option.
CallParams call_params(const Settings& settings, const nlohmann::json& options);

// Form fields other than the file, in the order they are sent. For
// verbose_json, timestamp_granularities[] = word and segment.
std::vector<std::pair<std::string, std::string>> form_fields(const CallParams& params);

// The file name to upload the audio under: OpenAI decides the container
// format from its extension. Error(INVALID_ARGUMENT) listing the accepted
// media types when `media_type` is not one of them.
std::string upload_file_name(std::string_view media_type);

}  // namespace nexus::plugins::openai
