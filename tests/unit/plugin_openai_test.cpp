// The "openai" transcription plugin through its C ABI against our
// OpenAI-compatible test server (tests/peers/openai_server.mjs) on
// 127.0.0.1, which checks requests as OpenAI does and transcribes for real
// with pocketsphinx. Speech is made at test time (espeak-ng + sox); a JSGF
// grammar makes the server's decodes exact. Timing facts (Retry-After) are
// asserted on the server's own request log, never on our wall clock.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/peers.hpp"
#include "support/plugin_harness.hpp"
#include "support/speech_audio.hpp"
#include "support/temp_dir.hpp"
#include "support/transcription_harness.hpp"

namespace nexus::test {
namespace {

using json = nlohmann::json;

constexpr const char* kKey = "sk-test-nexus-0123456789abcdefKEY";
constexpr const char* kPhrase = "please transfer my call to billing";
constexpr std::size_t kServerMaxFileBytes = 200000;  // OPENAI_TEST_MAX_FILE_BYTES of the server

std::int64_t unix_ms_in(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             (std::chrono::system_clock::now() + d).time_since_epoch())
      .count();
}

// True if any of `lines` contains `needle`.
bool any_contains(const std::vector<std::string>& lines, const std::string& needle) {
  for (const auto& l : lines)
    if (l.find(needle) != std::string::npos) return true;
  return false;
}

class OpenAiPluginTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    const auto grammar = *dir_ / "calls.jsgf";
    std::ofstream(grammar) << "#JSGF V1.0;\ngrammar calls;\npublic <phrase> = please transfer my call to billing"
                              " | i want to cancel my account | what is my balance;\n";
    make_speech_wav(kPhrase, *dir_ / "billing.wav");
    audio_ = read_file_bytes(*dir_ / "billing.wav");
    server_ = std::make_unique<PeerProcess>(node_script_options(
        "openai_server.mjs", {{"OPENAI_TEST_KEY", kKey},
                              {"OPENAI_TEST_GRAMMAR", grammar.string()},
                              {"OPENAI_TEST_MAX_FILE_BYTES", std::to_string(kServerMaxFileBytes)}}));
    plugin_ = std::make_unique<LoadedPlugin>(plugin_path("openai"));
  }
  static void TearDownTestSuite() {
    plugin_.reset();
    server_.reset();
    dir_.reset();
  }
  void SetUp() override { control({{"reset", true}}); }

  // Config for the test server, with `overrides` merged over it.
  static json config(const json& overrides = json::object()) {
    json c{{"base_url", server_->url()}, {"api_key", kKey}, {"max_retries", 2}, {"timeout_ms", 30000}};
    c.merge_patch(overrides);
    return c;
  }
  static std::unique_ptr<PluginInstance> create(const json& overrides = json::object()) {
    auto created = plugin_->create(config(overrides).dump());
    EXPECT_EQ(created.status, NEXUS_OK) << created.error;
    return std::move(created.instance);
  }
  static void control(const json& body) {
    const auto r = HttpClient(static_cast<std::uint16_t>(server_->port()))
                       .request("POST", "/__control", {{"content-type", "application/json"}}, body.dump());
    ASSERT_EQ(r.status, 200) << r.body << r.error;
  }
  // What the server received, oldest first.
  static json requests() {
    const auto r = HttpClient(static_cast<std::uint16_t>(server_->port())).get("/__requests");
    EXPECT_EQ(r.status, 200) << r.error;
    return json::parse(r.body);
  }
  // requests(), once it holds at least `n` entries (a request whose client
  // gave up may reach the server's log a moment after the call returned).
  static json requests_once(std::size_t n) {
    for (int i = 0; i < 250; ++i) {
      json r = requests();
      if (r.size() >= n) return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return requests();
  }
  static TranscribeResult run(const PluginInstance& instance, const json& options = json::object(),
                              const TranscriptionContext& ctx = TranscriptionContext()) {
    return transcribe(instance, audio_, "audio/wav", options.dump(), ctx);
  }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<PeerProcess> server_;
  static inline std::unique_ptr<LoadedPlugin> plugin_;
  static inline std::string audio_;
};

// ---- success in each format ----

TEST_F(OpenAiPluginTest, VerboseJsonGivesTextLanguageDurationSegmentsAndWords) {
  auto inst = create();
  const auto r = run(*inst);  // verbose_json is the default
  ASSERT_TRUE(r.ok()) << r.error;
  const json t = r.json();
  EXPECT_EQ(t["text"], kPhrase);
  EXPECT_EQ(t["language"], "en");  // the server says "english", as OpenAI does
  EXPECT_GT(t["duration_s"].get<double>(), 1.0);
  EXPECT_GE(t["processing_s"].get<double>(), 0.0);
  EXPECT_EQ(t["provider"]["plugin"], "openai");
  EXPECT_EQ(t["provider"]["model"], "whisper-1");
  ASSERT_EQ(t["segments"].size(), 1u) << t.dump();
  const json& seg = t["segments"][0];
  EXPECT_EQ(seg["text"], kPhrase);
  ASSERT_TRUE(seg.contains("confidence"));
  EXPECT_GE(seg["confidence"].get<double>(), 0.0);
  EXPECT_LE(seg["confidence"].get<double>(), 1.0);
  std::string words;
  double previous_end = 0;
  for (const auto& w : seg["words"]) {
    words += (words.empty() ? "" : " ") + w["word"].get<std::string>();
    EXPECT_LE(w["start"].get<double>(), w["end"].get<double>());
    EXPECT_GE(w["start"].get<double>(), previous_end);
    EXPECT_GE(w["start"].get<double>(), seg["start"].get<double>());
    EXPECT_LE(w["end"].get<double>(), seg["end"].get<double>());
    previous_end = w["end"].get<double>();
  }
  EXPECT_EQ(words, kPhrase);

  const json sent = requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["auth"], "bearer");
  EXPECT_EQ(sent[0]["auth_ok"], true);
  EXPECT_EQ(sent[0]["path"], "/v1/audio/transcriptions");
  EXPECT_EQ(sent[0]["fields"]["model"], "whisper-1");
  EXPECT_EQ(sent[0]["fields"]["response_format"], "verbose_json");
  EXPECT_EQ(sent[0]["fields"]["timestamp_granularities[]"], json::array({"word", "segment"}));
  EXPECT_EQ(sent[0]["file"]["filename"], "audio.wav");
  EXPECT_EQ(sent[0]["file"]["type"], "audio/wav");
  EXPECT_EQ(sent[0]["file"]["size"], audio_.size());
  EXPECT_FALSE(sent[0]["fields"].contains("language"));
  EXPECT_FALSE(sent[0]["fields"].contains("prompt"));
  EXPECT_FALSE(sent[0]["fields"].contains("temperature"));
}

TEST_F(OpenAiPluginTest, JsonGivesTheTextOnly) {
  auto inst = create({{"response_format", "json"}});
  const auto r = run(*inst);
  ASSERT_TRUE(r.ok()) << r.error;
  const json t = r.json();
  EXPECT_EQ(t["text"], kPhrase);
  EXPECT_TRUE(t["segments"].empty());
  EXPECT_FALSE(t.contains("language"));
  EXPECT_EQ(t["provider"]["response_format"], "json");
  const json sent = requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["fields"]["response_format"], "json");
  EXPECT_FALSE(sent[0]["fields"].contains("timestamp_granularities[]"));
}

TEST_F(OpenAiPluginTest, TextGivesTheTextOnly) {
  auto inst = create();
  const auto r = run(*inst, {{"response_format", "text"}});
  ASSERT_TRUE(r.ok()) << r.error;
  const json t = r.json();
  EXPECT_EQ(t["text"], kPhrase);  // the trailing newline of the text answer is gone
  EXPECT_TRUE(t["segments"].empty());
  const json sent = requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["fields"]["response_format"], "text");
  EXPECT_FALSE(sent[0]["fields"].contains("timestamp_granularities[]"));
}

TEST_F(OpenAiPluginTest, UtterancesBecomeSegmentsHoldingTheirOwnWords) {
  // Two sentences 1.5 s apart: the server's decoder answers two segments,
  // and the words (a separate list in OpenAI's answer) must land in the
  // segment they were spoken in.
  make_speech_wav(kPhrase, *dir_ / "first.wav", {}, 1.5);
  make_speech_wav("what is my balance", *dir_ / "second.wav");
  concat_wavs({*dir_ / "first.wav", *dir_ / "second.wav"}, *dir_ / "two.wav");
  auto inst = create();
  const auto r = transcribe(*inst, read_file_bytes(*dir_ / "two.wav"), "audio/wav");
  ASSERT_TRUE(r.ok()) << r.error;
  const json t = r.json();
  EXPECT_EQ(t["text"], std::string(kPhrase) + " what is my balance");
  ASSERT_EQ(t["segments"].size(), 2u) << t.dump();
  for (const auto& seg : t["segments"]) {
    std::string words;
    for (const auto& w : seg["words"]) {
      words += (words.empty() ? "" : " ") + w["word"].get<std::string>();
      EXPECT_GE(w["start"].get<double>(), seg["start"].get<double>()) << seg.dump();
      EXPECT_LE(w["end"].get<double>(), seg["end"].get<double>()) << seg.dump();
    }
    EXPECT_EQ(words, seg["text"]) << seg.dump();
  }
  EXPECT_EQ(t["segments"][0]["text"], kPhrase);
  EXPECT_EQ(t["segments"][1]["text"], "what is my balance");
  EXPECT_GT(t["segments"][1]["start"].get<double>(), t["segments"][0]["end"].get<double>());
}

TEST_F(OpenAiPluginTest, CallOptionsOverrideTheConfigDefaults) {
  auto inst = create(
      {{"language", "en"}, {"prompt", "a call about billing"}, {"temperature", 0.2}, {"response_format", "json"}});
  ASSERT_TRUE(run(*inst).ok());
  // The options of transcription.h win; options meant for other engines are ignored.
  const auto r = run(*inst, {{"model", "gpt-4o-transcribe"},
                             {"language", "de"},
                             {"prompt", "Rechnung"},
                             {"temperature", 0},
                             {"response_format", "text"},
                             {"grammar", "#JSGF V1.0;"},
                             {"keywords", {"billing"}}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.json()["provider"]["model"], "gpt-4o-transcribe");
  const json sent = requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0]["fields"]["model"], "whisper-1");
  EXPECT_EQ(sent[0]["fields"]["language"], "en");
  EXPECT_EQ(sent[0]["fields"]["prompt"], "a call about billing");
  EXPECT_EQ(sent[0]["fields"]["temperature"], "0.2");
  EXPECT_EQ(sent[1]["fields"]["model"], "gpt-4o-transcribe");
  EXPECT_EQ(sent[1]["fields"]["language"], "de");
  EXPECT_EQ(sent[1]["fields"]["prompt"], "Rechnung");
  EXPECT_EQ(sent[1]["fields"]["temperature"], "0");
  EXPECT_EQ(sent[1]["fields"]["response_format"], "text");
}

TEST_F(OpenAiPluginTest, AzureStyleApiKeyHeaderPathAndQuery) {
  auto inst = create({{"auth_header", "api-key"},
                      {"path", "/openai/deployments/whisper/audio/transcriptions"},
                      {"query", "api-version=2024-06-01"}});
  const auto r = run(*inst);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.json()["text"], kPhrase);
  const json sent = requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["auth"], "api-key");  // and no Authorization header
  EXPECT_EQ(sent[0]["auth_ok"], true);
  EXPECT_EQ(sent[0]["path"], "/openai/deployments/whisper/audio/transcriptions");
  EXPECT_EQ(sent[0]["query"], "api-version=2024-06-01");
}

TEST_F(OpenAiPluginTest, ParallelCallsOnOneInstance) {
  auto inst = create({{"response_format", "json"}});
  std::vector<TranscribeResult> results(4);
  std::vector<std::thread> threads;
  for (auto& r : results) threads.emplace_back([&] { r = run(*inst); });
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.json()["text"], kPhrase);
  }
  EXPECT_EQ(requests().size(), 4u);
}

// ---- provider errors ----

TEST_F(OpenAiPluginTest, WrongKeyIsUnauthenticatedWithOpenAisWordsAndNoKey) {
  const std::string wrong = "sk-wrong-key-0123456789abcdef";
  auto inst = create({{"api_key", wrong}});
  const auto r = run(*inst);
  EXPECT_EQ(r.status, NEXUS_UNAUTHENTICATED) << r.error;
  EXPECT_NE(r.error.find("Incorrect API key provided"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("HTTP 401"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("invalid_api_key"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find(wrong), std::string::npos) << r.error;
  EXPECT_EQ(requests().size(), 1u);  // 401 is never retried
}

TEST_F(OpenAiPluginTest, KeyEchoedByACarelessServerIsRedacted) {
  control({{"echo_key", true}});
  const std::string wrong = "sk-wrong-key-echoed-0123456789";
  auto inst = create({{"api_key", wrong}});
  const auto r = run(*inst);
  EXPECT_EQ(r.status, NEXUS_UNAUTHENTICATED) << r.error;
  EXPECT_NE(r.error.find("Incorrect API key provided: ***"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find(wrong), std::string::npos) << r.error;
}

TEST_F(OpenAiPluginTest, UnknownModelIsInvalidArgument) {
  auto inst = create();
  const auto r = run(*inst, {{"model", "whisper-9"}});
  EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << r.error;
  EXPECT_NE(r.error.find("HTTP 404"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("The model `whisper-9` does not exist"), std::string::npos) << r.error;
  EXPECT_EQ(requests().size(), 1u);
}

TEST_F(OpenAiPluginTest, RequestTheServerRejectsIsInvalidArgument) {
  auto inst = create();
  // OpenAI serves verbose_json for whisper-1 only.
  const auto r = run(*inst, {{"model", "gpt-4o-transcribe"}});
  EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << r.error;
  EXPECT_NE(r.error.find("HTTP 400"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("is not compatible with model 'gpt-4o-transcribe'"), std::string::npos) << r.error;
  EXPECT_EQ(requests().size(), 1u);  // 400 is never retried
}

TEST_F(OpenAiPluginTest, AudioTheServerCannotDecodeIsInvalidArgument) {
  make_speech_wav(kPhrase, *dir_ / "8k.wav", WavFormat{8000, 1, 16});
  auto inst = create();
  const auto r = transcribe(*inst, read_file_bytes(*dir_ / "8k.wav"), "audio/wav");
  EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << r.error;
  EXPECT_NE(r.error.find("8000 Hz"), std::string::npos) << r.error;
}

TEST_F(OpenAiPluginTest, AudioOverTheServersLimitIsResourceExhausted) {
  make_speech_wav(kPhrase, *dir_ / "long.wav", {}, 5.0);
  const std::string big = read_file_bytes(*dir_ / "long.wav");
  ASSERT_GT(big.size(), kServerMaxFileBytes);
  auto inst = create();
  const auto r = transcribe(*inst, big, "audio/wav");
  EXPECT_EQ(r.status, NEXUS_RESOURCE_EXHAUSTED) << r.error;
  EXPECT_NE(r.error.find("HTTP 413"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("Maximum content size limit"), std::string::npos) << r.error;
}

TEST_F(OpenAiPluginTest, ForbiddenIsPermissionDenied) {
  control({{"canned",
            {{"status", 403},
             {"headers", {{"content-type", "application/json"}}},
             {"body", R"({"error":{"message":"Country, region, or territory not supported","type":"request_forbidden",)"
                      R"("param":null,"code":"unsupported_country_region_territory"}})"}}}});
  auto inst = create();
  const auto r = run(*inst);
  EXPECT_EQ(r.status, NEXUS_PERMISSION_DENIED) << r.error;
  EXPECT_NE(r.error.find("HTTP 403 unsupported_country_region_territory: Country, region"), std::string::npos)
      << r.error;
  EXPECT_EQ(requests().size(), 1u);
}

TEST_F(OpenAiPluginTest, RedirectIsNotFollowed) {
  // Following it would send the key to wherever the Location points.
  control({{"canned", {{"status", 302}, {"headers", {{"location", "http://127.0.0.1:1/elsewhere"}}}}}});
  auto inst = create();
  const auto r = run(*inst);
  EXPECT_EQ(r.status, NEXUS_FAILED_PRECONDITION) << r.error;
  EXPECT_NE(r.error.find("HTTP 302"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("http://127.0.0.1:1/elsewhere"), std::string::npos) << r.error;
  EXPECT_EQ(requests().size(), 1u);
}

TEST_F(OpenAiPluginTest, ProxyErrorPageIsQuotedAndRetried) {
  control({{"canned",
            {{"count", 100},
             {"status", 502},
             {"headers", {{"content-type", "text/html"}}},
             {"body", "<html><body><h1>502 Bad Gateway</h1></body></html>"}}}});
  auto inst = create({{"max_retries", 1}});
  const auto r = run(*inst);
  EXPECT_EQ(r.status, NEXUS_UNAVAILABLE) << r.error;
  EXPECT_NE(r.error.find("(not OpenAI's error format) <html><body><h1>502 Bad Gateway"), std::string::npos) << r.error;
  EXPECT_EQ(requests().size(), 2u);
}

TEST_F(OpenAiPluginTest, SuccessThatIsNotATranscriptionIsUnavailable) {
  auto inst = create();
  for (const auto& [format, body] : std::vector<std::pair<std::string, std::string>>{
           {"json", "<html>a login page</html>"}, {"verbose_json", R"({"transcript":"no text field"})"}}) {
    control({{"canned", {{"status", 200}, {"headers", {{"content-type", "text/html"}}}, {"body", body}}}});
    const auto r = run(*inst, {{"response_format", format}});
    EXPECT_EQ(r.status, NEXUS_UNAVAILABLE) << r.error;
    EXPECT_NE(r.error.find("not with a " + format + " transcription"), std::string::npos) << r.error;
  }
}

// ---- retries ----

TEST_F(OpenAiPluginTest, RateLimitIsRetriedAfterRetryAfterSeconds) {
  control({{"fail", {{"count", 1}, {"status", 429}, {"retry_after", "1"}}}});
  auto inst = create({{"response_format", "json"}});
  TranscriptionContext ctx;
  const auto r = run(*inst, json::object(), ctx);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.json()["text"], kPhrase);
  EXPECT_EQ(r.json()["provider"]["attempts"], 2);
  const json sent = requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0]["status"], 429);
  EXPECT_EQ(sent[1]["status"], 200);
  // The retry left after the 429 was answered plus Retry-After, on the server's clock.
  EXPECT_GE(sent[1]["received_ms"].get<std::int64_t>() - sent[0]["answered_ms"].get<std::int64_t>(), 1000)
      << sent.dump();
  EXPECT_TRUE(any_contains(ctx.logs(), "HTTP 429")) << ::testing::PrintToString(ctx.logs());
  EXPECT_TRUE(any_contains(ctx.logs(), "Retry-After")) << ::testing::PrintToString(ctx.logs());
}

TEST_F(OpenAiPluginTest, RetryAfterAsAnHttpDateIsHonoured) {
  // A date two seconds ahead (HTTP dates have whole seconds).
  const std::time_t when = std::time(nullptr) + 2;
  char date[64];
  std::tm tm{};
  gmtime_r(&when, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  control({{"fail", {{"count", 1}, {"status", 503}, {"retry_after", date}}}});
  auto inst = create({{"response_format", "json"}});
  const auto r = run(*inst);
  ASSERT_TRUE(r.ok()) << r.error;
  const json sent = requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_GE(sent[1]["received_ms"].get<std::int64_t>(), static_cast<std::int64_t>(when) * 1000)
      << date << " " << sent.dump();
}

TEST_F(OpenAiPluginTest, RetryAfterMsIsHonoured) {
  control({{"fail", {{"count", 1}, {"status", 429}, {"retry_after_ms", "700"}, {"retry_after", "30"}}}});
  auto inst = create({{"response_format", "json"}});
  const auto r = run(*inst);
  ASSERT_TRUE(r.ok()) << r.error;  // retry-after-ms wins over the 30 s of Retry-After
  const json sent = requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_GE(sent[1]["received_ms"].get<std::int64_t>() - sent[0]["answered_ms"].get<std::int64_t>(), 700);
}

TEST_F(OpenAiPluginTest, RateLimitThatPersistsIsUnavailable) {
  control({{"fail", {{"count", 100}, {"status", 429}, {"retry_after", "0"}}}});
  auto inst = create({{"max_retries", 2}});
  const auto r = run(*inst);
  EXPECT_EQ(r.status, NEXUS_UNAVAILABLE) << r.error;
  EXPECT_NE(r.error.find("HTTP 429 rate_limit_exceeded"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("Rate limit reached"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("3 attempts"), std::string::npos) << r.error;
  EXPECT_EQ(requests().size(), 3u);
}

TEST_F(OpenAiPluginTest, RetryAfterLongerThanAMinuteIsNotWaitedFor) {
  control({{"fail", {{"count", 1}, {"status", 429}, {"retry_after", "3600"}}}});
  auto inst = create();
  const auto r = run(*inst);
  EXPECT_EQ(r.status, NEXUS_UNAVAILABLE) << r.error;
  EXPECT_NE(r.error.find("retry after 3600 s"), std::string::npos) << r.error;
  EXPECT_EQ(requests().size(), 1u);
}

TEST_F(OpenAiPluginTest, RetryAfterBeyondTheDeadlineIsNotWaitedFor) {
  control({{"fail", {{"count", 1}, {"status", 429}, {"retry_after", "20"}}}});
  auto inst = create();
  const auto r = run(*inst, json::object(), TranscriptionContext(-1, unix_ms_in(std::chrono::seconds(10))));
  EXPECT_EQ(r.status, NEXUS_UNAVAILABLE) << r.error;  // the 429 itself, at once
  EXPECT_NE(r.error.find("past the call's deadline"), std::string::npos) << r.error;
  EXPECT_EQ(requests().size(), 1u);
}

TEST_F(OpenAiPluginTest, InsufficientQuotaIsResourceExhaustedAndNotRetried) {
  control({{"fail", {{"count", 5}, {"status", 429}, {"code", "insufficient_quota"}}}});
  auto inst = create();
  const auto r = run(*inst);
  EXPECT_EQ(r.status, NEXUS_RESOURCE_EXHAUSTED) << r.error;
  EXPECT_NE(r.error.find("insufficient_quota"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("You exceeded your current quota"), std::string::npos) << r.error;
  EXPECT_EQ(requests().size(), 1u);
}

TEST_F(OpenAiPluginTest, ServerErrorsAreRetriedThenUnavailable) {
  control({{"fail", {{"count", 100}, {"status", 500}}}});
  auto inst = create({{"max_retries", 2}});
  TranscriptionContext ctx;
  const auto r = run(*inst, json::object(), ctx);
  EXPECT_EQ(r.status, NEXUS_UNAVAILABLE) << r.error;
  EXPECT_NE(r.error.find("HTTP 500"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("The server had an error"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("3 attempts"), std::string::npos) << r.error;
  const json sent = requests();
  ASSERT_EQ(sent.size(), 3u);
  for (const auto& s : sent) EXPECT_EQ(s["status"], 500);
  EXPECT_EQ(ctx.logs().size(), 2u) << ::testing::PrintToString(ctx.logs());  // one line per retry
}

TEST_F(OpenAiPluginTest, ServerErrorThenSuccess) {
  control({{"fail", {{"count", 1}, {"status", 502}}}});
  auto inst = create({{"response_format", "json"}});
  const auto r = run(*inst);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.json()["text"], kPhrase);
  EXPECT_EQ(requests().size(), 2u);
}

// ---- time, cancellation, reachability ----

TEST_F(OpenAiPluginTest, AttemptTimeoutIsDeadlineExceededAfterRetries) {
  control({{"delay", {{"ms", 5000}}}});
  auto inst = create({{"timeout_ms", 300}, {"max_retries", 1}});
  const auto r = run(*inst);
  EXPECT_EQ(r.status, NEXUS_DEADLINE_EXCEEDED) << r.error;
  EXPECT_NE(r.error.find("timeout_ms"), std::string::npos) << r.error;
  EXPECT_EQ(requests().size(), 2u);  // a timed-out attempt is retried like a lost connection
}

TEST_F(OpenAiPluginTest, CallDeadlineIsDeadlineExceeded) {
  control({{"delay", {{"ms", 5000}}}});
  auto inst = create();  // timeout_ms 30 s: the call's deadline is sooner
  const auto r = run(*inst, json::object(), TranscriptionContext(-1, unix_ms_in(std::chrono::milliseconds(800))));
  EXPECT_EQ(r.status, NEXUS_DEADLINE_EXCEEDED) << r.error;
  EXPECT_NE(r.error.find("the call's deadline passed"), std::string::npos) << r.error;
  EXPECT_EQ(requests().size(), 1u);
}

TEST_F(OpenAiPluginTest, DeadlineAlreadyPassedSendsNothing) {
  auto inst = create();
  const auto r = run(*inst, json::object(), TranscriptionContext(-1, unix_ms_in(std::chrono::milliseconds(-1000))));
  EXPECT_EQ(r.status, NEXUS_DEADLINE_EXCEEDED) << r.error;
  EXPECT_NE(r.error.find("before the transcription request"), std::string::npos) << r.error;
  EXPECT_EQ(requests().size(), 0u);
}

TEST_F(OpenAiPluginTest, CancelledWhileWaitingForTheAnswer) {
  control({{"delay", {{"ms", 10000}}}});
  auto inst = create();
  // Progress: "sending" (1), "audio sent; waiting" (2) — then cancelled.
  TranscriptionContext ctx(2);
  const auto r = run(*inst, json::object(), ctx);
  EXPECT_EQ(r.status, NEXUS_CANCELLED) << r.error;
  ASSERT_GE(ctx.progress().size(), 2u);
  EXPECT_EQ(ctx.progress()[1].progress, static_cast<double>(audio_.size()));
  EXPECT_EQ(requests_once(1).size(), 1u);  // it was in flight, and not retried
}

TEST_F(OpenAiPluginTest, CancelledBeforeTheStartSendsNothing) {
  auto inst = create();
  const auto r = run(*inst, json::object(), TranscriptionContext(0));
  EXPECT_EQ(r.status, NEXUS_CANCELLED) << r.error;
  EXPECT_EQ(requests().size(), 0u);
}

TEST_F(OpenAiPluginTest, CancelledDuringTheRetryWait) {
  control({{"fail", {{"count", 1}, {"status", 429}, {"retry_after", "30"}}}});
  auto inst = create();
  // Progress: 1 "sending", 2 "audio sent", then the 429 and 3 "retrying
  // in 30000 ms" — the caller cancels during that wait.
  TranscriptionContext ctx(3);
  const auto r = run(*inst, json::object(), ctx);
  EXPECT_EQ(r.status, NEXUS_CANCELLED) << r.error;
  ASSERT_EQ(ctx.progress().size(), 3u);
  EXPECT_NE(ctx.progress()[2].message.find("30000 ms"), std::string::npos) << ctx.progress()[2].message;
  EXPECT_EQ(requests().size(), 1u);
}

TEST_F(OpenAiPluginTest, ServerDownIsUnavailable) {
  const int port = free_tcp_port();  // nothing listens there
  auto inst = create({{"base_url", "http://127.0.0.1:" + std::to_string(port)}, {"max_retries", 1}});
  TranscriptionContext ctx;
  const auto r = run(*inst, json::object(), ctx);
  EXPECT_EQ(r.status, NEXUS_UNAVAILABLE) << r.error;
  EXPECT_NE(r.error.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("2 attempts"), std::string::npos) << r.error;
  EXPECT_TRUE(any_contains(ctx.logs(), "no answer")) << ::testing::PrintToString(ctx.logs());
}

// ---- refused before sending ----

TEST_F(OpenAiPluginTest, OversizeAudioIsRefusedBeforeSending) {
  auto inst = create({{"max_audio_bytes", 1000}});
  const auto r = run(*inst);
  EXPECT_EQ(r.status, NEXUS_RESOURCE_EXHAUSTED) << r.error;
  EXPECT_NE(r.error.find("max_audio_bytes"), std::string::npos) << r.error;
  EXPECT_EQ(requests().size(), 0u);
}

TEST_F(OpenAiPluginTest, BadInputsAreRefusedBeforeSending) {
  auto inst = create();
  const auto check = [&](const TranscribeResult& r, const std::string& needle) {
    EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << r.error;
    EXPECT_NE(r.error.find(needle), std::string::npos) << r.error;
  };
  check(transcribe(*inst, audio_, "text/plain"), "audio/wav");  // lists the accepted types
  check(transcribe(*inst, "", "audio/wav"), "empty");
  check(run(*inst, {{"response_format", "srt"}}), "response_format");
  check(run(*inst, {{"temperature", 3}}), "temperature");
  check(run(*inst, {{"temperature", "hot"}}), "temperature");
  check(run(*inst, {{"language", "english please"}}), "language");
  check(run(*inst, {{"model", ""}}), "model");
  check(run(*inst, {{"prompt", std::string(5000, 'x')}}), "prompt");
  check(transcribe(*inst, audio_, "audio/wav", "[1,2]"), "JSON object");
  EXPECT_EQ(requests().size(), 0u);
  // A media type with parameters names the same format.
  EXPECT_TRUE(transcribe(*inst, audio_, "audio/wav; codecs=1", R"({"response_format":"json"})").ok());
}

// ---- config ----

TEST_F(OpenAiPluginTest, EmptyOrMissingKeyIsRefusedAtCreateSayingWhereToSetIt) {
  for (const json& c : {json{{"api_key", ""}}, json{{"base_url", "http://127.0.0.1:1"}}}) {
    const auto created = plugin_->create(c.dump());
    EXPECT_EQ(created.status, NEXUS_INVALID_ARGUMENT) << c.dump();
    EXPECT_NE(created.error.find("api_key"), std::string::npos) << created.error;
    EXPECT_NE(created.error.find("${OPENAI_API_KEY}"), std::string::npos) << created.error;
  }
}

TEST_F(OpenAiPluginTest, BadConfigIsRefusedAtCreate) {
  const std::vector<std::pair<json, std::string>> cases{
      {{{"base_url", "https://api.openai.com/v1"}}, "/v1"},
      {{{"base_url", "ftp://example.com"}}, "base_url"},
      {{{"base_url", "https://user:pw@example.com"}}, "credentials"},
      {{{"base_url", "https://example.com?x=1"}}, "config.query"},
      {{{"path", "v1/audio"}}, "path"},
      {{{"auth_header", "x-key"}}, "auth_header"},
      {{{"response_format", "srt"}}, "response_format"},
      {{{"temperature", 2}}, "temperature"},
      {{{"max_retries", 99}}, "max_retries"},
      {{{"timeout_ms", 5}}, "timeout_ms"},
      {{{"max_audio_bytes", 0}}, "max_audio_bytes"},
      {{{"surprise", true}}, "surprise"},
  };
  for (const auto& [overrides, needle] : cases) {
    const auto created = plugin_->create(config(overrides).dump());
    EXPECT_EQ(created.status, NEXUS_INVALID_ARGUMENT) << overrides.dump();
    EXPECT_NE(created.error.find(needle), std::string::npos) << created.error;
  }
  // A key with a line break would split the header; the message does not show it.
  const auto created = plugin_->create(config({{"api_key", "sk-line\r\nX-Evil: 1"}}).dump());
  EXPECT_EQ(created.status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(created.error.find("sk-line"), std::string::npos) << created.error;
}

TEST_F(OpenAiPluginTest, PlainHttpToAnotherHostIsAcceptedWithAWarning) {
  LoadedPlugin plugin(plugin_path("openai"));  // its own log
  const auto remote = plugin.create(config({{"base_url", "http://transcriber.example.com:8000"}}).dump(), "remote");
  ASSERT_EQ(remote.status, NEXUS_OK) << remote.error;
  EXPECT_TRUE(plugin.log().contains("unencrypted")) << ::testing::PrintToString(plugin.log().lines());
  LoadedPlugin local_plugin(plugin_path("openai"));
  const auto local = local_plugin.create(config().dump(), "local");  // http://127.0.0.1:PORT
  ASSERT_EQ(local.status, NEXUS_OK) << local.error;
  EXPECT_FALSE(local_plugin.log().contains("unencrypted")) << ::testing::PrintToString(local_plugin.log().lines());
  EXPECT_TRUE(local_plugin.log().contains("model whisper-1"));
}

TEST_F(OpenAiPluginTest, SchemaMarksTheKeySecretAndDescribesEveryKey) {
  const json schema = json::parse(plugin_->descriptor().config_schema);
  EXPECT_EQ(schema["properties"]["api_key"]["x-nexus-secret"], true);
  EXPECT_EQ(schema["additionalProperties"], false);
  for (const auto& [key, prop] : schema["properties"].items()) EXPECT_TRUE(prop.contains("description")) << key;
  EXPECT_STREQ(plugin_->descriptor().interfaces[0], NEXUS_TRANSCRIPTION_V1);
  EXPECT_EQ(plugin_->descriptor().concurrency, NEXUS_CONCURRENCY_PARALLEL);
}

// ---- the key in logs ----

TEST_F(OpenAiPluginTest, KeyNeverAppearsInAnyLogLineOrMessage) {
  // Every path that writes: create, retries after 429 and 500, a server
  // that echoes the key, a timeout, success.
  control({{"echo_key", true}});
  std::vector<std::string> lines;
  std::vector<std::string> errors;
  {
    auto inst = create({{"max_retries", 1}});
    auto hasty = create({{"timeout_ms", 300}, {"max_retries", 1}});
    const auto collect = [&](const TranscriptionContext& ctx, const TranscribeResult& r) {
      const auto l = ctx.logs();
      lines.insert(lines.end(), l.begin(), l.end());
      errors.push_back(r.error);
    };
    control({{"fail", {{"count", 1}, {"status", 429}, {"retry_after", "0"}}}});
    {
      TranscriptionContext ctx;
      collect(ctx, run(*inst, json::object(), ctx));
    }
    control({{"fail", {{"count", 2}, {"status", 500}}}});
    {
      TranscriptionContext ctx;
      collect(ctx, run(*inst, json::object(), ctx));
    }
    control({{"delay", {{"ms", 3000}, {"count", 2}}}});
    {
      TranscriptionContext ctx;
      collect(ctx, run(*hasty, json::object(), ctx));
    }
    auto wrong = create({{"api_key", std::string(kKey) + "-revoked"}});
    {
      TranscriptionContext ctx;
      collect(ctx, run(*wrong, json::object(), ctx));
    }
  }
  const auto host_lines = plugin_->log().lines();
  lines.insert(lines.end(), host_lines.begin(), host_lines.end());
  ASSERT_GE(lines.size(), 4u) << "the test must see the plugin's log lines to mean anything";
  EXPECT_TRUE(any_contains(lines, "retry"));
  for (const auto& l : lines) EXPECT_EQ(l.find(kKey), std::string::npos) << l;
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_TRUE(errors[0].empty()) << errors[0];  // 429 then success
  for (const auto& e : errors) EXPECT_EQ(e.find(kKey), std::string::npos) << e;
}

}  // namespace
}  // namespace nexus::test
