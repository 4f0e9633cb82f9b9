// http/transcription_request.cpp — see transcription_request.hpp. Two ways
// in, one spec out:
//   Content-Type: audio/*  — the body is the audio; provider, async, output
//     and provider options come from the query string;
//   Content-Type: application/json — {"storage", "key", "provider",
//     "output": {"storage", "key"}, "options": {...}, "async": bool,
//     "media_type"}.
#include "http/transcription_request.hpp"

#include <nexus/storage.h>

#include <algorithm>
#include <cctype>

#include "http/errors.hpp"
#include "http/url.hpp"

namespace nexus::host::http {

using nlohmann::json;

namespace {

Reply bad(std::string message) { return error_reply(NEXUS_INVALID_ARGUMENT, message); }

std::string lower_media_type(std::string_view header) {
  std::string t(header.substr(0, header.find(';')));
  t.erase(std::remove_if(t.begin(), t.end(), [](unsigned char c) { return std::isspace(c); }), t.end());
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t;
}

std::optional<Reply> check_key(const std::string& key, const std::string& field) {
  if (const char* problem = nexus_storage_key_problem({key.data(), key.size()}))
    return bad("\"" + field + "\" '" + key.substr(0, 200) + "': " + problem);
  return std::nullopt;
}

std::optional<bool> parse_bool(const std::string& v) {
  if (v == "true" || v == "1" || v.empty()) return true;
  if (v == "false" || v == "0") return false;
  return std::nullopt;
}

// Provider options a query string may carry (the JSON form takes any).
const std::vector<std::string> kQueryOptions = {"language", "prompt", "response_format", "temperature", "model"};

std::variant<TranscriptionSubmission, Reply> from_upload(const RouteContext& ctx, const std::string& media_type) {
  if (ctx.request.body.empty())
    return bad("the body is empty: send the audio (e.g. a WAV file) as the body with Content-Type: audio/wav");
  std::string why;
  const auto params = parse_query(ctx.request.query, why);
  if (!params) return bad("query string: " + why);
  TranscriptionSubmission s;
  s.spec.media_type = media_type;
  std::optional<std::string> out_storage, out_key;
  for (const auto& [name, value] : *params) {
    if (name == "provider") {
      s.spec.provider = value;
    } else if (name == "async") {
      const auto b = parse_bool(value);
      if (!b) return bad("query parameter async='" + value + "': use true or false");
      s.spec.async = *b;
    } else if (name == "accept_truncated") {
      // A provider option (pocketsphinx): transcribe a recording cut short.
      const auto b = parse_bool(value);
      if (!b) return bad("query parameter accept_truncated='" + value + "': use true or false");
      s.spec.options[name] = *b;
    } else if (name == "output_storage") {
      out_storage = value;
    } else if (name == "output_key") {
      out_key = value;
    } else if (std::find(kQueryOptions.begin(), kQueryOptions.end(), name) != kQueryOptions.end()) {
      if (name == "temperature") {
        char* end = nullptr;
        const double t = std::strtod(value.c_str(), &end);
        if (value.empty() || *end) return bad("query parameter temperature='" + value + "' is not a number");
        s.spec.options[name] = t;
      } else {
        s.spec.options[name] = value;
      }
    } else {
      return bad("unknown query parameter '" + name +
                 "'; an audio upload takes provider, async, output_storage, output_key, language, prompt, "
                 "response_format, temperature, model and accept_truncated");
    }
  }
  if (out_storage.has_value() != out_key.has_value())
    return bad("give both output_storage and output_key (where the transcript is written), or neither");
  if (out_storage) {
    if (auto r = check_key(*out_key, "output_key")) return std::move(*r);
    s.spec.output = jobs::ObjectRef{*out_storage, *out_key};
  }
  s.audio.assign(ctx.request.body);
  return s;
}

std::optional<std::string> string_field(const json& obj, const char* name, std::string& error) {
  if (!obj.contains(name)) return std::nullopt;
  if (!obj[name].is_string() || obj[name].get<std::string>().empty()) {
    error = std::string("\"") + name + "\" must be a non-empty string";
    return std::nullopt;
  }
  return obj[name].get<std::string>();
}

std::variant<TranscriptionSubmission, Reply> from_json(const RouteContext& ctx) {
  static const char* kExample =
      R"( like {"storage": "recordings", "key": "recordings/T1/recording.wav", "output": {"storage": "transcripts", )"
      R"("key": "transcripts/T1/transcript.json"}, "async": true})";
  const json req = json::parse(ctx.request.body, nullptr, false);
  if (!req.is_object()) return bad(std::string("the body must be a JSON object") + kExample);
  static const std::vector<std::string> known = {"storage", "key", "provider", "output", "options", "async", "media_type"};
  for (const auto& [name, value] : req.items()) {
    if (std::find(known.begin(), known.end(), name) == known.end())
      return bad("unknown field \"" + name + "\"; known: storage, key, provider, output, options, async, media_type");
  }
  TranscriptionSubmission s;
  std::string error;
  const auto storage = string_field(req, "storage", error);
  const auto key = string_field(req, "key", error);
  if (!error.empty()) return bad(error);
  if (!storage || !key) return bad(std::string("\"storage\" and \"key\" name the recording to transcribe") + kExample);
  if (auto r = check_key(*key, "key")) return std::move(*r);
  s.spec.source = jobs::ObjectRef{*storage, *key};
  if (auto p = string_field(req, "provider", error)) s.spec.provider = *p;
  if (auto m = string_field(req, "media_type", error)) s.spec.media_type = lower_media_type(*m);
  if (!error.empty()) return bad(error);
  if (req.contains("async")) {
    if (!req["async"].is_boolean()) return bad("\"async\" must be true or false");
    s.spec.async = req["async"].get<bool>();
  }
  if (req.contains("options")) {
    if (!req["options"].is_object()) return bad("\"options\" must be an object of provider options, e.g. {\"language\": \"en\"}");
    s.spec.options = req["options"];
  }
  if (req.contains("output")) {
    const json& out = req["output"];
    if (!out.is_object()) return bad("\"output\" must be an object {\"storage\": \"...\", \"key\": \"...\"}");
    for (const auto& [name, value] : out.items()) {
      if (name != "storage" && name != "key") return bad("unknown field \"output." + name + "\"; known: storage, key");
    }
    const auto os = string_field(out, "storage", error);
    const auto ok = string_field(out, "key", error);
    if (!error.empty()) return bad("output: " + error);
    if (!os || !ok) return bad("\"output\" needs both \"storage\" and \"key\"");
    if (auto r = check_key(*ok, "output.key")) return std::move(*r);
    s.spec.output = jobs::ObjectRef{*os, *ok};
  }
  return s;
}

}  // namespace

std::variant<TranscriptionSubmission, Reply> parse_transcription_request(const RouteContext& ctx) {
  const auto header = ctx.request.header("content-type");
  const std::string type = header ? lower_media_type(*header) : "";
  if (type.starts_with("audio/") || type == "application/octet-stream") return from_upload(ctx, type);
  if (type == "application/json") return from_json(ctx);
  return error_reply(415, "unsupported_media_type",
                     "Content-Type '" + std::string(header.value_or("")) +
                         "' is not accepted: send the audio itself (Content-Type: audio/wav) or a JSON request naming "
                         "a stored recording (Content-Type: application/json)");
}

}  // namespace nexus::host::http
