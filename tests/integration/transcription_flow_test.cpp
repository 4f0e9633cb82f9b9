// The platform's flow end to end over REST, with real speech: a recording
// stored at recordings/{task_id}/recording.wav is transcribed by the
// configured provider and transcripts/{task_id}/transcript.json appears in
// the configured storage — once with fs + pocketsphinx, once with s3
// (s3rver) + an OpenAI-compatible server (tests/peers/openai_server.mjs,
// which decodes with pocketsphinx too). The requests are byte-identical;
// only the config differs. Audio is made by espeak-ng + sox at test time.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/nexusd_process.hpp"
#include "support/peers.hpp"
#include "support/speech_audio.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;

const std::string kPhrase = "please transfer my call to billing";
const std::string kGrammar =
    "#JSGF V1.0;\ngrammar intents;\n"
    "public <intent> = please transfer my call to (billing | sales | support) | i want to cancel my subscription;\n";
const std::string kOpenAiKey = "sk-test-flow-0123456789";
const std::string kTaskId = "T-4711";

json routes() {
  return {{"health", {{"public", true}}}, {"storage", {{"public", true}}}, {"transcription", {{"public", true}}}};
}

// The one request the platform sends, whatever the backends.
json transcription_request() {
  return {{"storage", "recordings"},
          {"key", "recordings/" + kTaskId + "/recording.wav"},
          {"output", {{"storage", "transcripts"}, {"key", "transcripts/" + kTaskId + "/transcript.json"}}}};
}

// Stores the recording, transcribes it, and returns the stored transcript.
json run_flow(const NexusdProcess& server, const std::string& wav) {
  const HttpClient c(server.port());
  const auto put = c.put("/v1/storage/recordings/recordings/" + kTaskId + "/recording.wav", wav,
                         {{"Content-Type", "audio/wav"}});
  EXPECT_EQ(put.status, 200) << put.body;
  const auto r = c.request("POST", "/v1/transcriptions", {{"Content-Type", "application/json"}},
                           transcription_request().dump());
  EXPECT_EQ(r.status, 200) << r.body;
  const auto t = c.get("/v1/storage/transcripts/transcripts/" + kTaskId + "/transcript.json");
  EXPECT_EQ(t.status, 200) << t.body;
  return json::parse(t.body, nullptr, false);
}

class TranscriptionFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    make_speech_wav(kPhrase, dir_ / "call.wav");
    wav_ = read_file_bytes(dir_ / "call.wav");
    std::ofstream(dir_ / "intents.jsgf") << kGrammar;
  }
  TempDir dir_;
  std::string wav_;
};

TEST_F(TranscriptionFlowTest, FilesAndPocketsphinx) {
  auto fs = [&](const std::string& name) {
    return json{{"plugin", "fs"}, {"config", {{"root", (dir_ / "data" / name).string()}}}};
  };
  const json config = {
      {"instances",
       {{"recordings", fs("recordings")},
        {"transcripts", fs("transcripts")},
        {"jobs", fs("jobs")},
        {"transcriber", {{"plugin", "pocketsphinx"}, {"config", {{"grammar_file", (dir_ / "intents.jsgf").string()}}}}}}},
      {"routes", routes()},
      {"transcription", {{"provider", "transcriber"}, {"jobs_storage", "jobs"}}}};
  NexusdProcess server(config);
  const json transcript = run_flow(server, wav_);
  EXPECT_EQ(transcript.value("text", ""), kPhrase) << transcript.dump();
  EXPECT_EQ(transcript["provider"].value("plugin", ""), "pocketsphinx") << transcript.dump();
  // And it is a real file where the fs backend keeps it.
  EXPECT_TRUE(std::filesystem::exists(dir_ / "data" / "transcripts" / "transcripts" / kTaskId / "transcript.json"));

  // Audio the decoder cannot read is a 400 that says what was wrong.
  const HttpClient c(server.port());
  const auto not_wav = c.request("POST", "/v1/transcriptions", {{"Content-Type", "audio/wav"}}, "this is not audio");
  EXPECT_EQ(not_wav.status, 400) << not_wav.body;
  EXPECT_NE(not_wav.body.find("RIFF"), std::string::npos) << not_wav.body;
  const auto truncated =
      c.request("POST", "/v1/transcriptions", {{"Content-Type", "audio/wav"}}, std::string_view(wav_).substr(0, 30));
  EXPECT_EQ(truncated.status, 400) << truncated.body;
  const auto mp3 = c.request("POST", "/v1/transcriptions", {{"Content-Type", "audio/mpeg"}}, wav_);
  EXPECT_EQ(mp3.status, 400) << mp3.body;
  EXPECT_NE(mp3.body.find("audio/wav"), std::string::npos) << "names the accepted type: " << mp3.body;
}

TEST_F(TranscriptionFlowTest, S3AndAnOpenAiCompatibleServer) {
  auto s3rver_opts = s3rver_options(dir_ / "s3");
  s3rver_opts.argv.insert(s3rver_opts.argv.end(), {"--configure-bucket", "calls"});
  PeerProcess s3rver(std::move(s3rver_opts));
  PeerProcess openai(node_script_options(
      "openai_server.mjs", {{"OPENAI_TEST_KEY", kOpenAiKey}, {"OPENAI_TEST_GRAMMAR", (dir_ / "intents.jsgf").string()}}));

  auto s3 = [&](const std::string& prefix) {
    return json{{"plugin", "s3"},
                {"config",
                 {{"bucket", "calls"},
                  {"prefix", prefix},
                  {"endpoint", s3rver.url()},
                  {"access_key_id", "S3RVER"},
                  {"secret_access_key", "S3RVER"}}}};
  };
  const json config = {
      {"instances",
       {{"recordings", s3("")},
        {"transcripts", s3("")},
        {"jobs", s3("nexus/")},
        {"transcriber",
         {{"plugin", "openai"}, {"config", {{"base_url", openai.url()}, {"api_key", "${OPENAI_API_KEY}"}}}}}}},
      {"routes", routes()},
      {"transcription", {{"provider", "transcriber"}, {"jobs_storage", "jobs"}}}};
  NexusdProcess server(config, EnvVars{{"OPENAI_API_KEY", kOpenAiKey}});
  const json transcript = run_flow(server, wav_);
  EXPECT_EQ(transcript.value("text", ""), kPhrase) << transcript.dump();
  EXPECT_EQ(transcript["provider"].value("plugin", ""), "openai") << transcript.dump();
  // The key was used and never logged.
  EXPECT_EQ(server.stderr_text().find(kOpenAiKey), std::string::npos);
  EXPECT_EQ(server.stdout_text().find(kOpenAiKey), std::string::npos);
}

}  // namespace
}  // namespace nexus::test
