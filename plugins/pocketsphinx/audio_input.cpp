#include "audio_input.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <random>

#include <nexus/sdk/error.hpp>

#include "resample.hpp"

namespace nexus::plugins::pocketsphinx {
namespace {

std::string essence_of(std::string_view media_type) {
  const auto semicolon = media_type.find(';');
  std::string_view essence = media_type.substr(0, semicolon);
  while (!essence.empty() && std::isspace(static_cast<unsigned char>(essence.front()))) essence.remove_prefix(1);
  while (!essence.empty() && std::isspace(static_cast<unsigned char>(essence.back()))) essence.remove_suffix(1);
  std::string lower(essence);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower;
}

// Recordings below 16 kHz have nothing above their Nyquist frequency. The
// en-us model was trained on wideband audio, and its upper filter-bank
// channels then see digital silence — log energies it never met — and a
// grammar search fails to match even clear speech (8 and 11.025 kHz
// recordings decode to nothing). A faint noise floor, as every real
// wideband recording has, fixes that: about -55 dBFS RMS (uniform noise of
// peak 0.004; 0.002 to 0.01 all work on the test speech). A fixed seed keeps
// transcripts reproducible.
constexpr std::uint32_t kNoiseSeed = 0x5eed;
void add_noise_floor(std::vector<float>& samples, std::minstd_rand& noise) {
  constexpr float kPeak = 0.004f;
  std::uniform_real_distribution<float> uniform(-kPeak, kPeak);
  for (auto& s : samples) s += uniform(noise);
}

// Samples converted at a time (about ten seconds of output).
constexpr std::size_t kBlockSamples = std::size_t{10} * kDecoderSampleRate;

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", s);
  return buf;
}

// A cut-short recording is refused by default: a transcript of part of a
// call, passed on as if it were the whole call, misleads whoever reads it.
// The message says how much is missing and both ways forward.
void refuse_truncated(const WavLayout& layout) {
  throw sdk::invalid_argument(
      "the WAV data chunk declares " + std::to_string(layout.declared_data_bytes) + " bytes but only " +
      std::to_string(layout.present_data_bytes) +
      " follow: the recording is truncated (a recorder stopped mid-write, or an upload cut short); send the whole "
      "file, or set the option accept_truncated: true (per call, or in the instance's config) to transcribe the " +
      seconds_text(layout.duration_seconds()) + " s that are there");
}

}  // namespace

bool is_wav_media_type(std::string_view media_type) {
  const std::string e = essence_of(media_type);
  return e == "audio/wav" || e == "audio/x-wav" || e == "audio/wave" || e == "audio/vnd.wave";
}

DecoderAudio prepare_audio(std::span<const std::uint8_t> bytes, std::string_view media_type, const AudioRules& rules) {
  if (!is_wav_media_type(media_type))
    throw sdk::invalid_argument("media type '" + std::string(media_type.substr(0, 100)) +
                                "' is not accepted: the pocketsphinx plugin reads WAV only (audio/wav, audio/x-wav, "
                                "audio/wave); convert other formats first, e.g. `sox in.mp3 -r 16000 -c 1 out.wav`");
  const WavLayout layout = parse_wav(bytes);
  if (layout.data_length == DataLength::truncated && !rules.accept_truncated) refuse_truncated(layout);
  // Check the length from the header, before any sample is converted: a
  // long recording is refused without spending memory on it.
  const double seconds = layout.duration_seconds();
  if (seconds > rules.max_seconds)
    throw sdk::resource_exhausted("the recording is " + seconds_text(seconds) +
                                  " s long; this instance accepts at most " + seconds_text(rules.max_seconds) +
                                  " s (max_audio_seconds): split the recording or raise the limit");

  DecoderAudio audio;
  audio.source = layout.format;
  audio.duration_seconds = seconds;
  audio.data_length = layout.data_length;
  if (layout.format.sample_rate == kDecoderSampleRate && layout.format.channels == 1 &&
      layout.format.bits_per_sample == 16) {
    // Already what the decoder wants: copy the samples bit for bit.
    audio.samples.resize(layout.frames);
    const std::uint8_t* p = layout.data.data();
    for (std::size_t i = 0; i < layout.frames; ++i, p += 2)
      audio.samples[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>(p[0] | (p[1] << 8)));
    return audio;
  }
  // Otherwise convert block by block, so a long recording is never held as
  // floats in full: only the 16-bit result grows.
  const std::uint32_t rate = layout.format.sample_rate;
  const bool narrowband = rate < kDecoderSampleRate;
  std::minstd_rand noise(kNoiseSeed);
  if (rate == kDecoderSampleRate) {
    audio.samples.reserve(layout.frames);
    for (std::size_t first = 0; first < layout.frames; first += kBlockSamples) {
      const auto block = to_int16(decode_mono(layout, first, kBlockSamples));
      audio.samples.insert(audio.samples.end(), block.begin(), block.end());
    }
    return audio;
  }
  const Resampler resampler(rate, kDecoderSampleRate);
  const std::uint64_t total = resampler.output_length(layout.frames);
  audio.samples.reserve(total);
  std::vector<float> block;
  for (std::uint64_t begin = 0; begin < total; begin += kBlockSamples) {
    const std::uint64_t end = std::min<std::uint64_t>(total, begin + kBlockSamples);
    const auto [lo, hi] = resampler.input_range(begin, end);
    const std::size_t first = static_cast<std::size_t>(std::max<std::int64_t>(0, lo));
    const std::vector<float> window = decode_mono(
        layout, first, static_cast<std::size_t>(std::max<std::int64_t>(0, hi - static_cast<std::int64_t>(first))));
    block.resize(end - begin);
    resampler.process(window, static_cast<std::int64_t>(first), layout.frames, begin, end, block.data());
    if (narrowband) add_noise_floor(block, noise);
    const auto converted = to_int16(block);
    audio.samples.insert(audio.samples.end(), converted.begin(), converted.end());
  }
  return audio;
}

}  // namespace nexus::plugins::pocketsphinx
