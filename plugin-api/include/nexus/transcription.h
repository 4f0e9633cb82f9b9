/*
 * nexus/transcription.h — interface "nexus.transcription/1": speech to text.
 *
 * Transcript JSON written on success:
 *   {"text": "please transfer my call to billing",
 *    "language": "en",                       (if known)
 *    "duration_s": 2.4,                      (audio duration, if known)
 *    "processing_s": 0.21,
 *    "segments": [ {"start": 0.0, "end": 2.4, "text": "...",
 *                   "confidence": 0.93,        (if the engine gives one)
 *                   "words": [ {"word": "please", "start": 0.1, "end": 0.4,
 *                               "confidence": 0.9}, ... ] } ],
 *    "provider": {"plugin": "pocketsphinx", ...engine facts} }
 * Only "text" is required; the rest is present when the engine knows it.
 */
#pragma once

#include "nexus/context.h"
#include "nexus/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NEXUS_TRANSCRIPTION_V1 "nexus.transcription/1"

typedef struct nexus_transcription_v1 {
  uint32_t struct_size; /* sizeof(nexus_transcription_v1) as the plugin compiled it. */

  /* Transcribe `audio` of media type `media_type` ("audio/wav",
   * "audio/mpeg", ...). `options_json` is a JSON object or empty:
   *   {"language": "en", "prompt": "...", "grammar": "...", "keywords": [...],
   *    "response_format": "json"}; unknown options are ignored.
   * Writes the transcript JSON through `transcript_json`. Reports progress
   * and polls cancellation through `ctx` for long audio. Errors:
   * INVALID_ARGUMENT (unsupported format: say which formats are accepted),
   * RESOURCE_EXHAUSTED (too long), UNAVAILABLE (provider down; retry),
   * UNAUTHENTICATED (provider refused our credentials), DEADLINE_EXCEEDED,
   * CANCELLED. */
  nexus_status (*on_transcribe)(void* instance, const nexus_call_context* ctx, nexus_bytes audio,
                                nexus_str media_type, nexus_str options_json, const nexus_writer* transcript_json);
} nexus_transcription_v1;

#ifdef __cplusplus
}
#endif
