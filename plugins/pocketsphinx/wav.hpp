// wav — reading RIFF/WAVE recordings into mono samples, by hand and
// defensively: the bytes come from a caller, so every size in the header is
// checked against the bytes actually there before anything is read.
//
// Accepted: integer PCM (format tag 1, or WAVE_FORMAT_EXTENSIBLE with the
// PCM sub-format), 8, 16, 24 or 32 bits per sample, 1 to 8 channels (mixed
// down to mono), 8000 to 96000 samples per second. Refused with
// INVALID_ARGUMENT naming what was found: float, A-law, u-law and every
// other encoding, big-endian RIFX and RF64 files, missing or malformed fmt
// and data chunks, and recordings with no samples.
//
// A data chunk that claims more bytes than the file holds (a recorder that
// stopped mid-write, or a streaming writer that left the size at 0xFFFFFFFF)
// is read as far as the bytes go; WavAudio::truncated says so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace nexus::plugins::pocketsphinx {

// What the fmt chunk says, checked.
struct WavFormat {
  std::uint32_t sample_rate = 0;
  std::uint16_t channels = 0;
  std::uint16_t bits_per_sample = 0;
};

// The size a data chunk declares that means "not known yet": what a writer
// streaming to a pipe or socket puts there, since it cannot seek back.
inline constexpr std::uint32_t kStreamingDataSize = 0xFFFFFFFFu;

// How the bytes present compare with the data chunk's declared size.
enum class DataLength {
  as_declared,  // every declared byte is there
  unknown,      // declared kStreamingDataSize: all bytes to the end are the samples
  truncated,    // declared more than was sent: the end of the recording is missing
};

// The header facts plus where the samples are; `data` is a view into the
// caller's bytes (whole frames only).
struct WavLayout {
  WavFormat format;
  std::span<const std::uint8_t> data;
  std::size_t frames = 0;  // samples per channel
  DataLength data_length = DataLength::as_declared;
  std::uint32_t declared_data_bytes = 0;  // the data chunk's size field
  std::size_t present_data_bytes = 0;     // its bytes actually sent (at most declared_data_bytes)
  double duration_seconds() const noexcept {
    return format.sample_rate ? static_cast<double>(frames) / format.sample_rate : 0;
  }
};

inline constexpr std::uint32_t kMinSampleRate = 8000;
inline constexpr std::uint32_t kMaxSampleRate = 96000;
inline constexpr std::uint16_t kMaxChannels = 8;

// A human-readable list of what parse_wav accepts, for error messages.
std::string accepted_wav_formats();

// Parses the header and locates the samples. Throws sdk::Error
// (INVALID_ARGUMENT) naming the problem and what is accepted.
WavLayout parse_wav(std::span<const std::uint8_t> bytes);

// Frames [first, first + count) of `layout` (clipped to the recording)
// mixed down to one channel, as floats in [-1, 1).
std::vector<float> decode_mono(const WavLayout& layout, std::size_t first, std::size_t count);
// All of it.
inline std::vector<float> decode_mono(const WavLayout& layout) {
  return decode_mono(layout, 0, layout.frames);
}

}  // namespace nexus::plugins::pocketsphinx
