#include "call_options.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include <nexus/sdk/error.hpp>

namespace nexus::plugins::pocketsphinx {
namespace {

using sdk::invalid_argument;

// "en-US" -> "en": the part of a language tag a model is chosen by.
std::string primary_subtag(std::string tag) {
  tag = tag.substr(0, tag.find_first_of("-_"));
  std::transform(tag.begin(), tag.end(), tag.begin(), [](unsigned char c) { return std::tolower(c); });
  return tag;
}

}  // namespace

CallOptions read_call_options(const nlohmann::json& options, const Settings& settings) {
  CallOptions out;
  out.accept_truncated = settings.accept_truncated;
  if (!options.is_object()) return out;
  if (options.contains("accept_truncated") && !options["accept_truncated"].is_null()) {
    if (!options["accept_truncated"].is_boolean())
      throw invalid_argument(std::string("options.accept_truncated must be true or false (found a ") +
                             options["accept_truncated"].type_name() +
                             "); true transcribes what there is of a truncated WAV, false refuses it");
    out.accept_truncated = options["accept_truncated"].get<bool>();
  }
  if (options.contains("language") && !options["language"].is_null()) {
    if (!options["language"].is_string())
      throw invalid_argument("options.language must be a language tag such as \"en\"");
    const std::string asked = options["language"].get<std::string>();
    if (primary_subtag(asked) != primary_subtag(settings.language))
      throw invalid_argument("options.language is '" + asked.substr(0, 20) + "' but this instance's model is '" +
                             settings.language + "'; send the call to an instance with a model for that language");
  }
  const bool grammar = options.contains("grammar") && !options["grammar"].is_null();
  const bool keywords = options.contains("keywords") && !options["keywords"].is_null();
  if (grammar && keywords)
    throw invalid_argument("options set both \"grammar\" and \"keywords\"; a call uses one search, pick one");
  if (grammar) {
    if (!options["grammar"].is_string())
      throw invalid_argument("options.grammar must be JSGF text (\"#JSGF V1.0; grammar g; public <s> = ...;\")");
    SearchSpec spec;
    spec.kind = SearchKind::jsgf;
    spec.grammar = options["grammar"].get<std::string>();
    check_grammar_text(spec.grammar, "options.grammar");
    out.search = std::move(spec);
  } else if (keywords) {
    SearchSpec spec;
    spec.kind = SearchKind::kws;
    spec.keywords = read_keywords(options["keywords"], "options.keywords", settings.keyword_threshold);
    out.search = std::move(spec);
  }
  return out;
}

}  // namespace nexus::plugins::pocketsphinx
