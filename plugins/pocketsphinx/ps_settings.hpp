// ps_settings — the pocketsphinx plugin's config block, parsed and checked
// once at create. The schema in pocketsphinx_plugin.cpp is the contract;
// this is its typed mirror, with errors that name the key and the fix.
#pragma once

#include <string>

#include <nexus/sdk/config.hpp>

#include "search_spec.hpp"

namespace nexus::plugins::pocketsphinx {

inline constexpr const char* kDefaultHmm = "/usr/share/pocketsphinx/model/en-us/en-us";
inline constexpr const char* kDefaultLm = "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin";
inline constexpr const char* kDefaultDict = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict";

struct Settings {
  std::string hmm = kDefaultHmm;    // acoustic model folder
  std::string lm = kDefaultLm;      // n-gram language model (open vocabulary)
  std::string dict = kDefaultDict;  // pronunciation dictionary
  std::string language = "en";      // reported in transcripts; calls asking for another are refused
  SearchSpec search;                // the default search: lm, or the configured grammar / keywords
  double keyword_threshold = kDefaultKeywordThreshold;
  int max_decoders = 2;             // decoders in the pool = concurrent calls
  double max_audio_seconds = 3600;  // longer recordings: RESOURCE_EXHAUSTED
  bool accept_truncated = false;    // decode a truncated WAV instead of refusing it; a call may override
};

// Throws sdk::Error(INVALID_ARGUMENT) naming the key path; missing model
// files are named with the Debian package that provides the default ones.
Settings read_settings(const sdk::Config& config);

}  // namespace nexus::plugins::pocketsphinx
