// The OpenAI-compatible test server (tests/peers/openai_server.mjs) on its
// own, spoken to with hand-made requests. The openai plugin always sends a
// well-formed request, so its tests never reach the server's refusals; these
// do. They hold the server to what it claims to check as OpenAI does — the
// bearer key, multipart with `file` and `model`, the response formats — so
// a server that silently accepted anything could not pass for one that
// checks, and its answers are real pocketsphinx decodes of speech made here.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/peers.hpp"
#include "support/speech_audio.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

using json = nlohmann::json;

constexpr const char* kKey = "sk-test-server-0123456789abcdef";
constexpr const char* kPhrase = "please transfer my call to billing";
constexpr const char* kBoundary = "nexus-test-boundary-7c1d";

// One multipart/form-data part: a text field, or a file when `filename` is set.
struct Part {
  std::string name, value, filename, type;
};

std::string multipart(const std::vector<Part>& parts) {
  std::string body;
  for (const auto& p : parts) {
    body += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.filename.empty()) body += "; filename=\"" + p.filename + "\"\r\nContent-Type: " + p.type;
    body += "\r\n\r\n" + p.value + "\r\n";
  }
  return body + "--" + kBoundary + "--\r\n";
}

class OpenAiTestServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    std::ofstream(*dir_ / "calls.jsgf") << "#JSGF V1.0;\ngrammar calls;\n"
                                           "public <phrase> = please transfer my call to billing | what is my balance;\n";
    make_speech_wav(kPhrase, *dir_ / "billing.wav");
    wav_ = read_file_bytes(*dir_ / "billing.wav");
    server_ = std::make_unique<PeerProcess>(node_script_options(
        "openai_server.mjs", {{"OPENAI_TEST_KEY", kKey}, {"OPENAI_TEST_GRAMMAR", (*dir_ / "calls.jsgf").string()}}));
  }
  static void TearDownTestSuite() {
    server_.reset();
    dir_.reset();
  }

  static Part file_part() { return {"file", wav_, "call.wav", "audio/wav"}; }

  // POST /v1/audio/transcriptions with `parts`, authorised by `auth` ("" sends no Authorization header).
  static HttpResponse post(const std::vector<Part>& parts, const std::string& auth = std::string("Bearer ") + kKey,
                           const std::string& content_type = std::string("multipart/form-data; boundary=") + kBoundary) {
    HeaderList headers{{"Content-Type", content_type}};
    if (!auth.empty()) headers.emplace_back("Authorization", auth);
    return HttpClient(static_cast<std::uint16_t>(server_->port()))
        .request("POST", "/v1/audio/transcriptions", headers, multipart(parts));
  }

  // The OpenAI error document's fields, checked for its shape.
  static json error_of(const HttpResponse& r) {
    const json b = json::parse(r.body, nullptr, false);
    EXPECT_TRUE(b.is_object() && b.contains("error") && b["error"].contains("message")) << r.body;
    return b.is_object() && b.contains("error") ? b["error"] : json::object();
  }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<PeerProcess> server_;
  static inline std::string wav_;
};

TEST_F(OpenAiTestServerTest, NoKeyOrAWrongKeyIs401InOpenAisFormat) {
  const auto none = post({file_part(), {"model", "whisper-1"}}, "");
  EXPECT_EQ(none.status, 401) << none.body;
  EXPECT_NE(error_of(none).value("message", "").find("You didn't provide an API key"), std::string::npos) << none.body;

  const std::string wrong = "sk-wrong-0123456789abcdef";
  const auto bad = post({file_part(), {"model", "whisper-1"}}, "Bearer " + wrong);
  EXPECT_EQ(bad.status, 401) << bad.body;
  EXPECT_EQ(error_of(bad).value("code", ""), "invalid_api_key") << bad.body;
  EXPECT_EQ(bad.body.find(wrong), std::string::npos) << "the key is shown masked: " << bad.body;

  // The key without the Bearer scheme is not a key.
  EXPECT_EQ(post({file_part(), {"model", "whisper-1"}}, kKey).status, 401);
}

TEST_F(OpenAiTestServerTest, RequestWithoutFileOrModelOrNotMultipartIs400) {
  const auto no_file = post({{"model", "whisper-1"}});
  EXPECT_EQ(no_file.status, 400) << no_file.body;
  EXPECT_EQ(error_of(no_file).value("param", ""), "file") << no_file.body;

  // A `file` sent as a plain field is no file.
  const auto text_file = post({{"file", "RIFF....", "", ""}, {"model", "whisper-1"}});
  EXPECT_EQ(text_file.status, 400) << text_file.body;
  EXPECT_EQ(error_of(text_file).value("param", ""), "file") << text_file.body;

  const auto no_model = post({file_part()});
  EXPECT_EQ(no_model.status, 400) << no_model.body;
  EXPECT_EQ(error_of(no_model).value("param", ""), "model") << no_model.body;

  const auto json_body = post({file_part(), {"model", "whisper-1"}}, std::string("Bearer ") + kKey, "application/json");
  EXPECT_EQ(json_body.status, 400) << json_body.body;
  EXPECT_NE(error_of(json_body).value("message", "").find("multipart/form-data"), std::string::npos) << json_body.body;
}

TEST_F(OpenAiTestServerTest, UnknownOrUnservedResponseFormatsAre400) {
  for (const char* format : {"xml", "srt", "vtt"}) {
    const auto r = post({file_part(), {"model", "whisper-1"}, {"response_format", format}});
    EXPECT_EQ(r.status, 400) << format << ": " << r.body;
    EXPECT_EQ(error_of(r).value("param", ""), "response_format") << format << ": " << r.body;
  }
}

TEST_F(OpenAiTestServerTest, EachFormatAnswersWithARealDecode) {
  const auto plain = post({file_part(), {"model", "whisper-1"}, {"response_format", "text"}});
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(plain.header("content-type").rfind("text/plain", 0), 0u) << plain.header("content-type");
  EXPECT_EQ(plain.body, std::string(kPhrase) + "\n");

  // json is OpenAI's default when response_format is absent.
  const auto by_default = post({file_part(), {"model", "whisper-1"}});
  ASSERT_EQ(by_default.status, 200) << by_default.body;
  EXPECT_EQ(json::parse(by_default.body), json({{"text", kPhrase}}));

  const auto verbose = post({file_part(),
                             {"model", "whisper-1"},
                             {"response_format", "verbose_json"},
                             {"timestamp_granularities[]", "word"},
                             {"timestamp_granularities[]", "segment"}});
  ASSERT_EQ(verbose.status, 200) << verbose.body;
  const json v = json::parse(verbose.body);
  EXPECT_EQ(v["text"], kPhrase);
  EXPECT_EQ(v["language"], "english");
  EXPECT_NEAR(v["duration"].get<double>(), static_cast<double>(wav_.size() - 44) / (2 * 16000), 0.01);
  ASSERT_FALSE(v["segments"].empty()) << verbose.body;
  ASSERT_EQ(v["words"].size(), 6u) << verbose.body;
  EXPECT_EQ(v["words"][5]["word"], "billing");
  EXPECT_LT(v["words"][0]["start"].get<double>(), v["words"][5]["end"].get<double>());
}

}  // namespace
}  // namespace nexus::test
