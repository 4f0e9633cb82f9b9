// language_codes — Whisper's verbose_json names the detected language in
// English words ("english"); transcription.h wants a code ("en").
#pragma once

#include <string>
#include <string_view>

namespace nexus::plugins::openai {

// The ISO-639-1 code (ISO-639-3 where Whisper has no two-letter one:
// "haw", "yue") for a Whisper language name, case-insensitive. A value
// that already looks like a code is returned lower-cased; an unknown name
// is returned as it came.
std::string language_code(std::string_view whisper_name);

}  // namespace nexus::plugins::openai
