// support/speech_audio.hpp — test audio made during the test run, never
// downloaded: espeak-ng speaks a sentence, sox converts it to the WAV format
// a test needs (rate, channels, sample encoding). Both come from Debian
// (scripts/deps.sh installs them). sox runs with -R (repeatable): it dithers
// when it lowers the resolution, and without a fixed seed the same sentence
// would differ by a bit from run to run — enough to move a decoder's
// borderline decision and make a test flaky.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace nexus::test {

struct WavFormat {
  int rate = 16000;
  int channels = 1;
  int bits = 16;
  std::string encoding = "signed-integer";  // sox -e: signed-integer, floating-point, u-law, ...
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Writes `text` spoken by espeak-ng (en-us, 150 words/min) to `out` in
// `format`; `pad_seconds` of silence is appended (sox pad) to make long
// recordings. Throws std::runtime_error if a tool fails.
inline void make_speech_wav(const std::string& text, const std::filesystem::path& out, const WavFormat& format = {},
                            double pad_seconds = 0) {
  const std::string raw = out.string() + ".espeak.wav";
  std::string cmd = "espeak-ng -v en-us -s 150 -w " + shell_quote(raw) + " " + shell_quote(text) + " 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("espeak-ng failed: " + cmd);
  cmd = "sox -R " + shell_quote(raw) + " -r " + std::to_string(format.rate) + " -c " + std::to_string(format.channels) +
        " -b " + std::to_string(format.bits) + " -e " + format.encoding + " " + shell_quote(out.string());
  if (pad_seconds > 0) cmd += " pad 0 " + std::to_string(pad_seconds);
  cmd += " 2>/dev/null";
  const int rc = std::system(cmd.c_str());
  std::filesystem::remove(raw);
  if (rc != 0) throw std::runtime_error("sox failed: " + cmd);
}

// Several sentences one after another (sox concatenation), e.g. to build a
// 60-second call from short phrases.
inline void concat_wavs(const std::vector<std::filesystem::path>& parts, const std::filesystem::path& out) {
  std::string cmd = "sox -R";
  for (const auto& p : parts) cmd += " " + shell_quote(p.string());
  cmd += " " + shell_quote(out.string()) + " 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("sox failed: " + cmd);
}

inline std::string read_file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace nexus::test
