#include "search_spec.hpp"

#include <cctype>
#include <cstdio>

#include <nexus/sdk/error.hpp>

namespace nexus::plugins::pocketsphinx {
namespace {

using sdk::invalid_argument;

// Lower-cases a phrase and collapses its white space; refuses characters
// that would break the one-phrase-a-line keyphrase file ('/', controls).
std::string normalise_phrase(const std::string& raw, const std::string& where) {
  std::string out;
  bool space = false;
  for (unsigned char c : raw) {
    if (c == '/' || (c < 0x20 && c != '\t') || c == 0x7f)
      throw invalid_argument(where + " '" + raw.substr(0, 60) +
                             "' contains '/' or a control character; use plain words of the dictionary");
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(c < 0x80 ? std::tolower(c) : c);
  }
  if (out.empty()) throw invalid_argument(where + " contains an empty phrase");
  if (out.size() > kMaxKeywordBytes)
    throw invalid_argument(where + " has a phrase of " + std::to_string(out.size()) + " bytes; the limit is " +
                           std::to_string(kMaxKeywordBytes));
  return out;
}

}  // namespace

std::string_view search_kind_name(SearchKind kind) noexcept {
  switch (kind) {
    case SearchKind::jsgf:
      return "jsgf";
    case SearchKind::kws:
      return "kws";
    case SearchKind::lm:
      break;
  }
  return "lm";
}

std::vector<Keyword> read_keywords(const nlohmann::json& value, const std::string& where, double default_threshold) {
  if (!value.is_array())
    throw invalid_argument(where + " must be an array of phrases (strings or {\"phrase\", \"threshold\"} objects)");
  if (value.empty()) throw invalid_argument(where + " is empty; list at least one phrase to spot");
  if (value.size() > kMaxKeywords)
    throw invalid_argument(where + " has " + std::to_string(value.size()) + " phrases; the limit is " +
                           std::to_string(kMaxKeywords));
  std::vector<Keyword> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto& e = value[i];
    const std::string at = where + "[" + std::to_string(i) + "]";
    Keyword k{{}, default_threshold};
    if (e.is_string()) {
      k.phrase = normalise_phrase(e.get<std::string>(), at);
    } else if (e.is_object() && e.contains("phrase") && e["phrase"].is_string()) {
      for (const auto& [key, v] : e.items())
        if (key != "phrase" && key != "threshold")
          throw invalid_argument(at + "." + key + " is not a keyword setting; use \"phrase\" and \"threshold\"");
      k.phrase = normalise_phrase(e["phrase"].get<std::string>(), at + ".phrase");
      if (e.contains("threshold")) {
        if (!e["threshold"].is_number()) throw invalid_argument(at + ".threshold must be a number such as 1e-30");
        k.threshold = e["threshold"].get<double>();
      }
    } else {
      throw invalid_argument(at + " must be a phrase string or an object with a \"phrase\" string");
    }
    if (!(k.threshold > 0 && k.threshold <= 1))
      throw invalid_argument(at + ".threshold is " + std::to_string(k.threshold) +
                             "; use a number in (0, 1] such as 1e-30 (lower finds more, with more false alarms)");
    out.push_back(std::move(k));
  }
  return out;
}

void check_grammar_text(std::string_view grammar, const std::string& where) {
  if (grammar.empty()) throw invalid_argument(where + " is empty; give a JSGF grammar (\"#JSGF V1.0; grammar ...\")");
  if (grammar.size() > kMaxGrammarBytes)
    throw invalid_argument(where + " is " + std::to_string(grammar.size()) + " bytes; the limit is " +
                           std::to_string(kMaxGrammarBytes));
  if (grammar.find('\0') != std::string_view::npos) throw invalid_argument(where + " contains a NUL byte");
}

std::string keyword_file_text(const std::vector<Keyword>& keywords) {
  std::string out;
  for (const auto& k : keywords) {
    char threshold[32];
    std::snprintf(threshold, sizeof threshold, "%g", k.threshold);
    out += k.phrase + " /" + threshold + "/\n";
  }
  return out;
}

}  // namespace nexus::plugins::pocketsphinx
