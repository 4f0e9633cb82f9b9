#include "decoder.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <type_traits>

#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>
#include <sphinxbase/feat.h>

#include <nexus/sdk/error.hpp>

#include "sphinx_log.hpp"

namespace nexus::plugins::pocketsphinx {
namespace {

using sdk::invalid_argument;

static_assert(std::is_same_v<mfcc_t, float>, "sphinxbase built with fixed-point features: adapt initial_cmn_");

constexpr const char* kLmSearch = "_default";  // the name ps_init gives the -lm search
constexpr const char* kConfiguredSearch = "configured";
constexpr const char* kCallSearch = "call";
// Samples per ps_process_raw: what pocketsphinx_continuous feeds, so the
// voice activity detector splits utterances the same way.
constexpr std::size_t kBlockSamples = 2048;

// A keyphrase file for ps_set_kws (it reads keywords only from a file),
// removed when the object goes.
class KeywordFile {
 public:
  explicit KeywordFile(const std::string& text) {
    std::string pattern = (std::filesystem::temp_directory_path() / "nexus-pocketsphinx-kws-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) throw sdk::internal("cannot create a temporary keyword file in " + pattern);
    ::close(fd);
    path_ = pattern;
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw sdk::internal("cannot write the temporary keyword file " + path_);
  }
  ~KeywordFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  KeywordFile(const KeywordFile&) = delete;
  KeywordFile& operator=(const KeywordFile&) = delete;
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

// <s>, </s>, <sil>, [NOISE], ++BREATH++: not words anyone said.
bool is_filler(const std::string& w) {
  return w.empty() || w.front() == '<' || w.front() == '[' || w.rfind("++", 0) == 0;
}

// "to(3)" -> "to"; keyword spotting pads its phrases with spaces.
std::string clean_word(const char* raw) {
  std::string w(raw ? raw : "");
  while (!w.empty() && std::isspace(static_cast<unsigned char>(w.back()))) w.pop_back();
  while (!w.empty() && std::isspace(static_cast<unsigned char>(w.front()))) w.erase(0, 1);
  if (!w.empty() && w.back() == ')') {
    const auto open = w.rfind('(');
    if (open != std::string::npos && open > 0 &&
        std::all_of(w.begin() + static_cast<std::ptrdiff_t>(open) + 1, w.end() - 1,
                    [](unsigned char c) { return std::isdigit(c); }))
      w.erase(open);
  }
  return w;
}

double probability(ps_decoder_t* ps, int32 log_prob) {
  return std::clamp(logmath_exp(ps_get_logmath(ps), log_prob), 0.0, 1.0);
}

}  // namespace

Decoder::Decoder(const Settings& settings)
    : configured_kind_(settings.search.kind), active_kind_(settings.search.kind) {
  install_sphinx_log_hook();
  LogCapture log;
  // The language model is loaded only when it is the configured search: a
  // grammar or keyword instance does not need its memory or load time.
  const bool with_lm = settings.search.kind == SearchKind::lm;
  // cmd_ln_init's argument list ends at the first null: two calls, not a null value.
  config_.reset(with_lm ? cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", settings.hmm.c_str(), "-dict",
                                      settings.dict.c_str(), "-lm", settings.lm.c_str(), nullptr)
                        : cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", settings.hmm.c_str(), "-dict",
                                      settings.dict.c_str(), nullptr));
  if (!config_) throw invalid_argument("pocketsphinx refused its configuration: " + log.problems("no reason given"));
  ps_.reset(ps_init(config_.get()));
  if (!ps_)
    throw invalid_argument("pocketsphinx could not load the models (hmm '" + settings.hmm + "', dict '" +
                           settings.dict + (with_lm ? "', lm '" + settings.lm : std::string()) +
                           "'): " + log.problems("no reason given"));
  frame_rate_ = cmd_ln_int32_r(config_.get(), "-frate");
  // The live cepstral-mean estimate adapts to the audio it hears; keep the
  // model's starting point so every call starts from it (see decode()).
  if (const cmn_t* cmn = ps_get_feat(ps_.get())->cmn_struct) {
    const auto n = static_cast<std::size_t>(cmn->veclen);
    initial_cmn_.mean.assign(cmn->cmn_mean, cmn->cmn_mean + n);
    initial_cmn_.sum.assign(cmn->sum, cmn->sum + n);
    initial_cmn_.frames = cmn->nframe;
  }
  if (!with_lm) {
    add_search(kConfiguredSearch, settings.search,
               settings.search.kind == SearchKind::jsgf ? "config.grammar" : "config.keywords");
    if (ps_set_search(ps_.get(), kConfiguredSearch) != 0)
      throw sdk::internal("pocketsphinx could not switch to the configured search");
  }
}

void Decoder::ConfigFree::operator()(cmd_ln_t* config) const noexcept {
  cmd_ln_free_r(config);
}
void Decoder::DecoderFree::operator()(ps_decoder_t* ps) const noexcept {
  ps_free(ps);
}

void Decoder::add_search(const char* name, const SearchSpec& spec, const std::string& where) {
  install_sphinx_log_hook();
  LogCapture log;
  switch (spec.kind) {
    case SearchKind::jsgf:
      if (ps_set_jsgf_string(ps_.get(), name, spec.grammar.c_str()) != 0)
        throw invalid_argument(where +
                               " is not a usable JSGF grammar: " + log.problems("pocketsphinx could not compile it") +
                               " (a grammar needs a '#JSGF V1.0;' header, a 'grammar NAME;' line and a public rule, "
                               "and every word must be in the dictionary)");
      return;
    case SearchKind::kws: {
      // ps_set_kws quietly drops words it cannot pronounce; say so instead.
      for (const auto& k : spec.keywords) check_in_dictionary(k.phrase, where);
      const KeywordFile file(keyword_file_text(spec.keywords));
      if (ps_set_kws(ps_.get(), name, file.path().c_str()) != 0)
        throw invalid_argument(where + " cannot be spotted: " + log.problems("pocketsphinx refused the keywords") +
                               " (every word of a phrase must be in the dictionary)");
      return;
    }
    case SearchKind::lm:
      throw sdk::internal("the language-model search is loaded at start, not per call");
  }
}

void Decoder::use_call_search(const SearchSpec& spec) {
  const std::string where = spec.kind == SearchKind::jsgf ? "options.grammar" : "options.keywords";
  add_search(kCallSearch, spec, where);
  if (ps_set_search(ps_.get(), kCallSearch) != 0)
    throw sdk::internal("pocketsphinx could not switch to the call's search");
  active_kind_ = spec.kind;
}

bool Decoder::restore_configured_search() noexcept {
  const char* configured = configured_kind_ == SearchKind::lm ? kLmSearch : kConfiguredSearch;
  if (ps_set_search(ps_.get(), configured) != 0) return false;
  active_kind_ = configured_kind_;
  // Forget the call's grammar or keywords; absent is fine.
  ps_unset_search(ps_.get(), kCallSearch);
  return true;
}

void Decoder::check_in_dictionary(const std::string& phrase, const std::string& where) {
  std::size_t start = 0;
  while (start < phrase.size()) {
    std::size_t end = phrase.find(' ', start);
    if (end == std::string::npos) end = phrase.size();
    const std::string word = phrase.substr(start, end - start);
    char* pronunciation = ps_lookup_word(ps_.get(), word.c_str());
    if (!pronunciation)
      throw invalid_argument(where + ": the word '" + word + "' of '" + phrase +
                             "' is not in the dictionary, so it cannot be spotted; use dictionary words (or add it to "
                             "the dictionary file)");
    std::free(pronunciation);
    start = end + 1;
  }
}

std::optional<Utterance> Decoder::collect_utterance() {
  int32 score = 0;
  const char* hyp = ps_get_hyp(ps_.get(), &score);
  if (!hyp || !*hyp) return std::nullopt;
  Utterance u;
  // Keyword spotting has no posterior for the whole hypothesis; its
  // per-detection probability is in each word.
  if (active_kind_ != SearchKind::kws) u.confidence = probability(ps_.get(), ps_get_prob(ps_.get()));
  for (ps_seg_t* seg = ps_seg_iter(ps_.get()); seg; seg = ps_seg_next(seg)) {
    std::string word = clean_word(ps_seg_word(seg));
    if (is_filler(word)) continue;
    int start_frame = 0, end_frame = 0;
    ps_seg_frames(seg, &start_frame, &end_frame);
    RecognisedWord w;
    w.text = std::move(word);
    w.start = start_frame / frame_rate_;
    w.end = (end_frame + 1) / frame_rate_;
    w.confidence = probability(ps_.get(), ps_seg_prob(seg, nullptr, nullptr, nullptr));
    u.words.push_back(std::move(w));
  }
  // Keyword spotting lists its detections newest first.
  std::stable_sort(u.words.begin(), u.words.end(),
                   [](const RecognisedWord& a, const RecognisedWord& b) { return a.start < b.start; });
  if (u.words.empty()) return std::nullopt;
  return u;
}

std::vector<Utterance> Decoder::decode(std::span<const std::int16_t> samples, std::size_t report_every,
                                       const DecodeObserver& observer) {
  // A call must not depend on the calls before it on this decoder: a new
  // stream restarts frame counting (word times from 0) and the noise and
  // voice-activity estimates, and the cepstral mean goes back to the model's.
  if (ps_start_stream(ps_.get()) != 0) throw sdk::internal("pocketsphinx could not start a stream");
  // Not cmn_live_set: it also primes the running sum as if 500 frames of
  // the mean had been heard, which a fresh decoder has not, and the second
  // utterance of a call would then decode differently from the CLI's.
  if (cmn_t* cmn = ps_get_feat(ps_.get())->cmn_struct; cmn && !initial_cmn_.mean.empty()) {
    std::copy(initial_cmn_.mean.begin(), initial_cmn_.mean.end(), cmn->cmn_mean);
    std::copy(initial_cmn_.sum.begin(), initial_cmn_.sum.end(), cmn->sum);
    cmn->nframe = initial_cmn_.frames;
  }
  if (ps_start_utt(ps_.get()) != 0) throw sdk::internal("pocketsphinx could not start an utterance");
  // Whatever stops the decode (cancellation, an error), the utterance is
  // closed so the decoder is ready for its next call.
  struct OpenUtterance {
    ps_decoder_t* ps;
    bool open = true;
    ~OpenUtterance() {
      if (open) ps_end_utt(ps);
    }
  } guard{ps_.get()};

  std::vector<Utterance> out;
  bool in_speech = false;
  std::size_t next_report = report_every;
  for (std::size_t pos = 0; pos < samples.size();) {
    const std::size_t n = std::min(kBlockSamples, samples.size() - pos);
    if (ps_process_raw(ps_.get(), samples.data() + pos, n, FALSE, FALSE) < 0)
      throw sdk::internal("pocketsphinx failed to process audio at sample " + std::to_string(pos));
    pos += n;
    const bool speech = ps_get_in_speech(ps_.get()) != 0;
    if (speech) in_speech = true;
    if (!speech && in_speech) {
      // Speech followed by a pause: one utterance is complete.
      guard.open = false;
      ps_end_utt(ps_.get());
      if (auto u = collect_utterance()) out.push_back(std::move(*u));
      if (ps_start_utt(ps_.get()) != 0) throw sdk::internal("pocketsphinx could not start an utterance");
      guard.open = true;
      in_speech = false;
    }
    if (pos >= next_report && pos < samples.size()) {
      observer(pos);
      next_report = pos + report_every;
    }
  }
  guard.open = false;
  ps_end_utt(ps_.get());
  if (auto u = collect_utterance()) out.push_back(std::move(*u));
  observer(samples.size());
  return out;
}

}  // namespace nexus::plugins::pocketsphinx
