#include "resample.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace nexus::plugins::pocketsphinx {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kKaiserBeta = 8.6;         // ~80 dB stop band
constexpr double kZeroCrossings = 16;       // sinc lobes on each side of the centre
constexpr double kPassbandFraction = 0.92;  // cutoff as a fraction of the lower Nyquist frequency

// Modified Bessel function of the first kind, order 0 (power series).
double bessel_i0(double x) {
  double sum = 1, term = 1;
  const double q = x * x / 4;
  for (int k = 1; k < 64 && term > sum * 1e-12; ++k) {
    term *= q / (static_cast<double>(k) * k);
    sum += term;
  }
  return sum;
}

}  // namespace

Resampler::Resampler(std::uint32_t in_rate, std::uint32_t out_rate) {
  if (in_rate == 0 || out_rate == 0) throw std::invalid_argument("resample: sample rates must be positive");
  const std::uint32_t g = std::gcd(in_rate, out_rate);
  up_ = out_rate / g;
  down_ = in_rate / g;
  const double ratio = static_cast<double>(out_rate) / in_rate;
  // Cutoff in cycles per input sample, under the lower Nyquist frequency.
  const double cutoff = 0.5 * std::min(1.0, ratio) * kPassbandFraction;
  // The same number of sinc lobes whatever the cutoff: a lower cutoff has
  // wider lobes, so the filter spans more input samples.
  half_ = static_cast<int>(std::ceil(kZeroCrossings / (2 * cutoff)));
  const int width = 2 * half_;
  taps_.resize(static_cast<std::size_t>(up_) * width);
  const double i0_beta = bessel_i0(kKaiserBeta);
  // Phase p serves outputs that fall p/L of the way between two inputs.
  for (std::uint32_t p = 0; p < up_; ++p) {
    const double frac = static_cast<double>(p) / up_;
    float* row = &taps_[static_cast<std::size_t>(p) * width];
    double sum = 0;
    std::vector<double> h(width);
    for (int k = 0; k < width; ++k) {
      // Tap k multiplies input base + k - half + 1; its distance from the
      // output instant (base + frac), in input samples:
      const double t = (k - half_ + 1) - frac;
      const double x = 2 * cutoff * t;
      const double sinc = x == 0 ? 1.0 : std::sin(kPi * x) / (kPi * x);
      const double r = t / half_;
      const double window = std::abs(r) >= 1 ? 0.0 : bessel_i0(kKaiserBeta * std::sqrt(1 - r * r)) / i0_beta;
      h[k] = 2 * cutoff * sinc * window;
      sum += h[k];
    }
    // Unity gain at DC for every phase, so a constant stays constant.
    for (int k = 0; k < width; ++k) row[k] = static_cast<float>(h[k] / sum);
  }
}

std::uint64_t Resampler::output_length(std::uint64_t n_in) const noexcept {
  return (n_in * up_ + down_ - 1) / down_;
}

std::pair<std::int64_t, std::int64_t> Resampler::input_range(std::uint64_t begin, std::uint64_t end) const noexcept {
  if (end <= begin) return {0, 0};
  const auto base = [&](std::uint64_t n) { return static_cast<std::int64_t>(n * down_ / up_); };
  return {base(begin) - half_ + 1, base(end - 1) + half_ + 1};
}

void Resampler::process(std::span<const float> window, std::int64_t window_start, std::uint64_t n_in,
                        std::uint64_t begin, std::uint64_t end, float* out) const {
  const int width = 2 * half_;
  // Only inputs that exist and are in the window are read; the rest is silence.
  const std::int64_t lo = std::max<std::int64_t>(0, window_start);
  const std::int64_t hi =
      std::min<std::int64_t>(static_cast<std::int64_t>(n_in), window_start + static_cast<std::int64_t>(window.size()));
  for (std::uint64_t n = begin; n < end; ++n) {
    const std::uint64_t position = n * down_;  // in units of 1/L input samples
    const std::int64_t first = static_cast<std::int64_t>(position / up_) - half_ + 1;
    const float* row = &taps_[(position % up_) * width];
    const int k0 = static_cast<int>(std::clamp<std::int64_t>(lo - first, 0, width));
    const int k1 = static_cast<int>(std::clamp<std::int64_t>(hi - first, 0, width));
    double acc = 0;
    for (int k = k0; k < k1; ++k)
      acc += static_cast<double>(row[k]) * window[static_cast<std::size_t>(first + k - window_start)];
    out[n - begin] = static_cast<float>(acc);
  }
}

std::vector<float> resample(std::span<const float> in, std::uint32_t in_rate, std::uint32_t out_rate) {
  if (in_rate == 0 || out_rate == 0) throw std::invalid_argument("resample: sample rates must be positive");
  if (in_rate == out_rate) return {in.begin(), in.end()};
  const Resampler r(in_rate, out_rate);
  std::vector<float> out(r.output_length(in.size()));
  r.process(in, 0, in.size(), 0, out.size(), out.data());
  return out;
}

std::vector<std::int16_t> to_int16(std::span<const float> in) {
  std::vector<std::int16_t> out(in.size());
  std::transform(in.begin(), in.end(), out.begin(), [](float x) {
    const float scaled = std::nearbyint(x * 32768.0f);
    return static_cast<std::int16_t>(std::clamp(scaled, -32768.0f, 32767.0f));
  });
  return out;
}

}  // namespace nexus::plugins::pocketsphinx
