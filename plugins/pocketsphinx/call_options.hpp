// call_options — the options_json of one transcription call, as far as this
// plugin uses it: "grammar" (JSGF text) or "keywords" replace the
// instance's search for this call, "language" must match the model's,
// "accept_truncated" overrides the instance's accept_truncated.
// Other options are ignored, as transcription.h asks.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "ps_settings.hpp"
#include "search_spec.hpp"

namespace nexus::plugins::pocketsphinx {

struct CallOptions {
  std::optional<SearchSpec> search;  // empty: the instance's configured search
  bool accept_truncated = false;     // the call's option, else the instance's setting
};

// Throws sdk::Error(INVALID_ARGUMENT) naming the option and the fix.
CallOptions read_call_options(const nlohmann::json& options, const Settings& settings);

}  // namespace nexus::plugins::pocketsphinx
