// jobs/media_type.cpp — see media_type.hpp.
#include "jobs/media_type.hpp"

#include <array>
#include <cctype>
#include <utility>

namespace nexus::host::jobs {

std::string audio_media_type(std::string_view content_type, std::string_view key) {
  const std::string_view base = content_type.substr(0, content_type.find(';'));
  if (base.starts_with("audio/")) return std::string(base);
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kByExtension{{
      {".wav", "audio/wav"},
      {".mp3", "audio/mpeg"},
      {".flac", "audio/flac"},
      {".ogg", "audio/ogg"},
      {".m4a", "audio/mp4"},
      {".webm", "audio/webm"},
      {".opus", "audio/ogg"},
  }};
  std::string lower(key.substr(key.size() > 8 ? key.size() - 8 : 0));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [ext, type] : kByExtension) {
    if (lower.ends_with(ext)) return std::string(type);
  }
  // Say what we know; the provider names the types it accepts.
  return base.empty() ? "application/octet-stream" : std::string(base);
}

}  // namespace nexus::host::jobs
