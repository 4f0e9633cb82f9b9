// audio_input — from the caller's bytes and media type to what the decoder
// eats: 16 kHz mono 16-bit samples. Checks the media type, parses the WAV,
// enforces the duration limit before converting anything, mixes down and
// resamples.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wav.hpp"

namespace nexus::plugins::pocketsphinx {

inline constexpr std::uint32_t kDecoderSampleRate = 16000;

struct DecoderAudio {
  std::vector<std::int16_t> samples;  // kDecoderSampleRate, mono
  WavFormat source;                   // what the caller sent
  double duration_seconds = 0;        // of the caller's recording
  bool truncated = false;             // the WAV's data chunk was cut short
};

// True for the WAV media types: audio/wav, audio/x-wav, audio/wave,
// audio/vnd.wave (case-insensitive, parameters after ';' ignored).
bool is_wav_media_type(std::string_view media_type);

// Throws sdk::Error: INVALID_ARGUMENT for another media type or a WAV the
// plugin cannot read, RESOURCE_EXHAUSTED when the recording is longer than
// `max_seconds`.
DecoderAudio prepare_audio(std::span<const std::uint8_t> bytes, std::string_view media_type, double max_seconds);

}  // namespace nexus::plugins::pocketsphinx
