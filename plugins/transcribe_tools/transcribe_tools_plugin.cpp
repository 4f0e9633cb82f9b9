// The "transcribe_tools" plugin: its config schema and its descriptor.
#include <nexus/sdk/plugin.hpp>

#include "transcribe_tools.hpp"

namespace {

constexpr const char* kSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "transcribe tools",
  "description": "MCP tools to transcribe a stored recording with a named transcription provider and save the transcript JSON, with the provider's progress reported to the caller.",
  "type": "object",
  "additionalProperties": false,
  "required": ["storages", "providers"],
  "properties": {
    "storages": {
      "description": "Names of the storage instances (nexus.storage/1) recordings are read from and transcripts saved to, e.g. [\"recordings\", \"transcripts\"].",
      "type": "array",
      "minItems": 1,
      "uniqueItems": true,
      "items": {"type": "string", "minLength": 1, "x-nexus-instance": "nexus.storage/1"}
    },
    "providers": {
      "description": "Names of the transcription instances (nexus.transcription/1) the tool may use; the first is the default.",
      "type": "array",
      "minItems": 1,
      "uniqueItems": true,
      "items": {"type": "string", "minLength": 1, "x-nexus-instance": "nexus.transcription/1"}
    },
    "max_audio_bytes": {
      "description": "Largest recording, in bytes, the tool reads and sends to a provider (as the host's transcription.max_audio_bytes).",
      "type": "integer",
      "minimum": 1,
      "maximum": 4294967296,
      "default": 268435456
    },
    "default_output": {
      "description": "Where a transcript is saved when the call gives no output: the recording's key with its file name replaced by file_name and, if it then starts with from_prefix, that part replaced by to_prefix. recordings/T1/recording.wav -> transcripts/T1/transcript.json with {\"storage\": \"transcripts\", \"from_prefix\": \"recordings/\", \"to_prefix\": \"transcripts/\", \"file_name\": \"transcript.json\"}. A default output never replaces an existing object.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "storage": {"description": "One of storages; default: the recording's own storage.", "type": "string", "minLength": 1},
        "from_prefix": {"description": "Key prefix of recordings, replaced by to_prefix.", "type": "string", "default": ""},
        "to_prefix": {"description": "Key prefix of transcripts.", "type": "string", "default": ""},
        "file_name": {"description": "File name of the transcript; {name} is the recording's file name without its extension. A fixed name such as 'transcript.json' suits one recording per folder.", "type": "string", "minLength": 1, "default": "{name}.transcript.json"}
      }
    }
  }
})json";

}  // namespace

NEXUS_PLUGIN(nexus::plugins::transcribe_tools::TranscribeTools, .id = "transcribe_tools", .version = "1.0.0",
             .description = "MCP tools that transcribe stored recordings with a named provider and save the transcript",
             .license = "Apache-2.0", .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
