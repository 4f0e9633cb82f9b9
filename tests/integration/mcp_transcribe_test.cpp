// transcribe_tools over a real nexusd: recordings stored over REST in an fs
// instance, transcribed through /mcp by pocketsphinx on speech made at test
// time. A tools/call with a progressToken is answered as an SSE stream whose
// notifications/progress (the provider's, forwarded by the tool) come before
// the result; the transcript is then readable over REST. Errors an agent can
// cause come back as isError results, never as a broken stream.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/mcp_wire.hpp"
#include "support/nexusd_process.hpp"
#include "support/speech_audio.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;

const std::string kPhrase = "please transfer my call to billing";
const std::string kGrammar =
    "#JSGF V1.0;\ngrammar intents;\n"
    "public <intent> = please transfer my call to (billing | sales | support) | i want to cancel my subscription;\n";
const std::string kAccept = "application/json, text/event-stream";

// An MCP session over Streamable HTTP: initialize, then requests whose
// answers (JSON or SSE) come back as the list of messages they carried.
class McpSession {
 public:
  explicit McpSession(std::uint16_t port) : http_(port) {
    const json init = mcp_initialize("transcribe-test");
    const auto r =
        http_.request("POST", "/mcp", {{"Accept", kAccept}, {"Content-Type", "application/json"}}, init.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    session_ = r.header("mcp-session-id");
    EXPECT_FALSE(session_.empty());
    EXPECT_EQ(post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}).status, 202);
  }

  HttpResponse post(const json& message) const {
    return http_.request("POST", "/mcp",
                         {{"Accept", kAccept},
                          {"Content-Type", "application/json"},
                          {"MCP-Protocol-Version", "2025-11-25"},
                          {"Mcp-Session-Id", session_}},
                         message.dump(), 120);
  }
  std::vector<json> exchange(const std::string& method, const json& params) const {
    const auto r = post({{"jsonrpc", "2.0"}, {"id", ++id_}, {"method", method}, {"params", params}});
    EXPECT_EQ(r.status, 200) << method << ": " << r.body;
    if (r.header("content-type").find("text/event-stream") != std::string::npos) return sse_messages(r.body);
    return {json::parse(r.body, nullptr, false)};
  }
  // The result of tools/call `name` (the last message's "result").
  json tool(const std::string& name, const json& arguments) const {
    const auto all = exchange("tools/call", {{"name", name}, {"arguments", arguments}});
    if (all.empty() || !all.back().contains("result")) {
      ADD_FAILURE() << "no result for " << name << ": " << (all.empty() ? json() : all.back());
      return json::object();
    }
    return all.back()["result"];
  }

 private:
  HttpClient http_;
  std::string session_;
  mutable int id_ = 0;
};

std::string first_text(const json& result) {
  return result.value("content", json::array()).empty() ? "" : result["content"][0].value("text", "");
}

class McpTranscribe : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    // Two seconds of silence after the sentence: several half-second progress steps.
    make_speech_wav(kPhrase, *dir_ / "call.wav", {}, 2.0);
    wav_ = read_file_bytes(*dir_ / "call.wav");
    auto fs = [](const std::string& name) {
      return json{{"plugin", "fs"}, {"config", {{"root", (dir_->path() / "data" / name).string()}}}};
    };
    const json config = {
        {"instances",
         {{"recordings", fs("recordings")},
          {"transcripts", fs("transcripts")},
          {"transcriber", {{"plugin", "pocketsphinx"}, {"config", json::object()}}},
          {"transcribe",
           {{"plugin", "transcribe_tools"},
            {"config",
             {{"storages", {"recordings", "transcripts"}},
              {"providers", {"transcriber"}},
              {"default_output",
               {{"storage", "transcripts"},
                {"from_prefix", "recordings/"},
                {"to_prefix", "transcripts/"},
                {"file_name", "transcript.json"}}}}}}}}},
        {"routes", {{"health", {{"public", true}}}, {"storage", {{"public", true}}}, {"mcp", {{"public", true}}}}}};
    server_ = std::make_unique<NexusdProcess>(config);
  }
  static void TearDownTestSuite() {
    server_.reset();
    dir_.reset();
  }
  static void store_recording(const std::string& key, const std::string& bytes, const std::string& type) {
    const auto put = HttpClient(server_->port()).put("/v1/storage/recordings/" + key, bytes, {{"Content-Type", type}});
    ASSERT_EQ(put.status, 200) << put.body;
  }

  static std::unique_ptr<TempDir> dir_;
  static std::string wav_;
  static std::unique_ptr<NexusdProcess> server_;
};
std::unique_ptr<TempDir> McpTranscribe::dir_;
std::string McpTranscribe::wav_;
std::unique_ptr<NexusdProcess> McpTranscribe::server_;

TEST_F(McpTranscribe, ToolsListOffersBothTools) {
  const McpSession mcp(server_->port());
  const json list = mcp.exchange("tools/list", json::object()).back();
  std::map<std::string, json> by_name;
  for (const auto& t : list["result"]["tools"]) by_name[t["name"]] = t;
  ASSERT_TRUE(by_name.count("transcribe_recording")) << list;
  ASSERT_TRUE(by_name.count("transcribe_providers")) << list;
  EXPECT_EQ(by_name["transcribe_recording"]["inputSchema"]["properties"]["provider"]["enum"], json({"transcriber"}));
}

TEST_F(McpTranscribe, ProgressStreamsBeforeTheResultAndTheTranscriptIsSaved) {
  store_recording("recordings/T1/recording.wav", wav_, "audio/wav");
  const McpSession mcp(server_->port());
  const auto msgs = mcp.exchange(
      "tools/call",
      {{"name", "transcribe_recording"},
       {"arguments",
        {{"storage", "recordings"}, {"key", "recordings/T1/recording.wav"}, {"options", {{"grammar", kGrammar}}}}},
       {"_meta", {{"progressToken", "tr-1"}}}});
  ASSERT_GE(msgs.size(), 3u) << "expected progress notifications before the result";

  std::vector<double> progress;
  for (std::size_t i = 0; i + 1 < msgs.size(); ++i) {
    ASSERT_EQ(msgs[i]["method"], "notifications/progress") << msgs[i];
    EXPECT_EQ(msgs[i]["params"]["progressToken"], "tr-1");
    EXPECT_GT(msgs[i]["params"]["total"].get<double>(), 4.0);  // seconds of audio, as pocketsphinx counts
    if (!progress.empty()) {
      EXPECT_GT(msgs[i]["params"]["progress"].get<double>(), progress.back());
    }
    progress.push_back(msgs[i]["params"]["progress"].get<double>());
  }
  const json& result = msgs.back()["result"];
  ASSERT_FALSE(result.value("isError", true)) << msgs.back();
  EXPECT_EQ(first_text(result), kPhrase);
  EXPECT_EQ(result["structuredContent"]["saved"]["storage"], "transcripts");
  EXPECT_EQ(result["structuredContent"]["saved"]["key"], "transcripts/T1/transcript.json");
  EXPECT_EQ(result["structuredContent"]["provider"], "transcriber");

  const auto saved = HttpClient(server_->port()).get("/v1/storage/transcripts/transcripts/T1/transcript.json");
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_NE(saved.header("content-type").find("application/json"), std::string::npos);
  const json transcript = json::parse(saved.body, nullptr, false);
  EXPECT_EQ(transcript["text"], kPhrase);
  EXPECT_EQ(transcript, result["structuredContent"]["transcript"]);
}

TEST_F(McpTranscribe, WithoutAProgressTokenTheAnswerIsTheResultAlone) {
  store_recording("recordings/T2/recording.wav", wav_, "audio/wav");
  const McpSession mcp(server_->port());
  const auto msgs = mcp.exchange("tools/call", {{"name", "transcribe_recording"},
                                                {"arguments",
                                                 {{"storage", "recordings"},
                                                  {"key", "recordings/T2/recording.wav"},
                                                  {"options", {{"grammar", kGrammar}}},
                                                  {"output", {{"storage", "transcripts"}, {"key", "mine/T2.json"}}}}}});
  ASSERT_EQ(msgs.size(), 1u) << msgs.back();
  EXPECT_EQ(first_text(msgs[0]["result"]), kPhrase);
  EXPECT_EQ(HttpClient(server_->port()).get("/v1/storage/transcripts/mine/T2.json").status, 200);
}

TEST_F(McpTranscribe, AgentMistakesAreIsErrorResults) {
  const McpSession mcp(server_->port());

  json r = mcp.tool("transcribe_recording", {{"storage", "recordings"}, {"key", "recordings/none/recording.wav"}});
  EXPECT_TRUE(r.value("isError", false)) << r;
  EXPECT_NE(first_text(r).find("no recording 'recordings/none/recording.wav' in storage 'recordings'"),
            std::string::npos)
      << r;

  store_recording("recordings/T3/notes.txt", "not audio", "text/plain");
  r = mcp.tool("transcribe_recording", {{"storage", "recordings"}, {"key", "recordings/T3/notes.txt"}});
  EXPECT_TRUE(r.value("isError", false)) << r;
  EXPECT_NE(first_text(r).find("is not audio"), std::string::npos) << r;

  // The host checks the inputSchema (the provider enum) before the plugin runs.
  r = mcp.tool("transcribe_recording",
               {{"storage", "recordings"}, {"key", "recordings/T1/recording.wav"}, {"provider", "whisper"}});
  EXPECT_TRUE(r.value("isError", false)) << r;
  EXPECT_NE(first_text(r).find("Invalid arguments for tool 'transcribe_recording'"), std::string::npos) << r;

  // pocketsphinx refuses what it cannot decode, in its own words.
  store_recording("recordings/T3/recording.mp3", "ID3 not decodable", "audio/mpeg");
  r = mcp.tool("transcribe_recording", {{"storage", "recordings"}, {"key", "recordings/T3/recording.mp3"}});
  EXPECT_TRUE(r.value("isError", false)) << r;
  EXPECT_NE(first_text(r).find("provider 'transcriber' refused recording"), std::string::npos) << r;
  EXPECT_EQ(HttpClient(server_->port()).get("/v1/storage/transcripts/transcripts/T3/transcript.json").status, 404);
}

TEST_F(McpTranscribe, ProvidersToolNamesTheDefaultProviderAndOutput) {
  const McpSession mcp(server_->port());
  const json r = mcp.tool("transcribe_providers", json::object());
  ASSERT_FALSE(r.value("isError", true)) << r;
  EXPECT_EQ(r["structuredContent"]["providers"], json::parse(R"([{"name": "transcriber", "default": true}])"));
  EXPECT_EQ(r["structuredContent"]["max_audio_bytes"], 268435456);
  EXPECT_NE(r["structuredContent"]["default_output"]["example"].get<std::string>().find(
                "'transcripts/T1/transcript.json' in storage 'transcripts'"),
            std::string::npos)
      << r;
}

}  // namespace
}  // namespace nexus::test
