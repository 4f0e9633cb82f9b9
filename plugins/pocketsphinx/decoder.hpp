// decoder — one pocketsphinx decoder (ps_decoder_t and its config) as a
// RAII object: loads the models, holds the instance's configured search,
// switches to a call's own search and back, and decodes a recording
// utterance by utterance (split at pauses by pocketsphinx's voice activity
// detector, as pocketsphinx_continuous does).
//
// Not thread-safe: a decoder serves one call at a time (DecoderPool).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ps_settings.hpp"
#include "search_spec.hpp"

struct cmd_ln_s;
struct ps_decoder_s;

namespace nexus::plugins::pocketsphinx {

struct RecognisedWord {
  std::string text;           // dictionary spelling, alternative-pronunciation marks removed
  double start = 0, end = 0;  // seconds from the start of the recording
  std::optional<double> confidence;
};

// What was said between two pauses.
struct Utterance {
  std::vector<RecognisedWord> words;  // in time order; silences and noises left out
  std::optional<double> confidence;   // posterior of the whole hypothesis, where the search gives one
};

// Told how many samples were decoded so far; throws to stop the decode
// (cancellation, deadline). The decoder is left ready for the next call.
using DecodeObserver = std::function<void(std::size_t samples_done)>;

class Decoder {
 public:
  // Loads the models and the configured search. Throws sdk::Error
  // (INVALID_ARGUMENT) with pocketsphinx's own reason when it cannot.
  explicit Decoder(const Settings& settings);
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Makes `spec` the search of the next decode, for one call. Throws
  // sdk::Error(INVALID_ARGUMENT) naming the problem (bad JSGF, a word not in
  // the dictionary); the configured search stays active then.
  void use_call_search(const SearchSpec& spec);
  // Back to the configured search and the call's search forgotten. False if
  // pocketsphinx refused (the decoder should then be discarded).
  bool restore_configured_search() noexcept;
  SearchKind active_kind() const noexcept { return active_kind_; }

  // Decodes 16 kHz mono samples, calling `observer` about every
  // `report_every` samples and once at the end.
  std::vector<Utterance> decode(std::span<const std::int16_t> samples, std::size_t report_every,
                                const DecodeObserver& observer);

 private:
  void add_search(const char* name, const SearchSpec& spec, const std::string& where);
  void check_in_dictionary(const std::string& phrase, const std::string& where);
  std::optional<Utterance> collect_utterance();

  struct ConfigFree {
    void operator()(cmd_ln_s* config) const noexcept;
  };
  struct DecoderFree {
    void operator()(ps_decoder_s* ps) const noexcept;
  };
  std::unique_ptr<cmd_ln_s, ConfigFree> config_;  // declared first: the decoder holds a reference to it
  std::unique_ptr<ps_decoder_s, DecoderFree> ps_;
  SearchKind configured_kind_;
  SearchKind active_kind_;
  double frame_rate_ = 100;
  // The live cepstral-mean estimate as ps_init left it: the model's mean,
  // and the running sum and frame count it adapts from (mfcc_t is float in
  // Debian's build). Restored whole before every call, so a call decodes
  // exactly as a fresh decoder (and pocketsphinx_continuous) would.
  struct CmnState {
    std::vector<float> mean, sum;
    int frames = 0;
  };
  CmnState initial_cmn_;
};

}  // namespace nexus::plugins::pocketsphinx
