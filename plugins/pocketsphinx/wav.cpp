#include "wav.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

#include <nexus/sdk/error.hpp>

namespace nexus::plugins::pocketsphinx {
namespace {

using sdk::invalid_argument;

constexpr std::uint16_t kFormatPcm = 0x0001;
constexpr std::uint16_t kFormatExtensible = 0xFFFE;
constexpr std::size_t kRiffHeaderBytes = 12;  // "RIFF" size "WAVE"
constexpr std::size_t kChunkHeaderBytes = 8;  // id size
constexpr std::size_t kMinFmtBytes = 16;
constexpr std::size_t kExtensibleFmtBytes = 40;  // 16 + cbSize(2) + 22 bytes of extension

std::uint16_t le16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
std::uint32_t le32(const std::uint8_t* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
bool has_id(const std::uint8_t* p, const char (&id)[5]) noexcept {
  return std::equal(id, id + 4, p);
}

std::string printable_id(const std::uint8_t* p) {
  std::string s;
  for (int i = 0; i < 4; ++i) s += (p[i] >= 0x20 && p[i] < 0x7f) ? static_cast<char>(p[i]) : '?';
  return s;
}

std::string format_tag_name(std::uint16_t tag) {
  switch (tag) {
    case 0x0001:
      return "integer PCM";
    case 0x0002:
      return "Microsoft ADPCM";
    case 0x0003:
      return "IEEE float";
    case 0x0006:
      return "A-law";
    case 0x0007:
      return "u-law";
    case 0x0011:
      return "IMA ADPCM";
    case 0x0031:
      return "GSM 6.10";
    case 0x0055:
      return "MPEG layer 3";
    default: {
      char hex[8];
      std::snprintf(hex, sizeof hex, "%04x", tag);
      return std::string("format tag 0x") + hex;
    }
  }
}

struct Chunk {
  const std::uint8_t* body;
  std::uint32_t declared_size;  // as written in the header
  std::size_t available;        // bytes actually present (<= declared_size)
};

// The fmt chunk's facts, validated against what the plugin can decode.
WavFormat read_fmt(const Chunk& fmt) {
  if (fmt.available < kMinFmtBytes)
    throw invalid_argument("the WAV fmt chunk is " + std::to_string(fmt.available) + " bytes; it needs at least " +
                           std::to_string(kMinFmtBytes) + " (the file is truncated or not a WAV file)");
  const std::uint8_t* p = fmt.body;
  std::uint16_t tag = le16(p);
  if (tag == kFormatExtensible) {
    if (fmt.available < kExtensibleFmtBytes)
      throw invalid_argument("the WAV fmt chunk says WAVE_FORMAT_EXTENSIBLE but is only " +
                             std::to_string(fmt.available) + " bytes (40 expected)");
    tag = le16(p + 24);  // the first two bytes of the sub-format GUID are the format tag
  }
  WavFormat f;
  f.channels = le16(p + 2);
  f.sample_rate = le32(p + 4);
  const std::uint16_t block_align = le16(p + 12);
  f.bits_per_sample = le16(p + 14);

  if (tag != kFormatPcm)
    throw invalid_argument("the WAV file is " + format_tag_name(tag) + " encoded; " + accepted_wav_formats() +
                           " (convert it, e.g. `sox in.wav -e signed-integer -b 16 out.wav`)");
  if (f.bits_per_sample != 8 && f.bits_per_sample != 16 && f.bits_per_sample != 24 && f.bits_per_sample != 32)
    throw invalid_argument("the WAV file has " + std::to_string(f.bits_per_sample) + "-bit samples; " +
                           accepted_wav_formats());
  if (f.channels == 0 || f.channels > kMaxChannels)
    throw invalid_argument("the WAV file has " + std::to_string(f.channels) + " channels; 1 to " +
                           std::to_string(kMaxChannels) + " are accepted");
  if (f.sample_rate < kMinSampleRate || f.sample_rate > kMaxSampleRate)
    throw invalid_argument("the WAV file's sample rate is " + std::to_string(f.sample_rate) + " Hz; rates from " +
                           std::to_string(kMinSampleRate) + " to " + std::to_string(kMaxSampleRate) +
                           " Hz are accepted (speech needs at least 8000 Hz)");
  const std::uint32_t frame_bytes = static_cast<std::uint32_t>(f.channels) * (f.bits_per_sample / 8);
  if (block_align != frame_bytes)
    throw invalid_argument("the WAV fmt chunk's block align is " + std::to_string(block_align) + " but " +
                           std::to_string(f.channels) + " channels of " + std::to_string(f.bits_per_sample) +
                           "-bit samples need " + std::to_string(frame_bytes) + "; the header is corrupt");
  return f;
}

// Reads one little-endian integer sample of `bytes` width as a float in [-1, 1).
float sample_at(const std::uint8_t* p, int bytes) noexcept {
  switch (bytes) {
    case 1:
      return static_cast<float>(static_cast<int>(p[0]) - 128) / 128.0f;  // 8-bit WAV is unsigned
    case 2:
      return static_cast<float>(static_cast<std::int16_t>(le16(p))) / 32768.0f;
    case 3: {
      const std::int32_t v =
          static_cast<std::int32_t>((static_cast<std::uint32_t>(p[0]) << 8) | (static_cast<std::uint32_t>(p[1]) << 16) |
                                    (static_cast<std::uint32_t>(p[2]) << 24)) >>
          8;
      return static_cast<float>(v / 8388608.0);
    }
    default:
      return static_cast<float>(static_cast<std::int32_t>(le32(p)) / 2147483648.0);
  }
}

}  // namespace

std::string accepted_wav_formats() {
  return "accepted: WAV with integer PCM samples (8, 16, 24 or 32 bits; 16 is best), 1 to " +
         std::to_string(kMaxChannels) + " channels, " + std::to_string(kMinSampleRate) + " to " +
         std::to_string(kMaxSampleRate) + " Hz";
}

WavLayout parse_wav(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kRiffHeaderBytes)
    throw invalid_argument("the audio is " + std::to_string(bytes.size()) +
                           " bytes, too short for a WAV header (truncated, or not a WAV file); " +
                           accepted_wav_formats());
  const std::uint8_t* base = bytes.data();
  if (has_id(base, "RIFX"))
    throw invalid_argument("the WAV file is big-endian (RIFX); " + accepted_wav_formats() + ", little-endian");
  if (has_id(base, "RF64"))
    throw invalid_argument("the file is an RF64 (64-bit) WAV; " + accepted_wav_formats() +
                           " in a plain RIFF file of at most 4 GiB");
  if (!has_id(base, "RIFF") || !has_id(base + 8, "WAVE"))
    throw invalid_argument("the audio does not start with a RIFF/WAVE header (found '" + printable_id(base) +
                           "'), so it is not a WAV file; " + accepted_wav_formats());

  // Walk the chunks. Sizes are checked against the bytes present, never
  // trusted: a chunk may claim more than the file holds.
  std::optional<Chunk> fmt, data;
  std::size_t pos = kRiffHeaderBytes;
  while (pos + kChunkHeaderBytes <= bytes.size() && !data) {
    const std::uint8_t* header = base + pos;
    const std::uint32_t declared = le32(header + 4);
    const std::size_t body_pos = pos + kChunkHeaderBytes;
    const std::size_t available = std::min<std::size_t>(declared, bytes.size() - body_pos);
    const Chunk chunk{base + body_pos, declared, available};
    if (has_id(header, "fmt ")) {
      if (fmt) throw invalid_argument("the WAV file has two fmt chunks; the header is corrupt");
      fmt = chunk;
    } else if (has_id(header, "data")) {
      if (!fmt) throw invalid_argument("the WAV data chunk comes before any fmt chunk; the header is corrupt");
      data = chunk;
    }
    // Chunks are padded to an even size; stop at the end of the bytes.
    const std::size_t padded = static_cast<std::size_t>(declared) + (declared & 1u);
    if (padded > bytes.size() - body_pos) break;
    pos = body_pos + padded;
  }
  if (!fmt)
    throw invalid_argument("the WAV file has no fmt chunk (truncated, or not a WAV file); " + accepted_wav_formats());
  WavLayout layout;
  layout.format = read_fmt(*fmt);
  if (!data)
    throw invalid_argument("the WAV file has no data chunk (truncated before the samples?); " + accepted_wav_formats());

  const std::size_t frame_bytes =
      static_cast<std::size_t>(layout.format.channels) * (layout.format.bits_per_sample / 8);
  layout.frames = data->available / frame_bytes;
  layout.data = std::span<const std::uint8_t>(data->body, layout.frames * frame_bytes);
  layout.declared_data_bytes = data->declared_size;
  layout.present_data_bytes = data->available;
  if (data->declared_size == kStreamingDataSize)
    layout.data_length = DataLength::unknown;
  else if (data->available < data->declared_size)
    layout.data_length = DataLength::truncated;
  if (layout.frames == 0)
    throw invalid_argument(layout.data_length == DataLength::truncated
                               ? "the WAV file has no samples: its data chunk is cut off before the first one"
                               : "the WAV file has no samples: its data chunk is empty");
  return layout;
}

std::vector<float> decode_mono(const WavLayout& layout, std::size_t first, std::size_t count) {
  first = std::min(first, layout.frames);
  count = std::min(count, layout.frames - first);
  const int bytes = layout.format.bits_per_sample / 8;
  const std::size_t channels = layout.format.channels;
  const float scale = 1.0f / static_cast<float>(channels);
  std::vector<float> mono(count);
  const std::uint8_t* p = layout.data.data() + first * channels * bytes;
  for (std::size_t i = 0; i < count; ++i) {
    float sum = 0;
    for (std::size_t c = 0; c < channels; ++c, p += bytes) sum += sample_at(p, bytes);
    mono[i] = sum * scale;
  }
  return mono;
}

}  // namespace nexus::plugins::pocketsphinx
