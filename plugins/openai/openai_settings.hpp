// openai_settings — an instance's config block, parsed and checked once at
// create. The API key lives only in Settings::api_key afterwards: no
// message, log line or error ever shows it.
#pragma once

#include <nexus/sdk/config.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace nexus::plugins::openai {

// How the key travels: OpenAI and most compatible servers take
// "Authorization: Bearer KEY"; Azure OpenAI takes "api-key: KEY".
enum class AuthHeader { authorization, api_key };

struct Settings {
  std::string base_url = "https://api.openai.com";  // no trailing '/'
  std::string path = "/v1/audio/transcriptions";
  std::string query;  // without '?', e.g. "api-version=2024-06-01"; may be empty
  std::string api_key;
  AuthHeader auth_header = AuthHeader::authorization;
  // Defaults of the per-call options (transcription.h options_json).
  std::string model = "whisper-1";
  std::string response_format = "verbose_json";
  std::string language;               // empty: the provider detects it
  std::string prompt;                 // empty: none
  std::optional<double> temperature;  // unset: the provider's default
  long timeout_ms = 300000;           // one HTTP attempt; the call's deadline wins when sooner
  int max_retries = 2;
  std::uint64_t max_audio_bytes = 25ull << 20;  // OpenAI's upload limit

  // The full endpoint URL: base_url + path [+ '?' + query].
  std::string url() const { return base_url + path + (query.empty() ? "" : "?" + query); }
};

// Limits on strings that reach the provider, shared with per-call options.
inline constexpr std::size_t kMaxPromptBytes = 4096;
inline constexpr std::size_t kMaxModelBytes = 128;
inline constexpr std::size_t kMaxLanguageBytes = 16;
inline constexpr std::size_t kMaxApiKeyBytes = 1024;

// Reads and checks the block (the host has validated it against the
// schema; this repeats the checks for embedders and tests that create
// instances without a host). Error(INVALID_ARGUMENT) naming the key.
Settings read_settings(const sdk::Config& config);

// Checks shared by config defaults and per-call options; `where` names the
// value in messages ("config.language", "option 'language'").
void check_response_format(const std::string& format, const std::string& where);
void check_model(const std::string& model, const std::string& where);
void check_language(const std::string& language, const std::string& where);
void check_prompt(const std::string& prompt, const std::string& where);
void check_temperature(double temperature, const std::string& where);

}  // namespace nexus::plugins::openai
