#include "ps_settings.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include <nexus/sdk/error.hpp>

namespace nexus::plugins::pocketsphinx {
namespace {

using sdk::invalid_argument;
namespace fs = std::filesystem;

constexpr const char* kModelPackage =
    "the default en-us model comes with the Debian package pocketsphinx-en-us (apt-get install pocketsphinx-en-us)";

// Files pocketsphinx needs in an acoustic model folder, and one of which it
// takes the mixture weights from.
constexpr const char* kAcousticModelFiles[] = {"mdef", "means", "variances", "transition_matrices"};
constexpr const char* kMixtureWeightFiles[] = {"sendump", "mixture_weights"};

bool readable(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return in.good();
}

// The models load on an instance's first call (decoder_pool.hpp), so what
// can be checked without loading them is checked here, at create: every
// file exists, is of the right kind and can be opened.
void check_acoustic_model(const std::string& path, const std::string& where) {
  std::error_code ec;
  if (!fs::is_directory(path, ec) || !fs::exists(fs::path(path) / "mdef", ec))
    throw invalid_argument(where + ": '" + path + "' is not an acoustic model folder (no 'mdef' file in it); " +
                           kModelPackage);
  for (const char* name : kAcousticModelFiles) {
    const fs::path file = fs::path(path) / name;
    if (!fs::is_regular_file(file, ec))
      throw invalid_argument(where + ": the acoustic model folder '" + path + "' has no '" + name + "' file; " +
                             kModelPackage);
    if (!readable(file))
      throw invalid_argument(where + ": '" + file.string() + "' cannot be read (check its permissions for the user " +
                             "nexusd runs as)");
  }
  for (const char* name : kMixtureWeightFiles) {
    const fs::path file = fs::path(path) / name;
    if (fs::is_regular_file(file, ec)) {
      if (!readable(file))
        throw invalid_argument(where + ": '" + file.string() +
                               "' cannot be read (check its permissions for the user nexusd runs as)");
      return;
    }
  }
  throw invalid_argument(where + ": the acoustic model folder '" + path +
                         "' has neither 'sendump' nor 'mixture_weights'; " + kModelPackage);
}

// A model path that exists, is of the right kind and can be read, or an
// error naming it.
std::string model_path(const sdk::Config& c, const char* key, const char* fallback, bool folder) {
  std::string path = c.get_or<std::string>(key, fallback);
  const std::string where = c.path() + "." + key;
  std::error_code ec;
  if (path.empty()) throw invalid_argument(where + " is empty; name the model " + (folder ? "folder" : "file"));
  if (!fs::exists(path, ec)) throw invalid_argument(where + ": '" + path + "' does not exist; " + kModelPackage);
  if (folder) {
    check_acoustic_model(path, where);
  } else if (!fs::is_regular_file(path, ec)) {
    throw invalid_argument(where + ": '" + path + "' is not a file; " + kModelPackage);
  } else if (!readable(path)) {
    throw invalid_argument(where + ": '" + path +
                           "' cannot be read (check its permissions for the user nexusd runs as)");
  }
  return path;
}

std::string read_grammar_file(const sdk::Config& c) {
  const std::string path = c.get<std::string>("grammar_file");
  const std::string where = c.path() + ".grammar_file";
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) throw invalid_argument(where + ": cannot read '" + path + "': " + ec.message());
  if (size > kMaxGrammarBytes)
    throw invalid_argument(where + ": '" + path + "' is " + std::to_string(size) + " bytes; the limit is " +
                           std::to_string(kMaxGrammarBytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw invalid_argument(where + ": cannot open '" + path + "'");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

Settings read_settings(const sdk::Config& c) {
  static const std::set<std::string> kKnown = {"hmm",
                                               "lm",
                                               "dict",
                                               "language",
                                               "grammar",
                                               "grammar_file",
                                               "keywords",
                                               "keyword_threshold",
                                               "max_decoders",
                                               "max_audio_seconds",
                                               "accept_truncated"};
  for (const auto& [k, v] : c.json().items())
    if (!kKnown.count(k))
      throw invalid_argument(c.path() + "." + k +
                             " is not a pocketsphinx setting; see `nexusd plugins describe pocketsphinx`");

  Settings s;
  s.hmm = model_path(c, "hmm", kDefaultHmm, true);
  s.lm = model_path(c, "lm", kDefaultLm, false);
  s.dict = model_path(c, "dict", kDefaultDict, false);
  s.language = c.get_or<std::string>("language", "en");
  if (s.language.empty()) throw invalid_argument(c.path() + ".language is empty; use a language tag such as \"en\"");

  s.keyword_threshold = c.get_or<double>("keyword_threshold", kDefaultKeywordThreshold);
  if (!(s.keyword_threshold > 0 && s.keyword_threshold <= 1))
    throw invalid_argument(c.path() + ".keyword_threshold must be in (0, 1], e.g. 1e-30");

  const int searches = int(c.has("grammar")) + int(c.has("grammar_file")) + int(c.has("keywords"));
  if (searches > 1)
    throw invalid_argument(c.path() +
                           " sets more than one of grammar, grammar_file and keywords; an instance has one default "
                           "search (a call can still pass another in its options)");
  if (c.has("grammar") || c.has("grammar_file")) {
    s.search.kind = SearchKind::jsgf;
    s.search.grammar = c.has("grammar") ? c.get<std::string>("grammar") : read_grammar_file(c);
    check_grammar_text(s.search.grammar, c.path() + (c.has("grammar") ? ".grammar" : ".grammar_file"));
  } else if (c.has("keywords")) {
    s.search.kind = SearchKind::kws;
    s.search.keywords = read_keywords(c.json().at("keywords"), c.path() + ".keywords", s.keyword_threshold);
  }

  const auto decoders = c.get_or<std::int64_t>("max_decoders", 2);
  if (decoders < 1 || decoders > 64)
    throw invalid_argument(c.path() + ".max_decoders is " + std::to_string(decoders) +
                           "; use 1 to 64 (each decoder holds its own copy of the models)");
  s.max_decoders = static_cast<int>(decoders);
  s.max_audio_seconds = c.get_or<double>("max_audio_seconds", 3600);
  if (!(s.max_audio_seconds > 0 && s.max_audio_seconds <= 86400))
    throw invalid_argument(c.path() + ".max_audio_seconds must be more than 0 and at most 86400 (one day)");
  if (c.has("accept_truncated") && !c.json().at("accept_truncated").is_boolean())
    throw invalid_argument(c.path() + ".accept_truncated must be true or false (found a " +
                           c.json().at("accept_truncated").type_name() +
                           "); true transcribes what there is of a truncated WAV, false (the default) refuses it");
  s.accept_truncated = c.get_or<bool>("accept_truncated", false);
  return s;
}

}  // namespace nexus::plugins::pocketsphinx
