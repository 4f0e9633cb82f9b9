// /v1/transcriptions over a real nexusd with the real providers behind it —
// pocketsphinx in process and the openai plugin against the
// OpenAI-compatible test server (tests/peers/openai_server.mjs, which
// decodes with pocketsphinx too) — on speech made at test time by espeak-ng
// + sox. What transcription_http_test.cpp proves with the paced fixture,
// proven here once more where the provider's own behaviour matters:
//   - the provider chosen per request among the configured instances;
//   - an async job (JSON "async": true) whose result outlives a restart;
//   - 8 kHz and 44.1 kHz recordings;
//   - audio the decoder cannot read: a 400 whose message says what is wrong;
//   - a truncated recording: a 400 unless the call's options or the
//     instance's config accept it; a streaming writer's 0xFFFFFFFF size is
//     not truncated;
//   - a minute-long recording reporting progress and being cancelled;
//   - the job's deadline reaching the openai plugin's HTTP call.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/nexusd_process.hpp"
#include "support/peers.hpp"
#include "support/speech_audio.hpp"
#include "support/temp_dir.hpp"
#include "support/transcription_jobs.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string kPhrase = "please transfer my call to billing";
const std::string kManager = "i want to speak to a manager";
const std::string kGrammar =
    "#JSGF V1.0;\ngrammar intents;\n"
    "public <intent> = please transfer my call to (billing | sales | support) | i want to speak to a manager;\n";
const std::string kOpenAiKey = "sk-test-providers-0123456789";

// Speech made once for the whole program (espeak-ng + sox take a moment).
struct Audio {
  TempDir dir;
  std::string phrase_16k, phrase_8k, phrase_44k, minute;

  Audio() {
    std::ofstream(dir / "intents.jsgf") << kGrammar;
    phrase_16k = made(kPhrase, "16k.wav", {});
    phrase_8k = made(kPhrase, "8k.wav", {8000, 1, 16, "signed-integer"});
    phrase_44k = made(kPhrase, "44k.wav", {44100, 2, 16, "signed-integer"});
    // About a minute: the two grammar sentences and pauses, six times over.
    make_speech_wav(kPhrase, dir / "part-a.wav", {}, 2.5);
    make_speech_wav(kManager, dir / "part-b.wav", {}, 2.5);
    std::vector<std::filesystem::path> parts;
    for (int i = 0; i < 6; ++i) parts.insert(parts.end(), {dir / "part-a.wav", dir / "part-b.wav"});
    concat_wavs(parts, dir / "minute.wav");
    minute = read_file_bytes(dir / "minute.wav");
  }
  std::filesystem::path grammar() const { return dir / "intents.jsgf"; }

 private:
  std::string made(const std::string& text, const std::string& name, const WavFormat& format) {
    make_speech_wav(text, dir / name, format);
    return read_file_bytes(dir / name);
  }
};

const Audio& audio() {
  static const Audio a;
  return a;
}

json body_of(const HttpResponse& r) { return json::parse(r.body, nullptr, false); }

std::string error_message(const HttpResponse& r) {
  const json b = body_of(r);
  return b.is_object() && b.contains("error") ? b["error"].value("message", "") : "";
}

// Polls GET /v1/transcriptions/{id} until `done(doc)` or 60 s pass.
json poll(const HttpClient& c, const std::string& id, const std::function<bool(const json&)>& done) {
  return poll_job(c, id, done);
}

constexpr auto finished = job_finished;

HttpResponse post_audio(const HttpClient& c, const std::string& wav, const std::string& query = "") {
  return c.request("POST", "/v1/transcriptions" + query, {{"Content-Type", "audio/wav"}}, wav, 120);
}

HttpResponse post_json(const HttpClient& c, const json& body) {
  return c.request("POST", "/v1/transcriptions", {{"Content-Type", "application/json"}}, body.dump(), 120);
}

class TranscriptionProvidersTest : public ::testing::Test {
 protected:
  json fs(const std::string& name) const {
    return {{"plugin", "fs"}, {"config", {{"root", (data_ / name).string()}}}};
  }
  json pocketsphinx_grammar() const {
    return {{"plugin", "pocketsphinx"}, {"config", {{"grammar_file", audio().grammar().string()}}}};
  }
  // A config with open routes, fs storage for recordings, transcripts and
  // jobs, and `providers` as the transcription instances.
  json config(const json& providers, const json& transcription) const {
    json instances = {{"recordings", fs("recordings")}, {"transcripts", fs("transcripts")}, {"jobs", fs("jobs")}};
    instances.update(providers);
    json t = {{"jobs_storage", "jobs"}};
    t.update(transcription);
    return {{"instances", instances},
            {"routes",
             {{"health", {{"public", true}}}, {"storage", {{"public", true}}}, {"transcription", {{"public", true}}}}},
            {"transcription", t}};
  }
  std::unique_ptr<PeerProcess> start_openai_server() const {
    return std::make_unique<PeerProcess>(node_script_options(
        "openai_server.mjs", {{"OPENAI_TEST_KEY", kOpenAiKey}, {"OPENAI_TEST_GRAMMAR", audio().grammar().string()}}));
  }
  static json openai_instance(const PeerProcess& server) {
    return {{"plugin", "openai"},
            {"config", {{"base_url", server.url()}, {"api_key", kOpenAiKey}, {"response_format", "json"}}}};
  }

  TempDir data_;
};

TEST_F(TranscriptionProvidersTest, RequestChoosesAmongTheConfiguredProviders) {
  const auto openai = start_openai_server();
  NexusdProcess server(config({{"offline", pocketsphinx_grammar()}, {"cloud", openai_instance(*openai)}},
                              {{"provider", "offline"}}));
  const HttpClient c(server.port());
  ASSERT_EQ(c.put("/v1/storage/recordings/recordings/T7/recording.wav", audio().phrase_16k,
                  {{"Content-Type", "audio/wav"}}).status,
            200);
  auto request = [](const std::string& output_key) {
    return json{{"storage", "recordings"},
                {"key", "recordings/T7/recording.wav"},
                {"output", {{"storage", "transcripts"}, {"key", output_key}}}};
  };
  struct Case {
    std::string provider;  // "" leaves the choice to transcription.provider
    std::string job_provider, plugin;
  };
  for (const Case& k : {Case{"", "offline", "pocketsphinx"}, Case{"cloud", "cloud", "openai"},
                        Case{"offline", "offline", "pocketsphinx"}}) {
    const std::string output_key = "transcripts/T7/" + (k.provider.empty() ? "default" : k.provider) + ".json";
    json body = request(output_key);
    if (!k.provider.empty()) body["provider"] = k.provider;
    const auto r = post_json(c, body);
    ASSERT_EQ(r.status, 200) << k.provider << ": " << r.body;
    EXPECT_EQ(body_of(r)["provider"], k.job_provider) << r.body;
    const auto stored = c.get("/v1/storage/transcripts/" + output_key);
    ASSERT_EQ(stored.status, 200) << stored.body;
    EXPECT_EQ(body_of(stored).value("text", ""), kPhrase) << stored.body;
    EXPECT_EQ(body_of(stored)["provider"].value("plugin", ""), k.plugin) << stored.body;
  }
  // The upload form chooses the same way.
  const auto uploaded = post_audio(c, audio().phrase_16k, "?provider=cloud");
  ASSERT_EQ(uploaded.status, 200) << uploaded.body;
  EXPECT_EQ(body_of(uploaded)["result"]["provider"].value("plugin", ""), "openai") << uploaded.body;
  EXPECT_EQ(body_of(uploaded)["result"].value("text", ""), kPhrase) << uploaded.body;
  // The test server saw the two requests meant for it, and only those.
  const auto seen = HttpClient(static_cast<std::uint16_t>(openai->port())).get("/__requests");
  EXPECT_EQ(body_of(seen).size(), 2u) << seen.body;
}

TEST_F(TranscriptionProvidersTest, AsyncJobOnRealSpeechKeepsItsResultAcrossARestart) {
  NexusdProcess server(config({{"transcriber", pocketsphinx_grammar()}}, json::object()));
  const HttpClient c(server.port());
  ASSERT_EQ(c.put("/v1/storage/recordings/recordings/T8/recording.wav", audio().phrase_16k).status, 200);
  const auto accepted = post_json(c, {{"storage", "recordings"},
                                      {"key", "recordings/T8/recording.wav"},
                                      {"output", {{"storage", "transcripts"}, {"key", "transcripts/T8/transcript.json"}}},
                                      {"async", true}});
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const std::string id = body_of(accepted).value("id", "");
  ASSERT_FALSE(id.empty()) << accepted.body;
  EXPECT_EQ(accepted.header("location"), "/v1/transcriptions/" + id);
  EXPECT_NE(body_of(accepted)["status"], "succeeded") << "async answers before the job has run: " << accepted.body;

  const json done = poll(c, id, finished);
  ASSERT_EQ(done["status"], "succeeded") << done.dump();
  EXPECT_EQ(done["result"].value("text", ""), kPhrase);
  EXPECT_EQ(done["output_written"], true);

  server.terminate();
  server.restart();
  const HttpClient after(server.port());
  const auto kept = after.get("/v1/transcriptions/" + id);
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(body_of(kept)["status"], "succeeded");
  EXPECT_EQ(body_of(kept)["result"], done["result"]) << "the result read back after the restart differs";
  EXPECT_EQ(body_of(kept)["output_written"], true);
  const auto transcript = after.get("/v1/storage/transcripts/transcripts/T8/transcript.json");
  ASSERT_EQ(transcript.status, 200) << transcript.body;
  EXPECT_EQ(body_of(transcript).value("text", ""), kPhrase);
}

TEST_F(TranscriptionProvidersTest, EightAndFortyFourKilohertzRecordingsDecodeExactly) {
  NexusdProcess server(config({{"transcriber", pocketsphinx_grammar()}}, json::object()));
  const HttpClient c(server.port());
  struct Case {
    const std::string* wav;
    int rate, channels;
  };
  for (const Case& k : {Case{&audio().phrase_8k, 8000, 1}, Case{&audio().phrase_44k, 44100, 2}}) {
    const auto r = post_audio(c, *k.wav);
    ASSERT_EQ(r.status, 200) << k.rate << " Hz: " << r.body;
    const json t = body_of(r)["result"];
    EXPECT_EQ(t.value("text", ""), kPhrase) << k.rate << " Hz: " << r.body;
    EXPECT_EQ(t["provider"]["input"]["sample_rate"], k.rate) << r.body;
    EXPECT_EQ(t["provider"]["input"]["channels"], k.channels) << r.body;
  }
}

TEST_F(TranscriptionProvidersTest, AudioTheDecoderCannotReadIsA400ThatSaysWhatIsWrong) {
  NexusdProcess server(config({{"transcriber", pocketsphinx_grammar()}}, json::object()));
  const HttpClient c(server.port());
  const std::string& wav = audio().phrase_16k;
  ASSERT_EQ(c.put("/v1/storage/recordings/empty.wav", "", {{"Content-Type", "audio/wav"}}).status, 200);
  ASSERT_EQ(c.put("/v1/storage/recordings/notes.wav", "meeting notes, not audio", {{"Content-Type", "audio/wav"}})
                .status,
            200);
  struct Case {
    std::string name;
    HttpResponse r;
    std::vector<std::string> words;  // each must be in the message
  };
  const std::vector<Case> cases = {
      {"not a WAV", post_audio(c, std::string(4096, 'x')), {"RIFF", "not a WAV"}},
      {"header cut off", post_audio(c, wav.substr(0, 30)), {"truncated"}},
      {"header only, no samples", post_audio(c, wav.substr(0, 44)), {"no samples"}},
      {"data cut short",
       post_audio(c, wav.substr(0, wav.size() - 4000)),
       {"declares", "truncated", "accept_truncated"}},
      {"stored empty object", post_json(c, {{"storage", "recordings"}, {"key", "empty.wav"}}), {"0 bytes"}},
      {"stored non-audio object", post_json(c, {{"storage", "recordings"}, {"key", "notes.wav"}}), {"RIFF"}},
      {"empty upload", post_audio(c, ""), {"body is empty"}},
  };
  for (const auto& k : cases) {
    EXPECT_EQ(k.r.status, 400) << k.name << ": " << k.r.body;
    EXPECT_EQ(body_of(k.r)["error"].value("code", ""), "invalid_argument") << k.name << ": " << k.r.body;
    for (const auto& w : k.words)
      EXPECT_NE(error_message(k.r).find(w), std::string::npos) << k.name << ": '" << w << "' not in " << k.r.body;
  }
}

// A canonical 44-byte-header WAV with its RIFF and data sizes set to
// `size`, as a writer streaming to a pipe leaves them.
std::string with_sizes(std::string wav, std::uint32_t size) {
  for (const std::size_t at : {std::size_t{4}, std::size_t{40}})
    for (int i = 0; i < 4; ++i) wav[at + i] = static_cast<char>((size >> (8 * i)) & 0xff);
  return wav;
}

TEST_F(TranscriptionProvidersTest, TruncatedRecordingIsA400UnlessTheCallOrTheInstanceAcceptsIt) {
  json lenient = pocketsphinx_grammar();
  lenient["config"]["accept_truncated"] = true;
  NexusdProcess server(
      config({{"transcriber", pocketsphinx_grammar()}, {"lenient", lenient}}, {{"provider", "transcriber"}}));
  const HttpClient c(server.port());
  const std::string& whole = audio().phrase_16k;
  ASSERT_EQ(whole.substr(36, 4), "data") << "not a canonical 44-byte header";
  // The data chunk still declares the whole recording, as a recorder killed mid-call leaves it.
  const std::string cut = whole.substr(0, whole.size() - 4000);
  const double cut_seconds = static_cast<double>(cut.size() - 44) / (2 * 16000);

  // Refused by default, saying what is missing and how to get a transcript anyway.
  const auto refused = post_audio(c, cut);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(body_of(refused)["error"].value("code", ""), "invalid_argument") << refused.body;
  const std::string message = error_message(refused);
  for (const std::string& w : {"the WAV data chunk declares " + std::to_string(whole.size() - 44) + " bytes but only " +
                                   std::to_string(cut.size() - 44) + " follow",
                               std::string("the recording is truncated"), std::string("accept_truncated: true")})
    EXPECT_NE(message.find(w), std::string::npos) << "'" << w << "' not in " << refused.body;

  // Accepted by the call's options (stored-recording form).
  ASSERT_EQ(c.put("/v1/storage/recordings/cut.wav", cut, {{"Content-Type", "audio/wav"}}).status, 200);
  const auto by_option =
      post_json(c, {{"storage", "recordings"}, {"key", "cut.wav"}, {"options", {{"accept_truncated", true}}}});
  ASSERT_EQ(by_option.status, 200) << by_option.body;
  const json t = body_of(by_option)["result"];
  EXPECT_EQ(t["provider"].value("truncated_input", false), true) << by_option.body;
  EXPECT_NEAR(t.value("duration_s", 0.0), cut_seconds, 1e-6) << by_option.body;
  // ... and by the upload's query string, as a boolean.
  const auto by_query = post_audio(c, cut, "?accept_truncated=true");
  ASSERT_EQ(by_query.status, 200) << by_query.body;
  EXPECT_EQ(body_of(by_query)["result"]["provider"].value("truncated_input", false), true) << by_query.body;
  const auto bad_query = post_audio(c, cut, "?accept_truncated=maybe");
  EXPECT_EQ(bad_query.status, 400) << bad_query.body;
  EXPECT_NE(error_message(bad_query).find("accept_truncated='maybe': use true or false"), std::string::npos)
      << bad_query.body;
  // ... and by the instance's config (upload form, provider chosen per request).
  const auto by_config = post_audio(c, cut, "?provider=lenient");
  ASSERT_EQ(by_config.status, 200) << by_config.body;
  EXPECT_EQ(body_of(by_config)["result"]["provider"].value("truncated_input", false), true) << by_config.body;
  // A call's option overrides the instance: false refuses even on the lenient one.
  const auto overridden = post_json(c, {{"storage", "recordings"},
                                        {"key", "cut.wav"},
                                        {"provider", "lenient"},
                                        {"options", {{"accept_truncated", false}}}});
  EXPECT_EQ(overridden.status, 400) << overridden.body;
  // An option of the wrong type is a 400 naming it.
  const auto wrong_type =
      post_json(c, {{"storage", "recordings"}, {"key", "cut.wav"}, {"options", {{"accept_truncated", "yes"}}}});
  EXPECT_EQ(wrong_type.status, 400) << wrong_type.body;
  EXPECT_NE(error_message(wrong_type).find("options.accept_truncated"), std::string::npos) << wrong_type.body;

  // The streaming placeholder size is no truncation: decoded in full, by default.
  const auto streamed = post_audio(c, with_sizes(whole, 0xFFFFFFFFu));
  ASSERT_EQ(streamed.status, 200) << streamed.body;
  const json st = body_of(streamed)["result"];
  EXPECT_EQ(st.value("text", ""), kPhrase) << streamed.body;
  EXPECT_EQ(st["provider"].value("length_unknown", false), true) << streamed.body;
  EXPECT_FALSE(st["provider"].contains("truncated_input")) << streamed.body;
}

TEST_F(TranscriptionProvidersTest, MinuteLongRecordingReportsProgressAndCanBeCancelled) {
  // The open-vocabulary search: the slowest, so the job is surely still running when cancelled.
  NexusdProcess server(config({{"transcriber", {{"plugin", "pocketsphinx"}, {"config", json::object()}}}}, json::object()));
  const HttpClient c(server.port());
  const std::string& minute = audio().minute;
  const double seconds = static_cast<double>(minute.size() - 44) / (2 * 16000);
  ASSERT_GT(seconds, 55.0);
  const auto accepted = post_audio(c, minute, "?async=true");
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const std::string id = body_of(accepted).value("id", "");

  // The decoder's own reports ("decoded 3.0 of 61.2 s"), not the model load's.
  const json running = poll(c, id, [](const json& d) {
    return finished(d) || (d.contains("progress") && d["progress"].value("message", "").find("decoded") != std::string::npos);
  });
  ASSERT_EQ(running["status"], "running") << running.dump();
  EXPECT_NEAR(running["progress"]["total"].get<double>(), seconds, 0.1) << running.dump();
  EXPECT_GT(running["progress"]["done"].get<double>(), 0.0) << running.dump();

  const auto cancel = c.del("/v1/transcriptions/" + id);
  ASSERT_EQ(cancel.status, 202) << cancel.body;
  const json ended = poll(c, id, finished);
  EXPECT_EQ(ended["status"], "cancelled") << ended.dump();
  EXPECT_EQ(ended["error"].value("code", ""), "cancelled") << ended.dump();
  EXPECT_FALSE(ended.contains("result")) << "a cancelled job has no transcript: " << ended.dump();
  EXPECT_LT(ended["progress"]["done"].get<double>(), ended["progress"]["total"].get<double>())
      << "the decoder stopped before the end: " << ended.dump();
}

TEST_F(TranscriptionProvidersTest, JobDeadlineReachesTheOpenAiCall) {
  const auto openai = start_openai_server();
  const HttpClient control(static_cast<std::uint16_t>(openai->port()));
  ASSERT_EQ(control.request("POST", "/__control", {{"Content-Type", "application/json"}},
                            json{{"delay", {{"ms", 20000}}}}.dump()).status,
            200);
  // The plugin's own attempt timeout is 5 minutes: only the job's deadline can end this call soon.
  NexusdProcess server(config({{"cloud", openai_instance(*openai)}}, {{"timeout_ms", 1500}}));
  const auto r = post_audio(HttpClient(server.port()), audio().phrase_16k);
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(body_of(r)["error"].value("code", ""), "deadline_exceeded") << r.body;
  // The plugin's own words: it gave up the HTTP call when the job's deadline passed.
  EXPECT_NE(error_message(r).find("provider 'cloud'"), std::string::npos) << r.body;
  EXPECT_NE(error_message(r).find("the call's deadline passed"), std::string::npos) << r.body;
  EXPECT_EQ(body_of(control.get("/__requests")).size(), 1u) << "a call past its deadline is not retried";
}

}  // namespace
}  // namespace nexus::test
