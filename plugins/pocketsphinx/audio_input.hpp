// audio_input — from the caller's bytes and media type to what the decoder
// eats: 16 kHz mono 16-bit samples. Checks the media type, parses the WAV,
// refuses a cut-short recording unless the caller accepts it, enforces the
// duration limit before converting anything, mixes down and resamples.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wav.hpp"

namespace nexus::plugins::pocketsphinx {

inline constexpr std::uint32_t kDecoderSampleRate = 16000;

// What a call accepts, from the instance's settings and the call's options.
struct AudioRules {
  double max_seconds = 0;         // longer recordings: RESOURCE_EXHAUSTED
  bool accept_truncated = false;  // decode a cut-short recording instead of refusing it
};

struct DecoderAudio {
  std::vector<std::int16_t> samples;                 // kDecoderSampleRate, mono
  WavFormat source;                                  // what the caller sent
  double duration_seconds = 0;                       // of the samples the caller sent
  DataLength data_length = DataLength::as_declared;  // truncated only when the rules accepted it
};

// True for the WAV media types: audio/wav, audio/x-wav, audio/wave,
// audio/vnd.wave (case-insensitive, parameters after ';' ignored).
bool is_wav_media_type(std::string_view media_type);

// Throws sdk::Error: INVALID_ARGUMENT for another media type, a WAV the
// plugin cannot read, or a truncated one (DataLength::truncated) unless
// `rules.accept_truncated`; RESOURCE_EXHAUSTED when the samples sent last
// longer than `rules.max_seconds`.
DecoderAudio prepare_audio(std::span<const std::uint8_t> bytes, std::string_view media_type, const AudioRules& rules);

}  // namespace nexus::plugins::pocketsphinx
