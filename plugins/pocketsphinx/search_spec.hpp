// search_spec — what the decoder listens for: open vocabulary (the n-gram
// language model), a JSGF grammar, or a list of keywords to spot. Read from
// the instance config (the default search) and from a call's options (an
// override for that call only), with the same limits both ways.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace nexus::plugins::pocketsphinx {

enum class SearchKind { lm, jsgf, kws };

// "lm", "jsgf", "kws": the names the transcript's provider facts use.
std::string_view search_kind_name(SearchKind kind) noexcept;

struct Keyword {
  std::string phrase;  // lower-case words of the dictionary
  double threshold;    // detection threshold: lower finds more (and more false alarms)
};

struct SearchSpec {
  SearchKind kind = SearchKind::lm;
  std::string grammar;            // JSGF text, for kind == jsgf
  std::vector<Keyword> keywords;  // for kind == kws
};

inline constexpr std::size_t kMaxGrammarBytes = 64 * 1024;
inline constexpr std::size_t kMaxKeywords = 256;
inline constexpr std::size_t kMaxKeywordBytes = 200;
inline constexpr double kDefaultKeywordThreshold = 1e-30;

// Reads `value` (a string, or {"phrase": ..., "threshold": ...}) entries of
// a keywords list. `where` names the key path for errors ("config.keywords",
// "options.keywords"). Throws sdk::Error(INVALID_ARGUMENT).
std::vector<Keyword> read_keywords(const nlohmann::json& value, const std::string& where, double default_threshold);

// Checks a grammar's size and that it is text. Throws sdk::Error(INVALID_ARGUMENT).
void check_grammar_text(std::string_view grammar, const std::string& where);

// The keyphrase file format pocketsphinx reads: one "phrase /threshold/" a line.
std::string keyword_file_text(const std::vector<Keyword>& keywords);

}  // namespace nexus::plugins::pocketsphinx
