// The "pocketsphinx" transcription plugin through its C ABI, on speech made
// during the test by espeak-ng and sox (support/speech_audio.hpp): exact
// grammar decodes at every accepted rate and layout, open-vocabulary and
// keyword-spotting decodes, per-call searches that do not leak into the next
// call, refusals of what is not readable PCM WAV, truncated recordings
// (refused unless accept_truncated) and the streaming placeholder size,
// progress and cancellation on a minute-long call, deadlines, the decoder
// pool under concurrent calls, and config errors. Also the plugin's WAV
// reader and resampler directly.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <nexus/sdk/error.hpp>

#include "support/plugin_harness.hpp"
#include "support/speech_audio.hpp"
#include "support/temp_dir.hpp"
#include "support/transcription_harness.hpp"

// The plugin's audio front end (nexus_pocketsphinx_audio), linked in.
#include "audio_input.hpp"
#include "resample.hpp"
#include "wav.hpp"

namespace nexus::test {
namespace {

namespace ps = nexus::plugins::pocketsphinx;
using json = nlohmann::json;

constexpr const char* kSentence = "please transfer my call to billing";
constexpr const char* kGrammar =
    "#JSGF V1.0;\n"
    "grammar call;\n"
    "public <call> = please transfer my call to ( billing | sales | support ) | i want to speak to a manager;\n";

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Words of a transcript, in order, over all segments.
std::vector<std::string> words_of(const json& t) {
  std::vector<std::string> out;
  for (const auto& seg : t.at("segments"))
    for (const auto& w : seg.at("words")) out.push_back(w.at("word").get<std::string>());
  return out;
}
bool has_word(const json& t, const std::string& word) {
  const auto w = words_of(t);
  return std::find(w.begin(), w.end(), word) != w.end();
}

// ---------------------------------------------------------------------------
// Speech files, made once per test program and shared by the tests.

class Speech {
 public:
  static Speech& get() {
    static Speech s;
    return s;
  }
  // `text` spoken in `format`, with `pad` seconds of silence after it.
  std::string wav(const std::string& text, const WavFormat& format = {}, double pad = 0) {
    std::lock_guard lock(mutex_);
    const std::string key = text + "|" + std::to_string(format.rate) + "|" + std::to_string(format.channels) + "|" +
                            std::to_string(format.bits) + "|" + format.encoding + "|" + std::to_string(pad);
    auto it = cache_.find(key);
    if (it != cache_.end()) return read_file_bytes(it->second);
    const auto path = dir_ / ("speech-" + std::to_string(cache_.size()) + ".wav");
    make_speech_wav(text, path, format, pad);
    cache_.emplace(key, path);
    return read_file_bytes(path);
  }
  // About a minute of call: three sentences with pauses, four times over.
  const std::string& minute() {
    std::lock_guard lock(mutex_);
    if (minute_.empty()) {
      const std::vector<std::string> lines = {kSentence, "i want to speak to a manager",
                                              "i would like to cancel my account"};
      std::vector<std::filesystem::path> parts;
      for (std::size_t i = 0; i < lines.size(); ++i) {
        parts.push_back(dir_ / ("minute-part-" + std::to_string(i) + ".wav"));
        make_speech_wav(lines[i], parts.back(), {}, 2.5);
      }
      std::vector<std::filesystem::path> all;
      for (int round = 0; round < 4; ++round) all.insert(all.end(), parts.begin(), parts.end());
      concat_wavs(all, dir_ / "minute.wav");
      minute_ = read_file_bytes(dir_ / "minute.wav");
    }
    return minute_;
  }

 private:
  TempDir dir_;
  std::mutex mutex_;
  std::map<std::string, std::filesystem::path> cache_;
  std::string minute_;
};

// Seconds of 16-bit mono audio in a canonical 44-byte-header WAV.
double seconds_of_16k(const std::string& wav) {
  return static_cast<double>(wav.size() - 44) / (2 * 16000);
}

// A canonical 44-byte-header WAV with its RIFF and data sizes overwritten
// by `size`, as a streaming writer leaves them.
std::string with_sizes(std::string wav, std::uint32_t size) {
  for (const std::size_t at : {std::size_t{4}, std::size_t{40}})
    for (int i = 0; i < 4; ++i) wav[at + i] = static_cast<char>((size >> (8 * i)) & 0xff);
  return wav;
}

bool any_log_contains(const std::vector<std::string>& logs, const std::string& text) {
  return std::any_of(logs.begin(), logs.end(), [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

// ---------------------------------------------------------------------------
// The plugin through its C ABI.

class PocketsphinxTest : public ::testing::Test {
 protected:
  static LoadedPlugin& plugin() {
    static LoadedPlugin p(plugin_path("pocketsphinx"));
    return p;
  }
  static std::unique_ptr<PluginInstance> create(const json& config) {
    auto c = plugin().create(config.dump(), "speech");
    EXPECT_EQ(c.status, NEXUS_OK) << c.error;
    if (!c.instance) throw std::runtime_error("create failed: " + c.error);
    return std::move(c.instance);
  }
  static LoadedPlugin::Created create_fails(const json& config) {
    auto c = plugin().create(config.dump(), "speech");
    EXPECT_NE(c.status, NEXUS_OK) << "config " << config.dump() << " was accepted";
    return c;
  }
  static json grammar_config() { return json{{"grammar", kGrammar}}; }
  static json transcript_ok(const PluginInstance& inst, const std::string& audio, const json& options = nullptr,
                            std::string_view media_type = "audio/wav") {
    const std::string o = options.is_null() ? std::string() : options.dump();
    const TranscribeResult r = transcribe(inst, audio, media_type, o);
    EXPECT_EQ(r.status, NEXUS_OK) << r.error;
    if (!r.ok()) return json::object();
    return r.json();
  }
  static Speech& speech() { return Speech::get(); }
};

TEST_F(PocketsphinxTest, DescriptorIsATranscriptionPluginWithAStrictSchema) {
  const auto& d = plugin().descriptor();
  EXPECT_STREQ(d.id, "pocketsphinx");
  EXPECT_EQ(d.concurrency, NEXUS_CONCURRENCY_PARALLEL);
  ASSERT_NE(d.on_get_interface(NEXUS_TRANSCRIPTION_V1), nullptr);
  const json schema = json::parse(d.config_schema);
  EXPECT_EQ(schema.at("additionalProperties"), false);
  for (const char* key : {"hmm", "lm", "dict", "grammar", "grammar_file", "keywords", "max_decoders",
                          "max_audio_seconds", "accept_truncated"}) {
    ASSERT_TRUE(schema.at("properties").contains(key)) << key;
    EXPECT_FALSE(schema["properties"][key].value("description", "").empty()) << key;
  }
  EXPECT_EQ(schema["properties"]["max_decoders"]["default"], 2);
  EXPECT_EQ(schema["properties"]["accept_truncated"]["type"], "boolean");
  EXPECT_EQ(schema["properties"]["accept_truncated"]["default"], false);
  EXPECT_EQ(schema["properties"]["hmm"]["default"], "/usr/share/pocketsphinx/model/en-us/en-us");
}

TEST_F(PocketsphinxTest, ConfiguredGrammarDecodesTheSentenceExactly) {
  auto inst = create(grammar_config());
  const std::string audio = speech().wav(kSentence);
  const json t = transcript_ok(*inst, audio);
  EXPECT_EQ(t.value("text", ""), kSentence);
  EXPECT_EQ(t.value("language", ""), "en");
  EXPECT_NEAR(t.value("duration_s", 0.0), seconds_of_16k(audio), 1e-6);
  EXPECT_GE(t.value("processing_s", -1.0), 0.0);
  EXPECT_EQ(t["provider"]["plugin"], "pocketsphinx");
  EXPECT_EQ(t["provider"]["search"], "jsgf");
  ASSERT_EQ(t["segments"].size(), 1u) << t.dump();
  const json& seg = t["segments"][0];
  EXPECT_EQ(seg["text"], kSentence);
  EXPECT_EQ(words_of(t), (std::vector<std::string>{"please", "transfer", "my", "call", "to", "billing"}));
  // Word times: inside the recording, in order, each with a length.
  double previous_end = 0;
  for (const auto& w : seg["words"]) {
    EXPECT_LT(w["start"].get<double>(), w["end"].get<double>()) << w.dump();
    EXPECT_GE(w["start"].get<double>(), previous_end) << w.dump();
    EXPECT_LE(w["end"].get<double>(), seconds_of_16k(audio) + 0.01) << w.dump();
    ASSERT_TRUE(w.contains("confidence")) << w.dump();
    EXPECT_GE(w["confidence"].get<double>(), 0.0);
    EXPECT_LE(w["confidence"].get<double>(), 1.0);
    previous_end = w["end"].get<double>();
  }
  EXPECT_LE(seg["start"].get<double>(), seg["words"][0]["start"].get<double>());
  EXPECT_GE(seg["end"].get<double>(), previous_end);
}

TEST_F(PocketsphinxTest, GrammarFileIsReadAtCreate) {
  TempDir dir;
  { std::ofstream(dir / "call.jsgf") << kGrammar; }
  auto inst = create(json{{"grammar_file", (dir / "call.jsgf").string()}});
  EXPECT_EQ(transcript_ok(*inst, speech().wav(kSentence)).value("text", ""), kSentence);
}

TEST_F(PocketsphinxTest, OpenVocabularyDecodeFindsTheKeyWords) {
  // The stock en-us model on espeak-ng's voice: not every word is right,
  // but "would like" is (checked by hand with pocketsphinx_continuous).
  auto inst = create(json::object());
  const json t = transcript_ok(*inst, speech().wav("i would like to cancel my account"));
  EXPECT_EQ(t["provider"]["search"], "lm");
  EXPECT_TRUE(has_word(t, "would")) << t.dump();
  EXPECT_TRUE(has_word(t, "like")) << t.dump();
  ASSERT_FALSE(t["segments"].empty());
  // The language model gives real posteriors: present, in [0, 1].
  const json& seg = t["segments"][0];
  ASSERT_TRUE(seg.contains("confidence")) << seg.dump();
  EXPECT_GE(seg["confidence"].get<double>(), 0.0);
  EXPECT_LE(seg["confidence"].get<double>(), 1.0);
  for (const auto& w : seg["words"]) {
    EXPECT_EQ(w["word"].get<std::string>().find('('), std::string::npos) << "pronunciation mark left: " << w.dump();
    EXPECT_NE(w["word"].get<std::string>().front(), '<') << "filler left in: " << w.dump();
  }
}

// Thresholds: on this sentence "billing" is found once from 1e-30 to 1e-40,
// and 1e-45 adds false alarms; 1e-35 sits in the middle.
TEST_F(PocketsphinxTest, ConfiguredKeywordsAreSpottedAndNothingElse) {
  auto inst = create(json{{"keywords", json::array({json{{"phrase", "transfer"}, {"threshold", 1e-35}},
                                                    json{{"phrase", "billing"}, {"threshold", 1e-35}},
                                                    json{{"phrase", "manager"}, {"threshold", 1e-35}}})}});
  const json t = transcript_ok(*inst, speech().wav(kSentence, {}, 1.0));
  EXPECT_EQ(t["provider"]["search"], "kws");
  EXPECT_TRUE(has_word(t, "billing")) << t.dump();
  EXPECT_FALSE(has_word(t, "manager")) << t.dump();
  for (const auto& w : words_of(t)) EXPECT_TRUE(w == "transfer" || w == "billing" || w == "manager") << w;
  // Detections in time order, each with the detector's probability.
  double previous = -1;
  for (const auto& seg : t["segments"])
    for (const auto& w : seg["words"]) {
      EXPECT_GE(w["start"].get<double>(), previous);
      previous = w["start"].get<double>();
      ASSERT_TRUE(w.contains("confidence"));
      EXPECT_GT(w["confidence"].get<double>(), 0.0);
    }
}

TEST_F(PocketsphinxTest, PerCallGrammarAppliesToThatCallOnly) {
  // One decoder, so the second call surely gets the decoder the first used.
  auto inst = create(json{{"max_decoders", 1}});
  const std::string audio = speech().wav(kSentence);
  const json with_grammar = transcript_ok(*inst, audio, json{{"grammar", kGrammar}, {"prompt", "ignored"}});
  EXPECT_EQ(with_grammar.value("text", ""), kSentence);
  EXPECT_EQ(with_grammar["provider"]["search"], "jsgf");

  const json after = transcript_ok(*inst, audio);
  EXPECT_EQ(after["provider"]["search"], "lm") << "the call's grammar leaked into the next call";
  EXPECT_NE(after.value("text", ""), kSentence) << "the open-vocabulary model does not get this sentence right; "
                                                   "an exact match means the grammar was still active";
}

TEST_F(PocketsphinxTest, ACallDoesNotDependOnTheCallsBeforeItOnTheSameDecoder) {
  // Word times start from the recording's start, and the decoder's running
  // estimates (cepstral mean, noise level) start afresh, on every call.
  auto inst = create(json{{"max_decoders", 1}});
  const std::string audio = speech().wav("i would like to cancel my account");
  const json first = transcript_ok(*inst, audio);
  transcript_ok(*inst, speech().wav("i want to speak to a manager", {8000, 1, 16, "signed-integer"}, 1.0));
  const json again = transcript_ok(*inst, audio);
  ASSERT_FALSE(first["segments"].empty());
  EXPECT_EQ(again["segments"], first["segments"]);
  EXPECT_LT(again["segments"][0]["start"].get<double>(), seconds_of_16k(audio));
}

TEST_F(PocketsphinxTest, PerCallKeywordsOverrideAConfiguredGrammar) {
  auto inst = create(json{{"grammar", kGrammar}, {"max_decoders", 1}});
  const std::string audio = speech().wav(kSentence, {}, 1.0);
  const json t =
      transcript_ok(*inst, audio, json{{"keywords", json::array({json{{"phrase", "billing"}, {"threshold", 1e-35}}})}});
  EXPECT_EQ(t["provider"]["search"], "kws");
  EXPECT_EQ(words_of(t), std::vector<std::string>{"billing"}) << t.dump();
  // And back to the grammar.
  const json next = transcript_ok(*inst, audio);
  EXPECT_EQ(next["provider"]["search"], "jsgf");
  EXPECT_EQ(next.value("text", ""), kSentence);
}

// Every accepted layout decodes to the same exact sentence: resampling and
// mixing down keep the speech intact.
class PocketsphinxFormatTest : public PocketsphinxTest, public ::testing::WithParamInterface<WavFormat> {};

TEST_P(PocketsphinxFormatTest, GrammarDecodeStaysExact) {
  static std::unique_ptr<PluginInstance> inst = create(grammar_config());
  const WavFormat f = GetParam();
  const json t = transcript_ok(*inst, speech().wav(kSentence, f));
  EXPECT_EQ(t.value("text", ""), kSentence) << f.rate << " Hz, " << f.channels << " ch, " << f.bits << " bit";
  EXPECT_EQ(t["provider"]["input"]["sample_rate"], f.rate);
  EXPECT_EQ(t["provider"]["input"]["channels"], f.channels);
  EXPECT_EQ(t["provider"]["input"]["bits_per_sample"], f.bits);
}

INSTANTIATE_TEST_SUITE_P(
    RatesChannelsBits, PocketsphinxFormatTest,
    ::testing::Values(WavFormat{8000, 1, 16, "signed-integer"}, WavFormat{11025, 1, 16, "signed-integer"},
                      WavFormat{22050, 1, 16, "signed-integer"}, WavFormat{32000, 1, 16, "signed-integer"},
                      WavFormat{44100, 1, 16, "signed-integer"}, WavFormat{48000, 1, 16, "signed-integer"},
                      WavFormat{16000, 2, 16, "signed-integer"}, WavFormat{44100, 2, 16, "signed-integer"},
                      WavFormat{16000, 1, 8, "unsigned-integer"}, WavFormat{16000, 1, 24, "signed-integer"},
                      WavFormat{16000, 1, 32, "signed-integer"}));

TEST_F(PocketsphinxTest, WhatIsNotReadablePcmWavIsRefusedClearly) {
  auto inst = create(grammar_config());
  const std::string good = speech().wav(kSentence);
  struct Case {
    std::string name, audio, media_type;
    std::vector<std::string> words;  // all must appear in the message
  };
  const std::vector<Case> cases = {
      {"mp3 media type", good, "audio/mpeg", {"audio/mpeg", "audio/wav"}},
      {"no media type", good, "", {"WAV only", "audio/wav"}},
      {"not a WAV at all", std::string(4096, 'x'), "audio/wav", {"RIFF", "not a WAV"}},
      {"empty body", "", "audio/wav", {"0 bytes", "too short"}},
      {"header cut off", good.substr(0, 30), "audio/wav", {"fmt", "truncated"}},
      {"no data chunk", good.substr(0, 36), "audio/wav", {"no data chunk"}},
      {"no samples", good.substr(0, 44), "audio/wav", {"no samples"}},
      {"IEEE float", speech().wav(kSentence, {16000, 1, 32, "floating-point"}), "audio/wav", {"IEEE float", "PCM"}},
      {"u-law", speech().wav(kSentence, {8000, 1, 8, "u-law"}), "audio/wav", {"u-law", "PCM"}},
      {"A-law", speech().wav(kSentence, {8000, 1, 8, "a-law"}), "audio/x-wav", {"A-law", "PCM"}},
  };
  for (const auto& c : cases) {
    const TranscribeResult r = transcribe(*inst, c.audio, c.media_type);
    EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << c.name << ": " << r.error;
    for (const auto& w : c.words) EXPECT_NE(r.error.find(w), std::string::npos) << c.name << ": " << r.error;
  }
}

TEST_F(PocketsphinxTest, AllThreeWavMediaTypesAndParametersAreAccepted) {
  auto inst = create(grammar_config());
  const std::string audio = speech().wav(kSentence);
  for (const char* type : {"audio/x-wav", "audio/wave", "Audio/WAV; codecs=1"})
    EXPECT_EQ(transcript_ok(*inst, audio, nullptr, type).value("text", ""), kSentence) << type;
}

// A recording with a second of silence after the sentence, and the same
// with its last half second cut off: the data chunk still declares it all,
// as a recorder killed mid-call leaves it.
struct CutRecording {
  std::string whole, cut;
};
CutRecording cut_recording() {
  CutRecording r;
  r.whole = Speech::get().wav(kSentence, {}, 1.0);
  r.cut = r.whole.substr(0, r.whole.size() - 16000 * 2 / 2);
  return r;
}

TEST_F(PocketsphinxTest, TruncatedRecordingIsRefusedByDefaultSayingWhatIsMissingAndHowToFixIt) {
  auto inst = create(grammar_config());
  const CutRecording rec = cut_recording();
  const TranscribeResult r = transcribe(*inst, rec.cut);
  ASSERT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << r.error;
  EXPECT_TRUE(r.transcript.empty()) << r.transcript;
  char present_seconds[32];
  std::snprintf(present_seconds, sizeof present_seconds, "%.1f s that are there", seconds_of_16k(rec.cut));
  for (const std::string& w : {"the WAV data chunk declares " + std::to_string(rec.whole.size() - 44) +
                                   " bytes but only " + std::to_string(rec.cut.size() - 44) + " follow",
                               std::string("truncated"), std::string("send the whole file"),
                               std::string("accept_truncated: true"), std::string(present_seconds)})
    EXPECT_NE(r.error.find(w), std::string::npos) << "'" << w << "' not in: " << r.error;
  // The whole recording is of course fine.
  EXPECT_EQ(transcript_ok(*inst, rec.whole).value("text", ""), kSentence);
}

TEST_F(PocketsphinxTest, AcceptTruncatedInTheConfigDecodesWhatIsThereWithAWarning) {
  auto inst = create(json{{"grammar", kGrammar}, {"accept_truncated", true}});
  const CutRecording rec = cut_recording();
  TranscriptionContext ctx;
  const TranscribeResult r = transcribe(*inst, rec.cut, "audio/wav", {}, ctx);
  ASSERT_EQ(r.status, NEXUS_OK) << r.error;
  const json t = r.json();
  EXPECT_EQ(t.value("text", ""), kSentence);
  EXPECT_EQ(t["provider"].value("truncated_input", false), true) << t.dump();
  EXPECT_FALSE(t["provider"].contains("length_unknown")) << t.dump();
  EXPECT_NEAR(t.value("duration_s", 0.0), seconds_of_16k(rec.cut), 1e-6);
  EXPECT_TRUE(any_log_contains(ctx.logs(), "data chunk is longer")) << "no warning logged";
  // A complete recording says nothing of truncation.
  EXPECT_FALSE(transcript_ok(*inst, rec.whole)["provider"].contains("truncated_input"));
}

TEST_F(PocketsphinxTest, AcceptTruncatedAsACallOptionOverridesTheInstanceForThatCallOnly) {
  const CutRecording rec = cut_recording();
  auto strict = create(grammar_config());
  const json t = transcript_ok(*strict, rec.cut, json{{"accept_truncated", true}});
  EXPECT_EQ(t.value("text", ""), kSentence);
  EXPECT_EQ(t["provider"].value("truncated_input", false), true) << t.dump();
  EXPECT_EQ(transcribe(*strict, rec.cut).status, NEXUS_INVALID_ARGUMENT) << "the option leaked into the next call";
  EXPECT_EQ(transcribe(*strict, rec.cut, "audio/wav", R"({"accept_truncated": null})").status, NEXUS_INVALID_ARGUMENT)
      << "null is the instance's setting";

  auto lenient = create(json{{"grammar", kGrammar}, {"accept_truncated", true}});
  const TranscribeResult refused = transcribe(*lenient, rec.cut, "audio/wav", R"({"accept_truncated": false})");
  EXPECT_EQ(refused.status, NEXUS_INVALID_ARGUMENT) << refused.error;
  EXPECT_NE(refused.error.find("truncated"), std::string::npos) << refused.error;
  EXPECT_EQ(transcribe(*lenient, rec.cut).status, NEXUS_OK) << "the option leaked into the next call";
}

TEST_F(PocketsphinxTest, StreamingPlaceholderSizeIsDecodedInFullWithoutAWarning) {
  // RIFF and data sizes left at 0xFFFFFFFF by a writer that streamed the
  // recording and could not seek back: nothing is missing, so nothing is
  // refused, whatever accept_truncated says.
  auto inst = create(grammar_config());
  const std::string whole = speech().wav(kSentence, {}, 1.0);
  ASSERT_EQ(whole.substr(36, 4), "data") << "not a canonical 44-byte header";
  const std::string streamed = with_sizes(whole, 0xFFFFFFFFu);
  TranscriptionContext ctx;
  const TranscribeResult r = transcribe(*inst, streamed, "audio/wav", R"({"accept_truncated": false})", ctx);
  ASSERT_EQ(r.status, NEXUS_OK) << r.error;
  const json t = r.json();
  EXPECT_EQ(t.value("text", ""), kSentence);
  EXPECT_EQ(t["provider"].value("length_unknown", false), true) << t.dump();
  EXPECT_FALSE(t["provider"].contains("truncated_input")) << t.dump();
  EXPECT_NEAR(t.value("duration_s", 0.0), seconds_of_16k(whole), 1e-6);
  for (const auto& l : ctx.logs()) EXPECT_EQ(l.find("data chunk"), std::string::npos) << l;
}

TEST_F(PocketsphinxTest, RecordingOverTheLimitIsResourceExhausted) {
  auto inst = create(json{{"grammar", kGrammar}, {"max_audio_seconds", 1.5}});
  const TranscribeResult r = transcribe(*inst, speech().wav(kSentence));
  EXPECT_EQ(r.status, NEXUS_RESOURCE_EXHAUSTED);
  EXPECT_NE(r.error.find("max_audio_seconds"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("1.5"), std::string::npos) << r.error;
}

TEST_F(PocketsphinxTest, MinuteLongCallReportsProgressAndDecodesEveryUtterance) {
  auto inst = create(grammar_config());
  const std::string& audio = speech().minute();
  const double total = seconds_of_16k(audio);
  ASSERT_GT(total, 55.0);
  TranscriptionContext ctx;
  const TranscribeResult r = transcribe(*inst, audio, "audio/wav", {}, ctx);
  ASSERT_EQ(r.status, NEXUS_OK) << r.error;
  const auto progress = ctx.progress();
  // About every half second: well over fifty reports, strictly increasing,
  // against the same total, ending at the end.
  ASSERT_GE(progress.size(), 100u);
  for (std::size_t i = 1; i < progress.size(); ++i) {
    EXPECT_GT(progress[i].progress, progress[i - 1].progress) << i;
    EXPECT_DOUBLE_EQ(progress[i].total, progress[0].total);
  }
  EXPECT_NEAR(progress.back().progress, progress.back().total, 1e-9);
  EXPECT_NEAR(progress.back().total, total, 0.01);
  EXPECT_NE(progress.front().message.find("decoded"), std::string::npos) << progress.front().message;
  // The grammar's two sentences, four times each, each its own segment in time order.
  const json t = r.json();
  int transfers = 0, managers = 0;
  double previous = -1;
  for (const auto& seg : t["segments"]) {
    transfers += seg["text"] == kSentence;
    managers += seg["text"] == "i want to speak to a manager";
    EXPECT_GT(seg["start"].get<double>(), previous);
    previous = seg["start"].get<double>();
  }
  EXPECT_EQ(transfers, 4) << t.dump();
  EXPECT_EQ(managers, 4) << t.dump();
  EXPECT_GT(previous, 45.0) << "the last utterance should be near the end of the minute";
}

TEST_F(PocketsphinxTest, MinuteLongCallStopsSoonAfterCancellation) {
  auto inst = create(json::object());  // open vocabulary: the slow search
  const std::string& audio = speech().minute();
  TranscriptionContext ctx(/*cancel_after_progress=*/6);
  const TranscribeResult r = transcribe(*inst, audio, "audio/wav", {}, ctx);
  EXPECT_EQ(r.status, NEXUS_CANCELLED) << r.error;
  EXPECT_FALSE(r.error.empty());
  EXPECT_TRUE(r.transcript.empty());
  const auto progress = ctx.progress();
  // Stopped at the first poll after the sixth report, not at the end (~120).
  EXPECT_EQ(progress.size(), 6u);
  ASSERT_FALSE(progress.empty());
  EXPECT_LT(progress.back().progress, 0.1 * progress.back().total);
  // The decoder went back to the pool in a usable state.
  EXPECT_TRUE(has_word(transcript_ok(*inst, speech().wav("i would like to cancel my account")), "would"));
}

TEST_F(PocketsphinxTest, CancelledOrPastDeadlineBeforeStartingIsRefused) {
  auto inst = create(grammar_config());
  const std::string audio = speech().wav(kSentence);
  TranscriptionContext past(-1, now_unix_ms() - 1000);
  const TranscribeResult late = transcribe(*inst, audio, "audio/wav", {}, past);
  EXPECT_EQ(late.status, NEXUS_DEADLINE_EXCEEDED) << late.error;
  EXPECT_NE(late.error.find("deadline"), std::string::npos) << late.error;
  EXPECT_TRUE(past.progress().empty());

  TranscriptionContext cancelled(0);
  EXPECT_EQ(transcribe(*inst, audio, "audio/wav", {}, cancelled).status, NEXUS_CANCELLED);
}

TEST_F(PocketsphinxTest, ConcurrentCallsShareTwoDecodersAndAllDecodeExactly) {
  auto inst = create(json{{"grammar", kGrammar}, {"max_decoders", 2}});
  const std::string audio = speech().wav(kSentence);
  const std::string manager = speech().wav("i want to speak to a manager");
  std::vector<std::string> failures;
  std::mutex m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i) {
        const bool first = (t + i) % 2 == 0;
        const TranscribeResult r = transcribe(*inst, first ? audio : manager);
        const std::string want = first ? kSentence : "i want to speak to a manager";
        if (!r.ok() || r.json().value("text", "") != want) {
          std::lock_guard lock(m);
          failures.push_back("thread " + std::to_string(t) + " call " + std::to_string(i) + ": " +
                             (r.ok() ? r.transcript : r.error));
        }
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_TRUE(failures.empty()) << failures.front();
}

// A call context whose progress callback blocks until released: holds the
// only decoder for as long as the test wants.
class HoldingContext {
 public:
  HoldingContext() {
    ctx_.struct_size = sizeof(nexus_call_context);
    ctx_.host_data = this;
    ctx_.request_id = nexus_str{"req-hold", 8};
    ctx_.callback_is_cancelled = [](void*) { return 0; };
    ctx_.callback_progress = [](void* self, double, double, nexus_str) {
      auto& c = *static_cast<HoldingContext*>(self);
      std::unique_lock lock(c.m_);
      c.holding_ = true;
      c.cv_.notify_all();
      c.cv_.wait(lock, [&] { return c.released_; });
    };
    ctx_.callback_log = [](void*, nexus_log_level, nexus_str) {};
    ctx_.callback_set_error = [](void*, nexus_str) {};
  }
  const nexus_call_context* get() const { return &ctx_; }
  void wait_until_holding() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return holding_; });
  }
  void release() {
    std::lock_guard lock(m_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  nexus_call_context ctx_{};
  std::mutex m_;
  std::condition_variable cv_;
  bool holding_ = false, released_ = false;
};

// A call context that answers "cancelled" from its n-th poll on.
class PollCancelContext {
 public:
  explicit PollCancelContext(int cancel_at_poll) : cancel_at_(cancel_at_poll) {
    ctx_.struct_size = sizeof(nexus_call_context);
    ctx_.host_data = this;
    ctx_.request_id = nexus_str{"req-poll", 8};
    ctx_.callback_is_cancelled = [](void* self) {
      auto& c = *static_cast<PollCancelContext*>(self);
      return ++c.polls_ >= c.cancel_at_ ? 1 : 0;
    };
    ctx_.callback_progress = [](void*, double, double, nexus_str) {};
    ctx_.callback_log = [](void*, nexus_log_level, nexus_str) {};
    ctx_.callback_set_error = [](void* self, nexus_str m) {
      static_cast<PollCancelContext*>(self)->error_.assign(m.data, m.size);
    };
  }
  const nexus_call_context* get() const { return &ctx_; }
  int polls() const { return polls_.load(); }
  // Read once the call returned.
  const std::string& error() const { return error_; }

 private:
  int cancel_at_;
  std::atomic<int> polls_{0};
  std::string error_;
  nexus_call_context ctx_{};
};

nexus_status transcribe_with(const PluginInstance& inst, const std::string& audio, const nexus_call_context* ctx) {
  nexus_writer discard{sizeof(nexus_writer), nullptr, [](void*, const void*, size_t) { return NEXUS_OK; }};
  return inst.transcription()->on_transcribe(
      inst.handle(), ctx, nexus_bytes{reinterpret_cast<const std::uint8_t*>(audio.data()), audio.size()},
      nexus_str{"audio/wav", 9}, nexus_str{nullptr, 0}, &discard);
}

TEST_F(PocketsphinxTest, CallWaitingForABusyDecoderHonoursItsDeadlineAndCancellation) {
  auto inst = create(json{{"grammar", kGrammar}, {"max_decoders", 1}});
  const std::string audio = speech().wav(kSentence);
  HoldingContext holder;
  nexus_status held_status = NEXUS_INTERNAL;
  std::thread busy([&] { held_status = transcribe_with(*inst, audio, holder.get()); });
  holder.wait_until_holding();  // the only decoder is lent out now

  TranscriptionContext soon(-1, now_unix_ms() + 200);
  const TranscribeResult late = transcribe(*inst, audio, "audio/wav", {}, soon);
  EXPECT_EQ(late.status, NEXUS_DEADLINE_EXCEEDED) << late.error;
  // Cancelled on the third look: the first is before the call queues for a
  // decoder, the others while it waits.
  PollCancelContext cancel_while_waiting(3);
  EXPECT_EQ(transcribe_with(*inst, audio, cancel_while_waiting.get()), NEXUS_CANCELLED);
  EXPECT_GE(cancel_while_waiting.polls(), 3);

  holder.release();
  busy.join();
  EXPECT_EQ(held_status, NEXUS_OK);
  EXPECT_EQ(transcript_ok(*inst, audio).value("text", ""), kSentence);
}

// ---------------------------------------------------------------------------
// Lazy model loading: an open-vocabulary instance loads its models on its
// first call (decoder_pool.hpp).

constexpr const char* kLoadedLine = "loaded the models";
constexpr const char* kEnUsHmm = "/usr/share/pocketsphinx/model/en-us/en-us";
constexpr const char* kEnUsLm = "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin";
constexpr const char* kEnUsDict = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict";
constexpr const char* kOpenSentence = "i would like to cancel my account";

// Log lines of instance `name` that contain `needle`.
std::size_t count_lines(const LogRecorder& log, const std::string& name, const std::string& needle) {
  const auto lines = log.lines();
  return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
    return l.find("instance '" + name + "'") != std::string::npos && l.find(needle) != std::string::npos;
  }));
}

// The instance's health: NEXUS_OK, or the status and its detail.
std::pair<nexus_status, std::string> health_of(const LoadedPlugin& plugin, const PluginInstance& inst) {
  std::string detail;
  nexus_writer out{sizeof(nexus_writer), &detail, [](void* s, const void* d, size_t n) {
                     static_cast<std::string*>(s)->append(static_cast<const char*>(d), n);
                     return NEXUS_OK;
                   }};
  const nexus_status status = plugin.descriptor().on_instance_health(inst.handle(), &out);
  return {status, detail};
}

// Waits (without a time limit on the happy path) until `polls` reaches
// `n`; fails the test after `guard` so a broken pool cannot hang it.
bool wait_for_polls(const PollCancelContext& ctx, int n, std::chrono::seconds guard = std::chrono::seconds(60)) {
  const auto give_up = std::chrono::steady_clock::now() + guard;
  while (ctx.polls() < n) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// A model folder of symbolic links to Debian's en-us files, so a test can
// take one away after create.
struct LinkedModel {
  TempDir dir;
  std::filesystem::path lm = dir / "en-us.lm.bin";
  LinkedModel() { link_lm(); }
  void link_lm() const { std::filesystem::create_symlink(kEnUsLm, lm); }
  void unlink_lm() const { std::filesystem::remove(lm); }
  json config(int max_decoders) const { return json{{"lm", lm.string()}, {"max_decoders", max_decoders}}; }
};

TEST_F(PocketsphinxTest, OpenVocabularyInstanceLoadsItsModelsOnTheFirstCallNotAtCreate) {
  const std::string name = "lazy-first-call";
  auto created = plugin().create(json::object().dump(), name);
  ASSERT_EQ(created.status, NEXUS_OK) << created.error;
  EXPECT_EQ(count_lines(plugin().log(), name, kLoadedLine), 0u) << "the models were loaded at create";
  EXPECT_EQ(count_lines(plugin().log(), name, "the models load on the first call"), 1u);
  EXPECT_EQ(health_of(plugin(), *created.instance).first, NEXUS_OK);

  const std::string audio = speech().wav(kOpenSentence);
  TranscriptionContext first;
  const TranscribeResult r = transcribe(*created.instance, audio, "audio/wav", {}, first);
  ASSERT_EQ(r.status, NEXUS_OK) << r.error;
  EXPECT_TRUE(has_word(r.json(), "would")) << r.transcript;
  EXPECT_EQ(count_lines(plugin().log(), name, kLoadedLine), 1u);
  // The load is reported as progress, at 0 of the recording's length.
  const auto progress = first.progress();
  ASSERT_FALSE(progress.empty());
  EXPECT_NE(progress.front().message.find("loading the speech models"), std::string::npos) << progress.front().message;
  EXPECT_EQ(progress.front().progress, 0.0);
  EXPECT_NEAR(progress.front().total, seconds_of_16k(audio), 0.01);

  // The second call finds the decoder loaded: no load, no loading report.
  TranscriptionContext second;
  EXPECT_EQ(transcribe(*created.instance, audio, "audio/wav", {}, second).status, NEXUS_OK);
  EXPECT_EQ(count_lines(plugin().log(), name, kLoadedLine), 1u);
  for (const auto& p : second.progress()) EXPECT_EQ(p.message.find("loading"), std::string::npos) << p.message;
}

TEST_F(PocketsphinxTest, GrammarInstanceStillLoadsAtCreateSoItsGrammarIsCheckedThere) {
  const std::string name = "eager-grammar";
  auto created = plugin().create(grammar_config().dump(), name);
  ASSERT_EQ(created.status, NEXUS_OK) << created.error;
  EXPECT_EQ(count_lines(plugin().log(), name, kLoadedLine), 1u);
}

TEST_F(PocketsphinxTest, ConcurrentFirstCallsLoadTheModelsOnce) {
  const std::string name = "lazy-concurrent";
  auto created = plugin().create(json{{"max_decoders", 1}}.dump(), name);
  ASSERT_EQ(created.status, NEXUS_OK) << created.error;
  const std::string audio = speech().wav(kOpenSentence);
  constexpr int kCalls = 4;
  std::mutex m;
  std::condition_variable go;
  int ready = 0;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (int t = 0; t < kCalls; ++t)
    threads.emplace_back([&, t] {
      {
        std::unique_lock lock(m);
        ++ready;
        go.notify_all();
        go.wait(lock, [&] { return ready == kCalls; });  // all start together
      }
      const TranscribeResult r = transcribe(*created.instance, audio);
      if (!r.ok() || !has_word(r.json(), "would")) {
        std::lock_guard lock(m);
        failures.push_back("call " + std::to_string(t) + ": " + (r.ok() ? r.transcript : r.error));
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_TRUE(failures.empty()) << failures.front();
  EXPECT_EQ(count_lines(plugin().log(), name, kLoadedLine), 1u);
}

TEST_F(PocketsphinxTest, CallsWaitingForTheFirstLoadHonourCancellationAndDeadline) {
  // Two decoders allowed, yet a call arriving during the first load waits
  // for it instead of loading a second copy: it stays in the pool's wait
  // (polling its context) until it gives up.
  const std::string name = "lazy-waiting";
  auto created = plugin().create(json{{"max_decoders", 2}}.dump(), name);
  ASSERT_EQ(created.status, NEXUS_OK) << created.error;
  const std::string audio = speech().wav(kOpenSentence);
  HoldingContext loader;  // held in its "loading" progress report, before the load
  nexus_status loader_status = NEXUS_INTERNAL;
  std::thread first([&] { loader_status = transcribe_with(*created.instance, audio, loader.get()); });
  loader.wait_until_holding();

  PollCancelContext cancel_while_waiting(20);  // about a second of 50 ms waits
  EXPECT_EQ(transcribe_with(*created.instance, audio, cancel_while_waiting.get()), NEXUS_CANCELLED);
  TranscriptionContext soon(-1, now_unix_ms() + 200);
  EXPECT_EQ(transcribe(*created.instance, audio, "audio/wav", {}, soon).status, NEXUS_DEADLINE_EXCEEDED);
  EXPECT_EQ(count_lines(plugin().log(), name, kLoadedLine), 0u) << "a waiting call loaded models of its own";

  loader.release();
  first.join();
  EXPECT_EQ(loader_status, NEXUS_OK);
  EXPECT_EQ(count_lines(plugin().log(), name, kLoadedLine), 1u);
}

TEST_F(PocketsphinxTest, ModelThatCannotLoadOnTheFirstCallIsAClearErrorAndTheNextCallRetries) {
  const LinkedModel model;
  const std::string name = "lazy-broken";
  auto created = plugin().create(model.config(1).dump(), name);
  ASSERT_EQ(created.status, NEXUS_OK) << created.error;
  const std::string audio = speech().wav(kOpenSentence);
  model.unlink_lm();  // gone after create: the load on the first call fails

  const TranscribeResult broken = transcribe(*created.instance, audio);
  EXPECT_EQ(broken.status, NEXUS_FAILED_PRECONDITION) << broken.error;
  for (const std::string& w : {std::string("could not load the models"), model.lm.string(), std::string("not found")})
    EXPECT_NE(broken.error.find(w), std::string::npos) << broken.error;
  // /ready reports the instance unhealthy with the same reason.
  const auto [status, detail] = health_of(plugin(), *created.instance);
  EXPECT_EQ(status, NEXUS_FAILED_PRECONDITION);
  EXPECT_NE(detail.find(model.lm.string()), std::string::npos) << detail;

  model.link_lm();  // fixed on disk: no restart needed
  const TranscribeResult fixed = transcribe(*created.instance, audio);
  ASSERT_EQ(fixed.status, NEXUS_OK) << fixed.error;
  EXPECT_TRUE(has_word(fixed.json(), "would")) << fixed.transcript;
  EXPECT_EQ(health_of(plugin(), *created.instance).first, NEXUS_OK);
}

TEST_F(PocketsphinxTest, CallsWaitingForAFailedFirstLoadGetItsErrorWithoutLoadingAgain) {
  const LinkedModel model;
  const std::string name = "lazy-broken-waiters";
  auto created = plugin().create(model.config(2).dump(), name);
  ASSERT_EQ(created.status, NEXUS_OK) << created.error;
  const std::string audio = speech().wav(kOpenSentence);
  model.unlink_lm();

  HoldingContext loader;
  nexus_status loader_status = NEXUS_INTERNAL;
  std::thread first([&] { loader_status = transcribe_with(*created.instance, audio, loader.get()); });
  loader.wait_until_holding();
  PollCancelContext waiter(1 << 30);  // never cancels
  nexus_status waiter_status = NEXUS_INTERNAL;
  std::thread second([&] { waiter_status = transcribe_with(*created.instance, audio, waiter.get()); });
  // Poll 1 is before the pool; 2 and 3 are in its wait for the first load.
  const bool waiting = wait_for_polls(waiter, 3);
  loader.release();
  first.join();
  second.join();
  ASSERT_TRUE(waiting) << "the second call never waited for the first load";

  EXPECT_EQ(loader_status, NEXUS_FAILED_PRECONDITION);
  EXPECT_EQ(waiter_status, NEXUS_FAILED_PRECONDITION);
  EXPECT_NE(waiter.error().find("could not load the models"), std::string::npos) << waiter.error();
  EXPECT_NE(waiter.error().find(model.lm.string()), std::string::npos) << waiter.error();
  EXPECT_EQ(count_lines(plugin().log(), name, "could not load the models"), 1u) << "the failed load ran more than once";
}

TEST_F(PocketsphinxTest, AcousticModelFolderWithoutItsFilesIsRefusedAtCreate) {
  // The files are checked at create even though they load later.
  const std::filesystem::path hmm = kEnUsHmm;
  struct Case {
    std::string name;
    std::vector<std::string> leave_out;
    std::vector<std::string> words;
  };
  const std::vector<Case> cases = {
      {"no means", {"means"}, {"config.hmm", "'means'", "pocketsphinx-en-us"}},
      {"no transition matrices", {"transition_matrices"}, {"config.hmm", "'transition_matrices'"}},
      {"no mixture weights", {"sendump", "mixture_weights"}, {"config.hmm", "sendump", "mixture_weights"}},
  };
  for (const auto& c : cases) {
    TempDir dir;
    for (const auto& entry : std::filesystem::directory_iterator(hmm)) {
      const std::string file = entry.path().filename().string();
      if (std::find(c.leave_out.begin(), c.leave_out.end(), file) == c.leave_out.end())
        std::filesystem::create_symlink(entry.path(), dir / file);
    }
    const auto created = create_fails(json{{"hmm", dir.path().string()}});
    EXPECT_EQ(created.status, NEXUS_INVALID_ARGUMENT) << c.name;
    for (const auto& w : c.words)
      EXPECT_NE(created.error.find(w), std::string::npos) << c.name << ": " << created.error;
  }
}

// The same recording, model and settings give pocketsphinx_continuous's
// words: the plugin splits utterances where the CLI does and starts a call
// from the decoder's initial state (the cepstral mean's running sum too,
// which decides how the second utterance is heard).
TEST_F(PocketsphinxTest, OpenVocabularyCallGivesTheWordsOfPocketsphinxContinuous) {
  TempDir dir;
  std::vector<std::filesystem::path> parts;
  for (const char* line : {kSentence, "i want to speak to a manager", kOpenSentence}) {
    parts.push_back(dir / ("part-" + std::to_string(parts.size()) + ".wav"));
    make_speech_wav(line, parts.back(), {}, 2.5);
  }
  const auto wav = dir / "call.wav";
  concat_wavs(parts, wav);
  const std::string cli_out = dir / "cli.txt";
  const std::string cmd = std::string("pocketsphinx_continuous -infile ") + shell_quote(wav.string()) + " -hmm " +
                          kEnUsHmm + " -lm " + kEnUsLm + " -dict " + kEnUsDict + " -logfn /dev/null > " +
                          shell_quote(cli_out) + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::vector<std::string> cli_lines;
  {
    std::ifstream in(cli_out);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) cli_lines.push_back(line);
  }
  ASSERT_GE(cli_lines.size(), 3u) << "the CLI heard fewer than three utterances";

  auto inst = create(json{{"max_decoders", 1}});
  for (int call = 0; call < 2; ++call) {  // and again on the same, used decoder
    const json t = transcript_ok(*inst, read_file_bytes(wav));
    std::vector<std::string> plugin_lines;
    for (const auto& seg : t.at("segments")) plugin_lines.push_back(seg.at("text").get<std::string>());
    EXPECT_EQ(plugin_lines, cli_lines) << "call " << call;
  }
}

TEST_F(PocketsphinxTest, TwoInstancesWithDifferentSearchesShareNothing) {
  auto grammar = create(grammar_config());
  auto open = create(json::object());
  const std::string audio = speech().wav(kSentence);
  EXPECT_EQ(transcript_ok(*grammar, audio)["provider"]["search"], "jsgf");
  EXPECT_EQ(transcript_ok(*open, audio)["provider"]["search"], "lm");
  EXPECT_EQ(transcript_ok(*grammar, audio).value("text", ""), kSentence);
}

TEST_F(PocketsphinxTest, BadConfigIsRefusedAtCreateNamingTheProblem) {
  TempDir dir;
  const std::string big_grammar = (dir / "big.jsgf").string();
  std::ofstream(big_grammar) << std::string(70 * 1024, ' ');
  struct Case {
    std::string name;
    json config;
    std::vector<std::string> words;
  };
  const std::vector<Case> cases = {
      {"missing acoustic model", {{"hmm", "/nonexistent/en-us"}}, {"/nonexistent/en-us", "pocketsphinx-en-us"}},
      {"hmm is a file", {{"hmm", "/etc/hostname"}}, {"mdef", "pocketsphinx-en-us"}},
      {"missing lm", {{"lm", "/nonexistent/x.lm.bin"}}, {"config.lm", "/nonexistent/x.lm.bin"}},
      {"missing dict", {{"dict", "/nonexistent/x.dict"}}, {"config.dict", "/nonexistent/x.dict"}},
      {"JSGF syntax error",
       {{"grammar", "#JSGF V1.0;\ngrammar g;\npublic <s> = ( yes | no ;\n"}},
       {"config.grammar", "JSGF", "syntax error"}},
      {"no public rule", {{"grammar", "#JSGF V1.0;\ngrammar g;\n<s> = yes;\n"}}, {"config.grammar", "No public rules"}},
      {"word not in the dictionary",
       {{"grammar", "#JSGF V1.0;\ngrammar g;\npublic <s> = yes qzxvbn;\n"}},
       {"config.grammar", "qzxvbn", "dictionary"}},
      {"keyword not in the dictionary", {{"keywords", {"qzxvbn"}}}, {"config.keywords", "qzxvbn"}},
      {"keyword with a slash", {{"keywords", {"yes/no"}}}, {"config.keywords[0]", "'/'"}},
      {"keyword threshold out of range",
       {{"keywords", {{{"phrase", "yes"}, {"threshold", 2}}}}},
       {"threshold", "(0, 1]"}},
      {"grammar and keywords", {{"grammar", kGrammar}, {"keywords", {"yes"}}}, {"more than one"}},
      {"grammar file missing", {{"grammar_file", "/nonexistent/g.jsgf"}}, {"grammar_file", "/nonexistent/g.jsgf"}},
      {"grammar file too large", {{"grammar_file", big_grammar}}, {"grammar_file", "71680 bytes", "limit"}},
      {"blank keyword", {{"keywords", {"   "}}}, {"config.keywords[0]", "empty phrase"}},
      {"bad default keyword threshold",
       {{"keywords", {"yes"}}, {"keyword_threshold", 0}},
       {"keyword_threshold", "(0, 1]"}},
      {"empty language", {{"language", ""}}, {"config.language"}},
      {"zero decoders", {{"max_decoders", 0}}, {"max_decoders"}},
      {"negative duration limit", {{"max_audio_seconds", -1}}, {"max_audio_seconds"}},
      {"accept_truncated not a boolean", {{"accept_truncated", "yes"}}, {"config.accept_truncated", "true or false"}},
      {"unknown key", {{"model", "x"}}, {"config.model", "not a pocketsphinx setting"}},
  };
  for (const auto& c : cases) {
    const auto created = create_fails(c.config);
    EXPECT_EQ(created.status, NEXUS_INVALID_ARGUMENT) << c.name;
    for (const auto& w : c.words)
      EXPECT_NE(created.error.find(w), std::string::npos) << c.name << ": " << created.error;
  }
}

TEST_F(PocketsphinxTest, BadCallOptionsAreInvalidArgumentAndLeaveTheDecoderUsable) {
  auto inst = create(json{{"grammar", kGrammar}, {"max_decoders", 1}});
  const std::string audio = speech().wav(kSentence);
  struct Case {
    std::string name;
    json options;
    std::vector<std::string> words;
  };
  const std::vector<Case> cases = {
      {"grammar syntax error",
       {{"grammar", "#JSGF V1.0; grammar g; public <s> = ( a | b ;"}},
       {"options.grammar", "syntax error"}},
      {"grammar word not in the dictionary",
       {{"grammar", "#JSGF V1.0;\ngrammar g;\npublic <s> = qzxvbn;\n"}},
       {"options.grammar", "qzxvbn"}},
      {"grammar not a string", {{"grammar", 5}}, {"options.grammar"}},
      {"grammar too large", {{"grammar", std::string(70 * 1024, 'a')}}, {"options.grammar", "limit"}},
      {"keywords not a list", {{"keywords", "billing"}}, {"options.keywords", "array"}},
      {"keywords empty", {{"keywords", json::array()}}, {"options.keywords", "empty"}},
      {"keyword not in the dictionary", {{"keywords", {"billing qzxvbn"}}}, {"options.keywords", "'qzxvbn'"}},
      {"both searches", {{"grammar", kGrammar}, {"keywords", {"billing"}}}, {"both"}},
      {"another language", {{"language", "fr"}}, {"options.language", "fr", "en"}},
      {"accept_truncated not a boolean",
       {{"accept_truncated", "yes"}},
       {"options.accept_truncated", "true or false", "string"}},
      {"accept_truncated a number", {{"accept_truncated", 1}}, {"options.accept_truncated", "number"}},
  };
  for (const auto& c : cases) {
    const TranscribeResult r = transcribe(*inst, audio, "audio/wav", c.options.dump());
    EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << c.name << ": " << r.error;
    for (const auto& w : c.words) EXPECT_NE(r.error.find(w), std::string::npos) << c.name << ": " << r.error;
  }
  // English in any spelling is this model's language; unknown options are ignored.
  const json ok = transcript_ok(*inst, audio, json{{"language", "en-US"}, {"response_format", "json"}, {"x", 1}});
  EXPECT_EQ(ok.value("text", ""), kSentence);
}

// ---------------------------------------------------------------------------
// The WAV reader, on headers built byte by byte.

void put_le(std::string& out, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

struct Header {
  std::uint16_t tag = 1, channels = 1, bits = 16;
  std::uint32_t rate = 16000;
  std::optional<std::uint16_t> block_align;
  std::optional<std::uint16_t> extensible_subformat;  // WAVE_FORMAT_EXTENSIBLE with this sub-format
};

std::string fmt_chunk(const Header& h) {
  std::string body;
  put_le(body, h.extensible_subformat ? 0xFFFE : h.tag, 2);
  put_le(body, h.channels, 2);
  put_le(body, h.rate, 4);
  const std::uint16_t align = h.block_align.value_or(static_cast<std::uint16_t>(h.channels * h.bits / 8));
  put_le(body, h.rate * align, 4);
  put_le(body, align, 2);
  put_le(body, h.bits, 2);
  if (h.extensible_subformat) {
    put_le(body, 22, 2);
    put_le(body, h.bits, 2);  // valid bits
    put_le(body, 0, 4);       // channel mask
    put_le(body, *h.extensible_subformat, 2);
    body += std::string("\x00\x00\x00\x00\x10\x00\x80\x00\x00\xAA\x00\x38\x9B\x71", 14);
  }
  std::string chunk = "fmt ";
  put_le(chunk, static_cast<std::uint32_t>(body.size()), 4);
  return chunk + body;
}

std::string data_chunk(const std::string& samples, std::optional<std::uint32_t> declared = std::nullopt) {
  std::string chunk = "data";
  put_le(chunk, declared.value_or(static_cast<std::uint32_t>(samples.size())), 4);
  return chunk + samples;
}

std::string riff(const std::string& chunks) {
  std::string out = "RIFF";
  put_le(out, static_cast<std::uint32_t>(4 + chunks.size()), 4);
  return out + "WAVE" + chunks;
}

std::string pcm16(const std::vector<std::int16_t>& samples) {
  std::string out;
  for (auto s : samples) put_le(out, static_cast<std::uint16_t>(s), 2);
  return out;
}

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string parse_error(const std::string& wav) {
  try {
    ps::parse_wav(bytes_of(wav));
  } catch (const sdk::Error& e) {
    EXPECT_EQ(e.status(), NEXUS_INVALID_ARGUMENT) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "parse_wav accepted it";
  return {};
}

TEST(PocketsphinxWav, ReadsPlainPcmAndSkipsOtherChunksIncludingOddSizedOnes) {
  // A LIST chunk of odd size comes first; chunks are padded to even sizes.
  std::string list = "LIST";
  put_le(list, 3, 4);
  list += std::string("abc") + '\0';
  const std::string wav = riff(fmt_chunk({}) + list + data_chunk(pcm16({0, 16384, -16384, 32767})));
  const ps::WavLayout l = ps::parse_wav(bytes_of(wav));
  EXPECT_EQ(l.format.sample_rate, 16000u);
  EXPECT_EQ(l.frames, 4u);
  EXPECT_EQ(l.data_length, ps::DataLength::as_declared);
  EXPECT_EQ(l.declared_data_bytes, 8u);
  EXPECT_EQ(l.present_data_bytes, 8u);
  const auto mono = ps::decode_mono(l);
  ASSERT_EQ(mono.size(), 4u);
  EXPECT_FLOAT_EQ(mono[1], 0.5f);
  EXPECT_FLOAT_EQ(mono[2], -0.5f);
}

TEST(PocketsphinxWav, MixesChannelsDownByAveraging) {
  Header h;
  h.channels = 2;
  const std::string wav = riff(fmt_chunk(h) + data_chunk(pcm16({16384, 0, -16384, -16384})));
  const auto mono = ps::decode_mono(ps::parse_wav(bytes_of(wav)));
  ASSERT_EQ(mono.size(), 2u);
  EXPECT_FLOAT_EQ(mono[0], 0.25f);
  EXPECT_FLOAT_EQ(mono[1], -0.5f);
}

TEST(PocketsphinxWav, ConvertsEightTwentyFourAndThirtyTwoBitSamples) {
  Header h8;
  h8.bits = 8;
  EXPECT_FLOAT_EQ(ps::decode_mono(ps::parse_wav(bytes_of(riff(fmt_chunk(h8) + data_chunk(std::string("\xC0", 1))))))[0],
                  0.5f);  // 8-bit WAV is unsigned, 128 is silence
  Header h24;
  h24.bits = 24;
  const std::string s24("\x00\x00\xC0", 3);  // -0.5
  EXPECT_FLOAT_EQ(ps::decode_mono(ps::parse_wav(bytes_of(riff(fmt_chunk(h24) + data_chunk(s24)))))[0], -0.5f);
  Header h32;
  h32.bits = 32;
  const std::string s32("\x00\x00\x00\x40", 4);  // 0.5
  EXPECT_FLOAT_EQ(ps::decode_mono(ps::parse_wav(bytes_of(riff(fmt_chunk(h32) + data_chunk(s32)))))[0], 0.5f);
}

TEST(PocketsphinxWav, AcceptsExtensiblePcmAndRefusesExtensibleFloat) {
  Header pcm;
  pcm.extensible_subformat = 1;
  EXPECT_EQ(ps::parse_wav(bytes_of(riff(fmt_chunk(pcm) + data_chunk(pcm16({1, 2}))))).frames, 2u);
  Header flt;
  flt.bits = 32;
  flt.extensible_subformat = 3;
  const std::string e = parse_error(riff(fmt_chunk(flt) + data_chunk(std::string(8, '\0'))));
  EXPECT_NE(e.find("IEEE float"), std::string::npos) << e;
}

TEST(PocketsphinxWav, StreamingPlaceholderSizeIsLengthUnknownNotTruncated) {
  // 0xFFFFFFFF in the data and RIFF sizes: a streaming writer that never
  // went back to fill them in. Every whole frame there is read.
  const std::string samples = pcm16({1, 2, 3}) + "\x04";  // and half a sample at the end
  std::string wav = riff(fmt_chunk({}) + data_chunk(samples, 0xFFFFFFFFu));
  wav.replace(4, 4, std::string(4, '\xFF'));
  const ps::WavLayout l = ps::parse_wav(bytes_of(wav));
  EXPECT_EQ(l.data_length, ps::DataLength::unknown);
  EXPECT_EQ(l.frames, 3u);
  EXPECT_EQ(l.data.size(), 6u);
  EXPECT_EQ(ps::decode_mono(l).size(), 3u);
}

TEST(PocketsphinxWav, DataLongerThanWasSentIsTruncatedWithBothSizesReported) {
  const std::string samples = pcm16({1, 2, 3});
  const ps::WavLayout l = ps::parse_wav(bytes_of(riff(fmt_chunk({}) + data_chunk(samples, 1000))));
  EXPECT_EQ(l.data_length, ps::DataLength::truncated);
  EXPECT_EQ(l.declared_data_bytes, 1000u);
  EXPECT_EQ(l.present_data_bytes, 6u);
  EXPECT_EQ(l.frames, 3u);
  // One byte short of the declared size is truncated too; only 0xFFFFFFFF means "unknown".
  const ps::WavLayout short_by_one = ps::parse_wav(bytes_of(riff(fmt_chunk({}) + data_chunk(samples, 0xFFFFFFFEu))));
  EXPECT_EQ(short_by_one.data_length, ps::DataLength::truncated);
}

TEST(PocketsphinxWav, RefusesBrokenHeadersNamingWhatWasFound) {
  const std::string fmt = fmt_chunk({});
  const std::string data = data_chunk(pcm16({1, 2}));
  Header rate;
  rate.rate = 4000;
  Header channels;
  channels.channels = 9;
  Header align;
  align.block_align = 3;
  Header bits;
  bits.bits = 12;
  Header adpcm;
  adpcm.tag = 2;
  // Says WAVE_FORMAT_EXTENSIBLE but stops after cbSize.
  std::string short_extensible = fmt_chunk(Header{}).substr(8);
  short_extensible[0] = '\xFE';
  short_extensible[1] = '\xFF';
  short_extensible = "fmt " + std::string("\x12\x00\x00\x00", 4) + short_extensible + std::string(2, '\0');
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"RIFX" + riff(fmt + data).substr(4), {"big-endian"}},
      {"RF64" + riff(fmt + data).substr(4), {"RF64"}},
      {riff(data + fmt), {"before any fmt"}},
      {riff(fmt + fmt + data), {"two fmt"}},
      {riff(fmt), {"no data chunk"}},
      {riff(std::string("junk"
                        "\x04\x00\x00\x00"
                        "abcd",
                        12)),
       {"no fmt chunk"}},
      {riff(fmt.substr(0, 8) + std::string("\x01\x00", 2)), {"fmt chunk is 2 bytes"}},
      {riff(fmt_chunk(rate) + data), {"4000 Hz", "8000"}},
      {riff(fmt_chunk(channels) + data), {"9 channels"}},
      {riff(fmt_chunk(align) + data), {"block align is 3", "corrupt"}},
      {riff(fmt_chunk(bits) + data), {"12-bit"}},
      {riff(fmt_chunk(adpcm) + data), {"Microsoft ADPCM", "PCM"}},
      {riff(short_extensible + data), {"WAVE_FORMAT_EXTENSIBLE", "only 18 bytes"}},
      {riff(fmt + data_chunk("\x01", 2)), {"no samples", "cut off"}},
  };
  for (const auto& [wav, words] : cases) {
    const std::string e = parse_error(wav);
    for (const auto& w : words) EXPECT_NE(e.find(w), std::string::npos) << e;
  }
}

TEST(PocketsphinxAudioInput, SixteenKilohertzMonoPassesThroughBitForBit) {
  const std::vector<std::int16_t> samples = {0, 1, -1, 32767, -32768, 1234};
  const ps::DecoderAudio a =
      ps::prepare_audio(bytes_of(riff(fmt_chunk({}) + data_chunk(pcm16(samples)))), "audio/wav", {.max_seconds = 10});
  EXPECT_EQ(a.samples, samples);
  EXPECT_DOUBLE_EQ(a.duration_seconds, 6.0 / 16000);
}

TEST(PocketsphinxAudioInput, LongRecordingsAreConvertedInBlocksWithTheSameResultAsAtOnce) {
  // 25 s of 44.1 kHz stereo: three conversion blocks, seams included.
  Header h;
  h.rate = 44100;
  h.channels = 2;
  std::vector<std::int16_t> samples;
  for (std::size_t i = 0; i < 25 * 44100; ++i) {
    const double t = static_cast<double>(i) / 44100;
    samples.push_back(static_cast<std::int16_t>(8000 * std::sin(2 * M_PI * 440 * t)));
    samples.push_back(static_cast<std::int16_t>(8000 * std::sin(2 * M_PI * 3000 * t)));
  }
  const std::string wav = riff(fmt_chunk(h) + data_chunk(pcm16(samples)));
  const ps::DecoderAudio a = ps::prepare_audio(bytes_of(wav), "audio/wav", {.max_seconds = 60});
  const auto at_once = ps::to_int16(ps::resample(ps::decode_mono(ps::parse_wav(bytes_of(wav))), 44100, 16000));
  ASSERT_EQ(a.samples.size(), 25u * 16000);
  EXPECT_EQ(a.samples, at_once);
}

TEST(PocketsphinxAudioInput, LimitIsCheckedFromTheHeader) {
  // Three seconds of 48 kHz stereo: refused from the header's sizes, before
  // any sample is converted.
  Header h;
  h.rate = 48000;
  h.channels = 2;
  const std::string wav = riff(fmt_chunk(h) + data_chunk(pcm16(std::vector<std::int16_t>(2 * 48000 * 3, 0))));
  try {
    ps::prepare_audio(bytes_of(wav), "audio/wav", {.max_seconds = 2.5});
    ADD_FAILURE() << "3 s accepted under a 2.5 s limit";
  } catch (const sdk::Error& e) {
    EXPECT_EQ(e.status(), NEXUS_RESOURCE_EXHAUSTED);
    EXPECT_NE(std::string(e.what()).find("3.0 s"), std::string::npos) << e.what();
  }
}

TEST(PocketsphinxAudioInput, TruncatedDataIsRefusedUnlessAcceptedAndThePlaceholderIsNot) {
  const std::vector<std::int16_t> samples = {1, 2, 3, 4};
  const std::string cut = riff(fmt_chunk({}) + data_chunk(pcm16(samples), 32000));  // declares a second
  try {
    ps::prepare_audio(bytes_of(cut), "audio/wav", {.max_seconds = 10});
    ADD_FAILURE() << "a truncated WAV was accepted by default";
  } catch (const sdk::Error& e) {
    EXPECT_EQ(e.status(), NEXUS_INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("declares 32000 bytes but only 8 follow"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("0.0 s that are there"), std::string::npos) << e.what();
  }
  const ps::DecoderAudio accepted =
      ps::prepare_audio(bytes_of(cut), "audio/wav", {.max_seconds = 10, .accept_truncated = true});
  EXPECT_EQ(accepted.data_length, ps::DataLength::truncated);
  EXPECT_EQ(accepted.samples, samples);

  const std::string streamed = riff(fmt_chunk({}) + data_chunk(pcm16(samples), 0xFFFFFFFFu));
  const ps::DecoderAudio a = ps::prepare_audio(bytes_of(streamed), "audio/wav", {.max_seconds = 10});
  EXPECT_EQ(a.data_length, ps::DataLength::unknown);
  EXPECT_EQ(a.samples, samples);
}

TEST(PocketsphinxAudioInput, TruncationIsJudgedBeforeTheLengthLimit) {
  // Cut short and, even so, over the limit: the refusal names what is wrong
  // with the file first; accepted, the length of what is there is checked.
  const std::string cut = riff(fmt_chunk({}) + data_chunk(pcm16(std::vector<std::int16_t>(3200, 0)), 64000));
  try {
    ps::prepare_audio(bytes_of(cut), "audio/wav", {.max_seconds = 0.1});
    ADD_FAILURE() << "accepted";
  } catch (const sdk::Error& e) {
    EXPECT_EQ(e.status(), NEXUS_INVALID_ARGUMENT) << e.what();
  }
  try {
    ps::prepare_audio(bytes_of(cut), "audio/wav", {.max_seconds = 0.1, .accept_truncated = true});
    ADD_FAILURE() << "0.2 s accepted under a 0.1 s limit";
  } catch (const sdk::Error& e) {
    EXPECT_EQ(e.status(), NEXUS_RESOURCE_EXHAUSTED) << e.what();
  }
}

// ---------------------------------------------------------------------------
// The resampler, on sines whose answers are known.

std::vector<float> sine(double freq, double rate, std::size_t n, double amplitude = 0.5) {
  std::vector<float> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(amplitude * std::sin(2 * M_PI * freq * i / rate));
  return out;
}

// Amplitude of the `freq` component of x (sampled at `rate`), ignoring the
// first and last tenth where the filter sees the edges.
double amplitude_at(const std::vector<float>& x, double freq, double rate) {
  const std::size_t from = x.size() / 10, to = x.size() - x.size() / 10;
  double re = 0, im = 0;
  for (std::size_t i = from; i < to; ++i) {
    re += x[i] * std::cos(2 * M_PI * freq * i / rate);
    im += x[i] * std::sin(2 * M_PI * freq * i / rate);
  }
  return 2 * std::hypot(re, im) / static_cast<double>(to - from);
}

double rms(const std::vector<float>& x) {
  const std::size_t from = x.size() / 10, to = x.size() - x.size() / 10;
  double sum = 0;
  for (std::size_t i = from; i < to; ++i) sum += static_cast<double>(x[i]) * x[i];
  return std::sqrt(sum / static_cast<double>(to - from));
}

TEST(PocketsphinxResample, OutputLengthFollowsTheRatio) {
  EXPECT_EQ(ps::resample(std::vector<float>(44100), 44100, 16000).size(), 16000u);
  EXPECT_EQ(ps::resample(std::vector<float>(8000), 8000, 16000).size(), 16000u);
  EXPECT_EQ(ps::resample(std::vector<float>(3), 48000, 16000).size(), 1u);
  EXPECT_EQ(ps::resample(std::vector<float>(4), 48000, 16000).size(), 2u);  // ceil(4/3)
  EXPECT_TRUE(ps::resample({}, 44100, 16000).empty());
}

TEST(PocketsphinxResample, SpeechBandPassesUnchangedAtEveryAcceptedRate) {
  for (std::uint32_t rate : {8000u, 11025u, 22050u, 32000u, 44100u, 48000u, 96000u}) {
    const auto out = ps::resample(sine(1000, rate, rate), rate, 16000);
    EXPECT_NEAR(amplitude_at(out, 1000, 16000), 0.5, 0.005) << rate;
    // And nothing else: the 1 kHz tone is all there is.
    EXPECT_NEAR(rms(out), 0.5 / std::sqrt(2.0), 0.005) << rate;
  }
}

TEST(PocketsphinxResample, DownsamplingRemovesWhatWouldAlias) {
  // 12 kHz at 44.1 kHz is above the new 8 kHz Nyquist frequency; naive
  // decimation would fold it to 4 kHz at full strength.
  const auto out = ps::resample(sine(12000, 44100, 44100), 44100, 16000);
  EXPECT_LT(amplitude_at(out, 4000, 16000), 0.5 * 1e-3);  // < -60 dB
  EXPECT_LT(rms(out), 0.5 * 1e-3);
  // 20 kHz at 48 kHz likewise (it would fold to 4 kHz).
  EXPECT_LT(rms(ps::resample(sine(20000, 48000, 48000), 48000, 16000)), 0.5 * 1e-3);
}

TEST(PocketsphinxResample, UpsamplingAddsNoImages) {
  // 1 kHz at 8 kHz upsampled: a zero-stuffing resampler would leave an
  // image at 8 - 1 = 7 kHz.
  const auto out = ps::resample(sine(1000, 8000, 8000), 8000, 16000);
  EXPECT_LT(amplitude_at(out, 7000, 16000), 0.5 * 1e-3);
}

TEST(PocketsphinxResample, ToInt16RoundsAndClips) {
  EXPECT_EQ(ps::to_int16(std::vector<float>{0.0f, 0.5f, -0.5f, 1.5f, -1.5f}),
            (std::vector<std::int16_t>{0, 16384, -16384, 32767, -32768}));
}

}  // namespace
}  // namespace nexus::test
