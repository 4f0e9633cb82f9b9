// resample — sample-rate conversion for the decoder's 16 kHz input.
//
// A polyphase windowed-sinc filter (Kaiser window, beta 8.6: about 80 dB
// stop-band rejection) for any ratio of integer rates. The low-pass sits
// just under the lower of the two Nyquist frequencies, so downsampling
// 44.1 kHz to 16 kHz removes what lies above 8 kHz instead of folding it
// back into the speech band as naive decimation would, and upsampling
// 8 kHz does not invent images above 4 kHz.
//
// Output sample n is the input signal at time n / out_rate (no delay);
// samples before the start and after the end of the input count as silence.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace nexus::plugins::pocketsphinx {

class Resampler {
 public:
  // Both rates > 0. Builds the filter tables (at most a few MiB).
  Resampler(std::uint32_t in_rate, std::uint32_t out_rate);

  // ceil(n_in * out_rate / in_rate): the output length for n_in inputs.
  std::uint64_t output_length(std::uint64_t n_in) const noexcept;

  // The input samples [first, last) that outputs [begin, end) read; first
  // may be negative and last past the input (those are silence).
  std::pair<std::int64_t, std::int64_t> input_range(std::uint64_t begin, std::uint64_t end) const noexcept;

  // Computes outputs [begin, end) into `out` (end - begin floats) from
  // `window`, the input samples starting at index `window_start`, of an
  // input n_in samples long. The window must cover input_range(begin, end)
  // clipped to [0, n_in). So a long recording is converted block by block
  // without holding all of it as floats.
  void process(std::span<const float> window, std::int64_t window_start, std::uint64_t n_in, std::uint64_t begin,
               std::uint64_t end, float* out) const;

 private:
  std::uint32_t up_ = 1, down_ = 1;  // L, M: out_rate/g, in_rate/g
  int half_ = 0;                     // taps on each side of the centre
  std::vector<float> taps_;          // up_ phases x (2 * half_) taps, phase-major
};

// The whole of `in` resampled from `in_rate` to `out_rate`; equal rates copy.
std::vector<float> resample(std::span<const float> in, std::uint32_t in_rate, std::uint32_t out_rate);

// Floats in [-1, 1] as 16-bit samples, rounded and clipped.
std::vector<std::int16_t> to_int16(std::span<const float> in);

}  // namespace nexus::plugins::pocketsphinx
