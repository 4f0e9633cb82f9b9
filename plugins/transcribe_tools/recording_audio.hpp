// Whether a stored recording can go to a transcription provider, and as
// which media type. Decided before the (possibly slow, possibly paid)
// provider call, so an agent that picked the wrong object hears why at once:
// a text file, an empty object, or a ".wav" that is not a WAV file.
// Other audio formats (mp3, flac, ...) are passed on; the provider says
// whether it takes them.
#pragma once

#include <string>
#include <string_view>

namespace nexus::plugins::transcribe_tools {

struct RecordingAudio {
  std::string media_type;  // what the provider is told, e.g. "audio/wav"
  std::string problem;     // empty when the bytes can be sent; else why not, in plain words
};

// `asked_media_type` is the tool call's media_type argument (empty: none);
// `content_type` and `key` are the stored object's.
RecordingAudio recording_audio(std::string_view bytes, std::string_view content_type, std::string_view key,
                               std::string_view asked_media_type);

}  // namespace nexus::plugins::transcribe_tools
