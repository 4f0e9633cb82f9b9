#include "recording_audio.hpp"

#include <array>
#include <cctype>
#include <utility>

namespace nexus::plugins::transcribe_tools {
namespace {

// The MIME type without parameters, lower-cased ("Audio/WAV; x=1" -> "audio/wav").
std::string essence(std::string_view type) {
  std::string_view e = type.substr(0, type.find(';'));
  while (!e.empty() && std::isspace(static_cast<unsigned char>(e.back()))) e.remove_suffix(1);
  while (!e.empty() && std::isspace(static_cast<unsigned char>(e.front()))) e.remove_prefix(1);
  std::string out(e);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A RIFF (or RF64, for recordings over 4 GiB) container of WAVE data.
bool has_wav_header(std::string_view bytes) {
  return bytes.size() >= 12 && (bytes.substr(0, 4) == "RIFF" || bytes.substr(0, 4) == "RF64") &&
         bytes.substr(8, 4) == "WAVE";
}

bool is_wav_type(std::string_view type) {
  return type == "audio/wav" || type == "audio/x-wav" || type == "audio/wave" || type == "audio/vnd.wave";
}

// The same extensions the host's REST jobs recognise.
std::string type_from_extension(std::string_view key) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kByExtension{{
      {".wav", "audio/wav"},
      {".mp3", "audio/mpeg"},
      {".flac", "audio/flac"},
      {".ogg", "audio/ogg"},
      {".m4a", "audio/mp4"},
      {".webm", "audio/webm"},
      {".opus", "audio/ogg"},
  }};
  std::string tail(key.substr(key.size() > 8 ? key.size() - 8 : 0));
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [ext, type] : kByExtension)
    if (tail.ends_with(ext)) return std::string(type);
  return {};
}

}  // namespace

RecordingAudio recording_audio(std::string_view bytes, std::string_view content_type, std::string_view key,
                               std::string_view asked_media_type) {
  const std::string stored = essence(content_type);
  RecordingAudio r;
  // What the caller says wins; then what the bytes are; then what the
  // object is labelled; then its name.
  if (!asked_media_type.empty())
    r.media_type = essence(asked_media_type);
  else if (has_wav_header(bytes))
    r.media_type = "audio/wav";
  else if (stored.starts_with("audio/"))
    r.media_type = stored;
  else if (std::string by_name = type_from_extension(key); !by_name.empty())
    r.media_type = std::move(by_name);
  else
    r.media_type = stored.empty() ? "application/octet-stream" : stored;

  if (bytes.empty()) {
    r.problem = "is empty (0 bytes), so there is nothing to transcribe; check the key, or upload the recording again";
  } else if (!r.media_type.starts_with("audio/")) {
    r.problem = "is not audio (its media type is '" + r.media_type +
                "'); transcribe_recording takes audio recordings such as WAV (audio/wav). If it is audio stored "
                "with the wrong content type, pass media_type, e.g. \"audio/wav\"";
  } else if (is_wav_type(r.media_type) && !has_wav_header(bytes)) {
    r.problem = "is labelled WAV (" + r.media_type +
                ") but is not a WAV file: it does not start with a RIFF/WAVE header. It may be damaged or in "
                "another format; if it is another audio format, pass that as media_type, e.g. \"audio/mpeg\"";
  }
  return r;
}

}  // namespace nexus::plugins::transcribe_tools
