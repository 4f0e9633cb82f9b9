#include "openai_settings.hpp"

#include <nexus/sdk/error.hpp>

#include <cmath>
#include <set>

namespace nexus::plugins::openai {
namespace {

bool printable_ascii(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

// base_url: scheme://authority[/prefix], no query, fragment or user info.
std::string check_base_url(std::string url, const std::string& where) {
  const auto bad = [&](const std::string& why) {
    return sdk::invalid_argument(where + " '" + url + "' is not usable (" + why +
                                 "); write it like https://api.openai.com or http://127.0.0.1:8000");
  };
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) throw bad("the scheme must be http or https");
  if (!printable_ascii(url) || url.find(' ') != std::string::npos) throw bad("spaces or control characters");
  if (url.find_first_of("?#") != std::string::npos) throw bad("put a query in config.query, not in the URL");
  const std::string rest = url.substr(url.find("://") + 3);
  const std::string authority = rest.substr(0, rest.find('/'));
  if (authority.empty()) throw bad("no host");
  if (authority.find('@') != std::string::npos) throw bad("credentials do not belong in the URL; use config.api_key");
  while (!url.empty() && url.back() == '/') url.pop_back();
  // The OpenAI SDKs take base URLs ending in /v1; ours adds /v1 itself
  // through `path`, so "/v1/v1/..." would 404 with a confusing message.
  if (url.size() >= 3 && url.compare(url.size() - 3, 3, "/v1") == 0)
    throw bad("it ends in /v1, which config.path already adds; drop the /v1 or set config.path");
  return url;
}

}  // namespace

void check_response_format(const std::string& format, const std::string& where) {
  if (format != "json" && format != "verbose_json" && format != "text")
    throw sdk::invalid_argument(where + " '" + format +
                                "' is not supported; use \"json\", \"verbose_json\" or \"text\"");
}

void check_model(const std::string& model, const std::string& where) {
  if (model.empty() || model.size() > kMaxModelBytes || !printable_ascii(model))
    throw sdk::invalid_argument(where + " must be 1.." + std::to_string(kMaxModelBytes) +
                                " printable ASCII characters, e.g. \"whisper-1\" or \"gpt-4o-transcribe\"");
}

void check_language(const std::string& language, const std::string& where) {
  bool ok = language.size() >= 2 && language.size() <= kMaxLanguageBytes;
  for (char c : language) ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-');
  if (!ok)
    throw sdk::invalid_argument(where + " '" + language.substr(0, kMaxLanguageBytes) +
                                "' is not an ISO-639-1 language code such as \"en\" or \"de\"");
}

void check_prompt(const std::string& prompt, const std::string& where) {
  if (prompt.size() > kMaxPromptBytes)
    throw sdk::invalid_argument(where + " is " + std::to_string(prompt.size()) + " bytes; at most " +
                                std::to_string(kMaxPromptBytes) +
                                " are accepted (OpenAI reads only the last 224 tokens of it)");
}

void check_temperature(double temperature, const std::string& where) {
  if (!std::isfinite(temperature) || temperature < 0 || temperature > 1)
    throw sdk::invalid_argument(where + " must be a number from 0 to 1");
}

Settings read_settings(const sdk::Config& config) {
  static const std::set<std::string> kKnown{
      "base_url", "path",   "query",       "api_key",    "auth_header", "model",          "response_format",
      "language", "prompt", "temperature", "timeout_ms", "max_retries", "max_audio_bytes"};
  const std::string& p = config.path();
  for (const auto& [k, v] : config.json().items())
    if (!kKnown.count(k))
      throw sdk::invalid_argument(
          p + "." + k +
          " is not an openai setting; known: base_url, path, query, api_key, auth_header, model, "
          "response_format, language, prompt, temperature, timeout_ms, max_retries, max_audio_bytes");
  Settings s;
  s.base_url = check_base_url(config.get_or<std::string>("base_url", s.base_url), p + ".base_url");

  s.path = config.get_or<std::string>("path", s.path);
  if (s.path.empty() || s.path.front() != '/' || !printable_ascii(s.path) ||
      s.path.find_first_of(" ?#") != std::string::npos)
    throw sdk::invalid_argument(p + ".path '" + s.path +
                                "' must start with '/' and hold no spaces, '?' or '#', e.g. "
                                "/v1/audio/transcriptions or /openai/deployments/NAME/audio/transcriptions");
  s.query = config.get_or<std::string>("query", "");
  if (!s.query.empty() && s.query.front() == '?') s.query.erase(0, 1);
  if (!printable_ascii(s.query) || s.query.find_first_of(" #") != std::string::npos)
    throw sdk::invalid_argument(
        p + ".query must be URL-encoded name=value pairs joined by '&', e.g. api-version=2024-06-01");

  // The key: required, and never echoed. Operators write "${OPENAI_API_KEY}",
  // which the host fills from the environment (an unset variable is the
  // host's config error; one set to "" arrives here empty). The schema has
  // no minLength on purpose, so that this message, which says where the key
  // comes from, is the one an operator reads.
  const std::string key_help = "set " + p +
                               ".api_key, usually to \"${OPENAI_API_KEY}\" with OPENAI_API_KEY exported in nexusd's "
                               "environment (for a keyless local server, any placeholder such as \"none\")";
  if (!config.has("api_key")) throw sdk::invalid_argument(p + ".api_key is missing; " + key_help);
  s.api_key = config.get<std::string>("api_key");
  if (s.api_key.empty()) throw sdk::invalid_argument(p + ".api_key is empty; " + key_help);
  if (s.api_key.size() > kMaxApiKeyBytes || !printable_ascii(s.api_key) || s.api_key.find(' ') != std::string::npos)
    throw sdk::invalid_argument(p + ".api_key holds spaces, control characters or more than " +
                                std::to_string(kMaxApiKeyBytes) +
                                " bytes, which cannot travel in an HTTP header; check the value (not shown here)");

  const auto auth = config.get_or<std::string>("auth_header", "authorization");
  if (auth == "authorization")
    s.auth_header = AuthHeader::authorization;
  else if (auth == "api-key")
    s.auth_header = AuthHeader::api_key;
  else
    throw sdk::invalid_argument(p + ".auth_header '" + auth +
                                "' is unknown; use \"authorization\" (OpenAI: Bearer) or \"api-key\" (Azure OpenAI)");

  s.model = config.get_or<std::string>("model", s.model);
  check_model(s.model, p + ".model");
  s.response_format = config.get_or<std::string>("response_format", s.response_format);
  check_response_format(s.response_format, p + ".response_format");
  if (config.has("language")) {
    s.language = config.get<std::string>("language");
    check_language(s.language, p + ".language");
  }
  s.prompt = config.get_or<std::string>("prompt", "");
  check_prompt(s.prompt, p + ".prompt");
  if (config.has("temperature")) {
    s.temperature = config.get<double>("temperature");
    check_temperature(*s.temperature, p + ".temperature");
  }

  s.timeout_ms = config.get_or<long>("timeout_ms", s.timeout_ms);
  if (s.timeout_ms < 100 || s.timeout_ms > 3600000)
    throw sdk::invalid_argument(p + ".timeout_ms must be 100..3600000 (one hour), got " + std::to_string(s.timeout_ms));
  s.max_retries = config.get_or<int>("max_retries", s.max_retries);
  if (s.max_retries < 0 || s.max_retries > 10)
    throw sdk::invalid_argument(p + ".max_retries must be 0..10, got " + std::to_string(s.max_retries));
  const auto max_audio = config.get_or<std::int64_t>("max_audio_bytes", static_cast<std::int64_t>(s.max_audio_bytes));
  if (max_audio < 1 || max_audio > (1ll << 30))
    throw sdk::invalid_argument(p + ".max_audio_bytes must be 1..1073741824 (1 GiB), got " + std::to_string(max_audio));
  s.max_audio_bytes = static_cast<std::uint64_t>(max_audio);
  return s;
}

}  // namespace nexus::plugins::openai
