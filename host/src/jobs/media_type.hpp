// jobs/media_type.hpp — the media type of stored audio: the object's
// content type when it names audio, else a guess from the key's extension.
#pragma once

#include <string>
#include <string_view>

namespace nexus::host::jobs {

std::string audio_media_type(std::string_view content_type, std::string_view key);

}  // namespace nexus::host::jobs
