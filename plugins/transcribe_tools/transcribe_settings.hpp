// The config of a "transcribe_tools" instance, read once at create and
// checked beyond what the JSON Schema can say (names unique, the default
// output storage one of the configured storages, key parts that form keys).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nexus/sdk/config.hpp>

namespace nexus::plugins::transcribe_tools {

// Where a transcript goes when a call names no output (output_key.hpp).
struct OutputRule {
  std::string storage;      // empty: the recording's own storage
  std::string from_prefix;  // a recording key starting with this ...
  std::string to_prefix;    // ... has it replaced by this
  std::string file_name =
      "{name}.transcript.json";  // replaces the recording's file name; "{name}" is that name without its extension
};

struct TranscribeSettings {
  std::vector<std::string> storages;   // storage instances recordings are read from and transcripts written to
  std::vector<std::string> providers;  // transcription instances; the first is the default
  std::uint64_t max_audio_bytes = 268435456;
  OutputRule default_output;
};

// Throws sdk::Error(INVALID_ARGUMENT) naming the config key and the fix.
TranscribeSettings read_settings(const sdk::Config& config);

}  // namespace nexus::plugins::transcribe_tools
