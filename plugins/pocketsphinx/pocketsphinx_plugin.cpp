// The "pocketsphinx" plugin: its config schema and its descriptor.
#include <nexus/sdk/plugin.hpp>

#include "pocketsphinx_transcription.hpp"

namespace {

constexpr const char* kSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "pocketsphinx transcription",
  "description": "Offline speech to text with CMU PocketSphinx (Debian packages pocketsphinx and pocketsphinx-en-us). WAV input at any common rate, mono or stereo. Open vocabulary with the n-gram language model, or a JSGF grammar, or keyword spotting; a call may pass its own grammar or keywords in its options.",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "hmm": {
      "description": "Acoustic model folder (contains 'mdef').",
      "type": "string",
      "minLength": 1,
      "default": "/usr/share/pocketsphinx/model/en-us/en-us"
    },
    "lm": {
      "description": "N-gram language model for open-vocabulary transcription (.lm.bin or ARPA). Loaded only when neither grammar nor keywords is configured.",
      "type": "string",
      "minLength": 1,
      "default": "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin"
    },
    "dict": {
      "description": "Pronunciation dictionary; every word of a grammar or keyword phrase must be in it.",
      "type": "string",
      "minLength": 1,
      "default": "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"
    },
    "language": {
      "description": "Language of the model, reported in transcripts; a call whose options ask for another language is refused.",
      "type": "string",
      "minLength": 1,
      "default": "en"
    },
    "grammar": {
      "description": "JSGF grammar text: the instance recognises only sentences of this grammar (e.g. IVR menus). At most 64 KiB. Exclusive with grammar_file and keywords.",
      "type": "string",
      "minLength": 1,
      "maxLength": 65536
    },
    "grammar_file": {
      "description": "Path of a JSGF grammar file, read once at start. At most 64 KiB.",
      "type": "string",
      "minLength": 1
    },
    "keywords": {
      "description": "Keyword spotting: phrases to find in the audio (everything else is ignored). Each a string, or {\"phrase\", \"threshold\"}. At most 256.",
      "type": "array",
      "minItems": 1,
      "maxItems": 256,
      "items": {
        "oneOf": [
          {"type": "string", "minLength": 1, "maxLength": 200},
          {
            "type": "object",
            "additionalProperties": false,
            "required": ["phrase"],
            "properties": {
              "phrase": {"type": "string", "minLength": 1, "maxLength": 200},
              "threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1}
            }
          }
        ]
      }
    },
    "keyword_threshold": {
      "description": "Detection threshold of keywords that do not set their own. Lower finds more, with more false alarms; tune between 1e-50 and 1e-5.",
      "type": "number",
      "exclusiveMinimum": 0,
      "maximum": 1,
      "default": 1e-30
    },
    "max_decoders": {
      "description": "Decoders kept for concurrent calls; each holds its own copy of the models. Further calls wait for a free one.",
      "type": "integer",
      "minimum": 1,
      "maximum": 64,
      "default": 2
    },
    "max_audio_seconds": {
      "description": "Longest recording accepted, in seconds; longer ones are refused with resource_exhausted.",
      "type": "number",
      "exclusiveMinimum": 0,
      "maximum": 86400,
      "default": 3600
    },
    "accept_truncated": {
      "description": "What to do with a truncated WAV, whose data chunk declares more bytes than were sent (a recorder stopped mid-write, an upload cut short). false: refuse it with invalid_argument. true: transcribe the samples that are there, log a warning and set provider.truncated_input in the transcript. A call's option accept_truncated overrides this. A data size of 0xFFFFFFFF (a streaming writer's placeholder) is never truncated.",
      "type": "boolean",
      "default": false
    }
  }
})json";

}  // namespace

NEXUS_PLUGIN(nexus::plugins::pocketsphinx::PocketsphinxTranscription, .id = "pocketsphinx", .version = "1.0.0",
             .description = "Offline speech to text with CMU PocketSphinx: language model, JSGF grammars, keywords",
             .license = "Apache-2.0", .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
