// Where a transcript is saved when the tool call names no output: the
// configured rule (default_output) applied to the recording's key.
//
//   recording  recordings/T1/recording.wav in "recordings"
//   rule       {"storage": "transcripts", "from_prefix": "recordings/",
//               "to_prefix": "transcripts/", "file_name": "transcript.json"}
//   transcript transcripts/T1/transcript.json in "transcripts"
//
// "{name}" in file_name is the recording's file name without its extension;
// the default file_name "{name}.transcript.json" puts the transcript next
// to the recording: recordings/T1/recording.wav ->
// recordings/T1/recording.transcript.json. A fixed file_name suits one
// recording per folder (the platform's recordings/<task>/recording.wav).
#pragma once

#include <string>

#include "transcribe_settings.hpp"

namespace nexus::plugins::transcribe_tools {

struct ObjectRef {
  std::string storage;
  std::string key;
  bool operator==(const ObjectRef&) const = default;
};

// The output for `recording` under `rule`. The key is not checked here;
// the caller checks it like any key an agent gives.
ObjectRef default_output(const OutputRule& rule, const ObjectRef& recording);

}  // namespace nexus::plugins::transcribe_tools
