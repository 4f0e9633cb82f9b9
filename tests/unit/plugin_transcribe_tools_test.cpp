// The "transcribe_tools" plugin through its C ABI: recordings in real
// "memory" storage instances, transcribed by the paced_transcriber fixture
// (progress, cancellation, deadlines, provider refusals: its pace and answers
// are the test's to set), by pocketsphinx on speech made at test time, and
// by the openai plugin against the OpenAI-compatible test server (hosted
// failures). Both kinds of dependency are found through a host stub that
// resolves names as nexusd does for declared dependencies. Also the SDK
// piece the plugin is built on: ChildContext's opt-in progress forwarding.
#include <gtest/gtest.h>

#include <nexus/nexus.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <nexus/sdk/child_context.hpp>

#include "support/peers.hpp"
#include "support/plugin_harness.hpp"
#include "support/principal_context.hpp"
#include "support/speech_audio.hpp"
#include "support/temp_dir.hpp"
#include "support/tools_harness.hpp"
#include "support/transcription_harness.hpp"

namespace nexus::test {
namespace {

using json = nlohmann::json;

constexpr const char* kSentence = "please transfer my call to billing";
constexpr const char* kGrammar =
    "#JSGF V1.0;\ngrammar call;\n"
    "public <call> = please transfer my call to ( billing | sales | support ) | i want to speak to a manager;\n";

std::string test_plugin_path(const std::string& id) {
  return std::string(NEXUS_TEST_PLUGIN_DIR) + "/libnexus_" + id + ".so";
}

// A 16 kHz mono 16-bit WAV of `samples` zero samples: a real header, which
// is all the tool looks at before the (fixture) provider.
std::string silent_wav(std::uint32_t samples = 800) {
  auto u32 = [](std::uint32_t v) {
    return std::string{char(v & 0xff), char(v >> 8 & 0xff), char(v >> 16 & 0xff), char(v >> 24 & 0xff)};
  };
  auto u16 = [](std::uint16_t v) { return std::string{char(v & 0xff), char(v >> 8 & 0xff)}; };
  const std::uint32_t data = samples * 2;
  return "RIFF" + u32(36 + data) + "WAVE" + "fmt " + u32(16) + u16(1) + u16(1) + u32(16000) + u32(32000) + u16(2) +
         u16(16) + "data" + u32(data) + std::string(data, '\0');
}

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A nexus_host whose callback_find_interface resolves names to instances
// the test created, for storage and transcription alike.
class DependencyHost {
 public:
  DependencyHost() {
    host_.struct_size = sizeof(nexus_host);
    host_.abi_major = NEXUS_ABI_MAJOR;
    host_.abi_minor = NEXUS_ABI_MINOR;
    host_.host_data = this;
    host_.callback_log = [](void*, nexus_log_level, nexus_str) {};
    host_.callback_find_interface = &find;
    host_.callback_counter_add = [](void*, nexus_str, nexus_str, double) {};
    host_.callback_gauge_set = [](void*, nexus_str, nexus_str, double) {};
    host_.callback_histogram_observe = [](void*, nexus_str, nexus_str, double) {};
    host_.callback_resource_updated = [](void*, nexus_str) {};
  }
  void add(const std::string& name, const PluginInstance& instance) { instances_[name] = &instance; }
  const nexus_host* get() const { return &host_; }

 private:
  static nexus_status find(void* self, nexus_str name, const char* id, nexus_interface_ref* out,
                           const nexus_writer* error) {
    auto say = [&](const std::string& m) {
      if (error) error->callback_write(error->receiver_data, m.data(), m.size());
    };
    auto& h = *static_cast<DependencyHost*>(self);
    const std::string wanted(name.data, name.size);
    const auto it = h.instances_.find(wanted);
    if (it == h.instances_.end()) {
      say("no instance '" + wanted + "'");
      return NEXUS_NOT_FOUND;
    }
    const void* table = std::string(id) == NEXUS_STORAGE_V1         ? static_cast<const void*>(it->second->storage())
                        : std::string(id) == NEXUS_TRANSCRIPTION_V1 ? it->second->transcription()
                                                                    : nullptr;
    if (!table) {
      say("instance '" + wanted + "' does not provide " + id);
      return NEXUS_UNIMPLEMENTED;
    }
    out->vtable = table;
    out->instance = it->second->handle();
    return NEXUS_OK;
  }
  nexus_host host_{};
  std::map<std::string, const PluginInstance*> instances_;
};

// One transcribe_tools instance, created through the descriptor with the
// stub host and called with any call context.
class TranscribeToolsInstance {
 public:
  TranscribeToolsInstance(const LoadedPlugin& plugin, const DependencyHost& host, const json& config)
      : d_(plugin.descriptor()) {
    StringWriter error;
    const std::string c = config.dump();
    status_ = d_.on_instance_create(host.get(), nexus_str{"transcribe", 10}, nexus_str{c.data(), c.size()}, &instance_,
                                    error.get());
    error_ = error.str();
    if (status_ != NEXUS_OK) instance_ = nullptr;
  }
  ~TranscribeToolsInstance() {
    if (instance_) d_.on_instance_destroy(instance_);
  }
  TranscribeToolsInstance(const TranscribeToolsInstance&) = delete;
  TranscribeToolsInstance& operator=(const TranscribeToolsInstance&) = delete;

  nexus_status status() const { return status_; }
  const std::string& error() const { return error_; }

  json list() const {
    TestContext ctx;
    StringWriter out;
    EXPECT_EQ(tools().on_list_tools(instance_, ctx.get(), out.get()), NEXUS_OK) << ctx.error();
    return json::parse(out.str());
  }
  Outcome call(const std::string& name, const json& args, const nexus_call_context* ctx) const {
    StringWriter out;
    const std::string a = args.dump();
    Outcome o;
    o.status = tools().on_call_tool(instance_, ctx, nexus_str{name.data(), name.size()}, nexus_str{a.data(), a.size()},
                                    out.get());
    if (o.status == NEXUS_OK) o.result = json::parse(out.str());
    return o;
  }
  // A call whose error text (on a non-OK status) lands in the outcome.
  Outcome call(const std::string& name, const json& args) const {
    TestContext ctx;
    Outcome o = call(name, args, ctx.get());
    o.error = ctx.error();
    return o;
  }

 private:
  const nexus_tools_v1& tools() const {
    return *static_cast<const nexus_tools_v1*>(d_.on_get_interface(NEXUS_TOOLS_V1));
  }
  const nexus_plugin_descriptor& d_;
  void* instance_ = nullptr;
  nexus_status status_ = NEXUS_INTERNAL;
  std::string error_;
};

// All the texts of a result's content, joined: what the model reads.
std::string all_text(const Outcome& o) {
  std::string s;
  for (const auto& c : o.result.value("content", json::array())) s += c.value("text", "") + "\n";
  return s;
}

class TranscribeToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    add_storage("recordings", "{}");
    add_storage("transcripts", "{}");
    add_instance("paced", paced_, R"({"steps": 4, "step_ms": 1, "text": "paced transcript"})");
    add_instance("other", paced_, R"({"steps": 1, "step_ms": 1, "text": "other transcript"})");
  }
  void add_storage(const std::string& name, const std::string& config) {
    auto created = memory_.create(config, name);
    ASSERT_EQ(created.status, NEXUS_OK) << created.error;
    host_.add(name, *created.instance);
    instances_[name] = std::move(created.instance);
  }
  void add_instance(const std::string& name, const LoadedPlugin& plugin, const std::string& config) {
    auto created = plugin.create(config, name);
    ASSERT_EQ(created.status, NEXUS_OK) << created.error;
    host_.add(name, *created.instance);
    instances_[name] = std::move(created.instance);
  }
  static json config(json extra = json::object()) {
    json c = {{"storages", {"recordings", "transcripts"}}, {"providers", {"paced", "other"}}};
    c.merge_patch(extra);
    return c;
  }
  std::unique_ptr<TranscribeToolsInstance> make(const json& c = config()) {
    auto t = std::make_unique<TranscribeToolsInstance>(plugin_, host_, c);
    EXPECT_EQ(t->status(), NEXUS_OK) << t->error();
    return t;
  }
  // transcribe_recording by an authenticated caller holding `scopes` (and
  // tools:*); progress and cancellation go through `base` as usual.
  static Outcome transcribe_as(const TranscribeToolsInstance& t, const json& scopes, const json& args,
                               const TranscriptionContext& base) {
    const std::string principal = PrincipalContext::with_scopes(scopes).dump();
    nexus_call_context ctx = *base.get();
    ctx.principal_json = nexus_str{principal.data(), principal.size()};
    Outcome o = t.call("transcribe_recording", args, &ctx);
    o.error = base.error();
    return o;
  }
  StorageClient storage(const std::string& name) const { return StorageClient(*instances_.at(name)); }
  void store(const std::string& key, const std::string& bytes, const std::string& type = "audio/wav") {
    ASSERT_EQ(storage("recordings").put(key, bytes, typed(type)).status, NEXUS_OK);
  }
  // True if no transcript was saved anywhere: "transcripts" is empty and
  // "recordings" holds no *.transcript.json (the default output).
  bool nothing_saved() const {
    if (!storage("transcripts").list("", "", 100).json()["objects"].empty()) return false;
    for (const auto& o : storage("recordings").list("", "", 100).json()["objects"])
      if (o["key"].get<std::string>().ends_with(".transcript.json")) return false;
    return true;
  }

  LoadedPlugin memory_{plugin_path("memory")};
  LoadedPlugin paced_{test_plugin_path("paced_transcriber")};
  LoadedPlugin plugin_{plugin_path("transcribe_tools")};
  std::map<std::string, std::unique_ptr<PluginInstance>> instances_;
  DependencyHost host_;
};

const json kRecording = {{"storage", "recordings"}, {"key", "recordings/T1/recording.wav"}};

json recording_args(json extra = json::object()) {
  json a = kRecording;
  a.merge_patch(extra);
  return a;
}

// ---- the tools ------------------------------------------------------------

TEST_F(TranscribeToolsTest, ListsBothToolsWithEnumsFromTheConfig) {
  const json tools = make()->list();
  ASSERT_EQ(tools.size(), 2u);
  const json& t = tools[0];
  EXPECT_EQ(t["name"], "transcribe_recording");
  EXPECT_EQ(t["inputSchema"]["additionalProperties"], false);
  EXPECT_EQ(t["inputSchema"]["required"], json({"storage", "key"}));
  EXPECT_EQ(t["inputSchema"]["properties"]["storage"]["enum"], json({"recordings", "transcripts"}));
  EXPECT_EQ(t["inputSchema"]["properties"]["provider"]["enum"], json({"paced", "other"}));
  EXPECT_EQ(t["inputSchema"]["properties"]["output"]["properties"]["storage"]["enum"],
            json({"recordings", "transcripts"}));
  EXPECT_EQ(t["outputSchema"]["required"], json({"transcript", "saved", "recording", "provider"}));
  EXPECT_EQ(tools[1]["name"], "transcribe_providers");
  EXPECT_EQ(tools[1]["annotations"]["readOnlyHint"], true);
}

TEST_F(TranscribeToolsTest, TranscribesWithTheFirstProviderAndSavesAtTheRuleKey) {
  store("recordings/T1/recording.wav", silent_wav());
  auto t = make(config({{"default_output",
                         {{"storage", "transcripts"},
                          {"from_prefix", "recordings/"},
                          {"to_prefix", "transcripts/"},
                          {"file_name", "transcript.json"}}}}));
  const Outcome o = t->call("transcribe_recording", kRecording);
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  ASSERT_FALSE(o.is_error()) << o.result.dump();
  EXPECT_EQ(o.text(), "paced transcript");
  EXPECT_NE(all_text(o).find("saved to 'transcripts/T1/transcript.json' in storage 'transcripts'"), std::string::npos)
      << all_text(o);

  const json& s = o.result["structuredContent"];
  EXPECT_EQ(s["provider"], "paced");
  EXPECT_EQ(s["transcript"]["text"], "paced transcript");
  EXPECT_EQ(s["transcript"]["media_type"], "audio/wav");  // what the fixture was told
  EXPECT_EQ(s["saved"]["storage"], "transcripts");
  EXPECT_EQ(s["saved"]["key"], "transcripts/T1/transcript.json");
  EXPECT_EQ(s["recording"], json({{"storage", "recordings"},
                                  {"key", "recordings/T1/recording.wav"},
                                  {"media_type", "audio/wav"},
                                  {"size", silent_wav().size()}}));

  const CallResult saved = storage("transcripts").get("transcripts/T1/transcript.json");
  ASSERT_TRUE(saved.ok()) << saved.error;
  EXPECT_EQ(json::parse(saved.body), s["transcript"]);
  EXPECT_EQ(saved.json()["content_type"], "application/json");
  EXPECT_EQ(s["saved"]["size"], saved.body.size());
  EXPECT_EQ(s["saved"]["etag"], saved.json()["etag"]);
}

TEST_F(TranscribeToolsTest, WithoutARuleTheTranscriptLandsNextToTheRecording) {
  store("recordings/T1/recording.wav", silent_wav());
  const Outcome o = make()->call("transcribe_recording", kRecording);
  ASSERT_FALSE(o.is_error()) << o.result.dump();
  EXPECT_EQ(o.result["structuredContent"]["saved"]["storage"], "recordings");
  EXPECT_EQ(o.result["structuredContent"]["saved"]["key"], "recordings/T1/recording.transcript.json");
  EXPECT_TRUE(storage("recordings").get("recordings/T1/recording.transcript.json").ok());
}

TEST_F(TranscribeToolsTest, TheDefaultOutputNeverReplacesAnExistingObject) {
  store("recordings/T1/recording.wav", silent_wav());
  ASSERT_TRUE(storage("recordings").put("recordings/T1/recording.transcript.json", "{\"text\": \"earlier\"}").ok());
  auto t = make();
  TranscriptionContext ctx;
  const Outcome o = t->call("transcribe_recording", kRecording, ctx.get());
  ASSERT_EQ(o.status, NEXUS_OK) << ctx.error();
  ASSERT_TRUE(o.is_error()) << o.result.dump();
  EXPECT_NE(o.text().find("a transcript already exists at 'recordings/T1/recording.transcript.json' in storage "
                          "'recordings'"),
            std::string::npos)
      << o.text();
  EXPECT_NE(o.text().find("pass output with that key to replace it"), std::string::npos);
  EXPECT_TRUE(ctx.progress().empty());  // refused before the provider ran
  EXPECT_EQ(storage("recordings").get("recordings/T1/recording.transcript.json").body, "{\"text\": \"earlier\"}");

  // Named explicitly, the same key is replaced.
  const Outcome replaced = t->call("transcribe_recording",
                                   recording_args({{"output", {{"key", "recordings/T1/recording.transcript.json"}}}}));
  ASSERT_FALSE(replaced.is_error()) << replaced.result.dump();
  EXPECT_EQ(json::parse(storage("recordings").get("recordings/T1/recording.transcript.json").body)["text"],
            "paced transcript");
}

TEST_F(TranscribeToolsTest, FileNameNamesTheRecordingWithBraces) {
  store("calls/2026/call-7.wav", silent_wav());
  auto t = make(config({{"default_output", {{"storage", "transcripts"}, {"file_name", "{name}.json"}}}}));
  const Outcome o = t->call("transcribe_recording", {{"storage", "recordings"}, {"key", "calls/2026/call-7.wav"}});
  ASSERT_FALSE(o.is_error()) << o.result.dump();
  EXPECT_EQ(o.result["structuredContent"]["saved"]["key"], "calls/2026/call-7.json");
  EXPECT_TRUE(storage("transcripts").get("calls/2026/call-7.json").ok());
}

TEST_F(TranscribeToolsTest, AnExplicitOutputAndProviderWin) {
  store("recordings/T1/recording.wav", silent_wav());
  const Outcome o = make()->call(
      "transcribe_recording",
      recording_args({{"provider", "other"}, {"output", {{"storage", "transcripts"}, {"key", "mine/t1.json"}}}}));
  ASSERT_FALSE(o.is_error()) << o.result.dump();
  EXPECT_EQ(o.text(), "other transcript");
  EXPECT_EQ(o.result["structuredContent"]["provider"], "other");
  EXPECT_EQ(json::parse(storage("transcripts").get("mine/t1.json").body)["text"], "other transcript");

  // An output without a storage goes to the recording's storage.
  const Outcome same = make()->call("transcribe_recording", recording_args({{"output", {{"key", "out/t1.json"}}}}));
  ASSERT_FALSE(same.is_error()) << same.result.dump();
  EXPECT_TRUE(storage("recordings").get("out/t1.json").ok());
}

TEST_F(TranscribeToolsTest, OptionsAndMediaTypeReachTheProvider) {
  store("recordings/T1/call.bin", silent_wav(), "application/octet-stream");
  const json options = {{"language", "en"}, {"keywords", {"billing"}}, {"vendor_option", 7}};
  const Outcome o = make()->call("transcribe_recording",
                                 {{"storage", "recordings"}, {"key", "recordings/T1/call.bin"}, {"options", options}});
  ASSERT_FALSE(o.is_error()) << o.result.dump();
  // The fixture echoes what it got: options as they were, the type from the bytes.
  EXPECT_EQ(o.result["structuredContent"]["transcript"]["options"], options);
  EXPECT_EQ(o.result["structuredContent"]["transcript"]["media_type"], "audio/wav");

  store("recordings/T1/call-b.mp3", "ID3-not-really-mp3", "application/octet-stream");
  const Outcome mp3 =
      make()->call("transcribe_recording", {{"storage", "recordings"}, {"key", "recordings/T1/call-b.mp3"}});
  ASSERT_FALSE(mp3.is_error()) << mp3.result.dump();
  EXPECT_EQ(mp3.result["structuredContent"]["recording"]["media_type"], "audio/mpeg");  // from the extension

  store("recordings/T1/call-c.dat", "opus-bytes", "application/octet-stream");
  const Outcome asked =
      make()->call("transcribe_recording",
                   {{"storage", "recordings"}, {"key", "recordings/T1/call-c.dat"}, {"media_type", "audio/ogg"}});
  ASSERT_FALSE(asked.is_error()) << asked.result.dump();
  EXPECT_EQ(asked.result["structuredContent"]["transcript"]["media_type"], "audio/ogg");
}

TEST_F(TranscribeToolsTest, ProvidersToolDescribesTheConfig) {
  auto t = make(config({{"max_audio_bytes", 1000},
                        {"default_output",
                         {{"storage", "transcripts"},
                          {"from_prefix", "recordings/"},
                          {"to_prefix", "transcripts/"},
                          {"file_name", "transcript.json"}}}}));
  const Outcome o = t->call("transcribe_providers", json::object());
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  const json& s = o.result["structuredContent"];
  EXPECT_EQ(s["providers"],
            json::parse(R"([{"name": "paced", "default": true}, {"name": "other", "default": false}])"));
  EXPECT_EQ(s["storages"], json({"recordings", "transcripts"}));
  EXPECT_EQ(s["max_audio_bytes"], 1000);
  EXPECT_EQ(s["default_output"]["example"],
            "recording 'recordings/T1/recording.wav' in storage 'recordings' -> transcript "
            "'transcripts/T1/transcript.json' in storage 'transcripts'");
}

// ---- progress, cancellation, deadline --------------------------------------

TEST_F(TranscribeToolsTest, TheProvidersProgressIsTheToolsProgress) {
  store("recordings/T1/recording.wav", silent_wav());
  auto t = make();
  TranscriptionContext ctx;  // records progress
  const Outcome o = t->call("transcribe_recording", kRecording, ctx.get());
  ASSERT_EQ(o.status, NEXUS_OK) << ctx.error();
  ASSERT_FALSE(o.is_error()) << o.result.dump();
  const auto progress = ctx.progress();
  ASSERT_EQ(progress.size(), 4u);
  for (std::size_t i = 0; i < progress.size(); ++i) {
    EXPECT_EQ(progress[i].progress, double(i + 1));
    EXPECT_EQ(progress[i].total, 4.0);
    EXPECT_EQ(progress[i].message, "step " + std::to_string(i + 1));
  }
}

TEST_F(TranscribeToolsTest, CancellationStopsTheProviderAndSavesNothing) {
  store("recordings/T1/recording.wav", silent_wav());
  auto t = make();
  TranscriptionContext ctx(2);  // cancelled once two progress reports arrived
  const Outcome o = t->call("transcribe_recording",
                            recording_args({{"output", {{"storage", "transcripts"}, {"key", "t.json"}}}}), ctx.get());
  EXPECT_EQ(o.status, NEXUS_CANCELLED);
  EXPECT_EQ(ctx.progress().size(), 2u);  // the provider stopped at once
  EXPECT_EQ(storage("transcripts").head("t.json").status, NEXUS_NOT_FOUND);
}

TEST_F(TranscribeToolsTest, CancelledBeforeItStartsRunsNoProvider) {
  store("recordings/T1/recording.wav", silent_wav());
  TranscriptionContext ctx(0);
  const Outcome o = make()->call("transcribe_recording", kRecording, ctx.get());
  EXPECT_EQ(o.status, NEXUS_CANCELLED);
  EXPECT_TRUE(ctx.progress().empty());
}

TEST_F(TranscribeToolsTest, APassedDeadlineEndsTheCallAndSavesNothing) {
  store("recordings/T1/recording.wav", silent_wav());
  TranscriptionContext ctx(-1, now_unix_ms() - 1000);
  const Outcome o = make()->call("transcribe_recording", kRecording, ctx.get());
  EXPECT_EQ(o.status, NEXUS_DEADLINE_EXCEEDED);
  EXPECT_EQ(storage("recordings").head("recordings/T1/recording.transcript.json").status, NEXUS_NOT_FOUND);
}

// ---- errors: isError results that say what to do ---------------------------

TEST_F(TranscribeToolsTest, AMissingRecordingIsAnErrorResult) {
  const Outcome o = make()->call("transcribe_recording", kRecording);
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  ASSERT_TRUE(o.is_error());
  EXPECT_NE(o.text().find("no recording 'recordings/T1/recording.wav' in storage 'recordings'"), std::string::npos)
      << o.text();
  EXPECT_NE(o.text().find("storage_list"), std::string::npos);
}

TEST_F(TranscribeToolsTest, ATooLargeRecordingIsRefusedBeforeTheProvider) {
  store("recordings/T1/recording.wav", silent_wav(1000));
  TranscriptionContext ctx;
  const Outcome o = make(config({{"max_audio_bytes", 1000}}))->call("transcribe_recording", kRecording, ctx.get());
  ASSERT_TRUE(o.is_error()) << o.result.dump();
  EXPECT_NE(o.text().find("is 2044 bytes, more than this server transcribes at once (max_audio_bytes 1000)"),
            std::string::npos)
      << o.text();
  EXPECT_TRUE(ctx.progress().empty());  // the provider never ran
  EXPECT_TRUE(nothing_saved());
}

TEST_F(TranscribeToolsTest, WhatIsNotAudioIsRefused) {
  auto t = make();
  store("recordings/notes.txt", "call notes", "text/plain");
  Outcome o = t->call("transcribe_recording", {{"storage", "recordings"}, {"key", "recordings/notes.txt"}});
  ASSERT_TRUE(o.is_error()) << o.result.dump();
  EXPECT_NE(o.text().find("is not audio (its media type is 'text/plain')"), std::string::npos) << o.text();
  EXPECT_NE(o.text().find("pass media_type"), std::string::npos);

  store("recordings/fake.wav", "this is not a wav file", "audio/wav");
  o = t->call("transcribe_recording", {{"storage", "recordings"}, {"key", "recordings/fake.wav"}});
  ASSERT_TRUE(o.is_error()) << o.result.dump();
  EXPECT_NE(o.text().find("is labelled WAV (audio/wav) but is not a WAV file"), std::string::npos) << o.text();

  store("recordings/empty.wav", "", "audio/wav");
  o = t->call("transcribe_recording", {{"storage", "recordings"}, {"key", "recordings/empty.wav"}});
  ASSERT_TRUE(o.is_error()) << o.result.dump();
  EXPECT_NE(o.text().find("is empty (0 bytes)"), std::string::npos) << o.text();

  o = t->call("transcribe_recording",
              {{"storage", "recordings"}, {"key", "recordings/notes.txt"}, {"media_type", "text/plain"}});
  ASSERT_TRUE(o.is_error());
  EXPECT_TRUE(nothing_saved());
}

TEST_F(TranscribeToolsTest, AProviderRefusalIsAnErrorResultAndNothingIsSaved) {
  store("recordings/T1/recording.wav", silent_wav());
  const Outcome o = make()->call("transcribe_recording",
                                 recording_args({{"options", {{"fail", "unsupported sample rate 7 Hz"}}},
                                                 {"output", {{"storage", "transcripts"}, {"key", "t.json"}}}}));
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  ASSERT_TRUE(o.is_error());
  EXPECT_NE(o.text().find("provider 'paced' refused recording 'recordings/T1/recording.wav' in storage 'recordings': "
                          "unsupported sample rate 7 Hz. Nothing was saved"),
            std::string::npos)
      << o.text();
  EXPECT_EQ(storage("transcripts").head("t.json").status, NEXUS_NOT_FOUND);
}

TEST_F(TranscribeToolsTest, AFailedSaveSaysSoAndStillGivesTheText) {
  add_storage("tiny", R"({"max_bytes": 16})");  // too small for any transcript
  store("recordings/T1/recording.wav", silent_wav());
  auto t = make(config({{"storages", {"recordings", "tiny"}}}));
  const Outcome o =
      t->call("transcribe_recording", recording_args({{"output", {{"storage", "tiny"}, {"key", "t.json"}}}}));
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  ASSERT_TRUE(o.is_error());
  EXPECT_NE(o.text().find("but saving the transcript to 't.json' in storage 'tiny' failed (resource_exhausted"),
            std::string::npos)
      << o.text();
  EXPECT_NE(o.text().find("nothing was saved there"), std::string::npos);
  EXPECT_EQ(o.result["content"][1]["text"], "paced transcript");
  EXPECT_EQ(StorageClient(*instances_.at("tiny")).head("t.json").status, NEXUS_NOT_FOUND);
}

TEST_F(TranscribeToolsTest, AnOutputOverTheRecordingIsRefused) {
  store("recordings/T1/recording.wav", silent_wav());
  const Outcome o =
      make()->call("transcribe_recording", recording_args({{"output", {{"key", "recordings/T1/recording.wav"}}}}));
  ASSERT_TRUE(o.is_error()) << o.result.dump();
  EXPECT_NE(o.text().find("would be saved over the recording"), std::string::npos) << o.text();
  EXPECT_EQ(storage("recordings").get("recordings/T1/recording.wav").body, silent_wav());
}

// ---- the caller's storage scopes (those the REST route asks of a submitter) ----

const json kToTranscripts = recording_args({{"output", {{"storage", "transcripts"}, {"key", "t/1.json"}}}});

TEST_F(TranscribeToolsTest, TheRecordingNeedsTheReadScopeOfItsStorage) {
  store("recordings/T1/recording.wav", silent_wav());
  auto t = make();
  TranscriptionContext ctx;
  const Outcome o = transcribe_as(*t, {"storage:transcripts:write", "storage:recordings:write"}, kToTranscripts, ctx);
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  ASSERT_TRUE(o.is_error()) << o.result.dump();
  EXPECT_EQ(o.text().rfind("not allowed: transcribing recording 'recordings/T1/recording.wav' in storage "
                           "'recordings' needs scope 'storage:recordings:read'",
                           0),
            0u)
      << o.text();
  EXPECT_NE(o.text().find("Nothing was transcribed or saved"), std::string::npos) << o.text();
  EXPECT_TRUE(ctx.progress().empty());  // the provider never ran
  EXPECT_TRUE(nothing_saved());
}

TEST_F(TranscribeToolsTest, TheOutputNeedsTheWriteScopeOfItsStorage) {
  store("recordings/T1/recording.wav", silent_wav());
  auto t = make();
  TranscriptionContext ctx;
  // Writing the recording's own storage is not writing the output's.
  const Outcome o = transcribe_as(*t, {"storage:recordings:read", "storage:recordings:write"}, kToTranscripts, ctx);
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  ASSERT_TRUE(o.is_error()) << o.result.dump();
  EXPECT_EQ(o.text().rfind("not allowed: saving the transcript to 't/1.json' in storage 'transcripts' needs scope "
                           "'storage:transcripts:write'",
                           0),
            0u)
      << o.text();
  EXPECT_TRUE(ctx.progress().empty());
  EXPECT_TRUE(nothing_saved());

  // The default output (next to the recording) needs write on the recording's storage.
  TranscriptionContext dctx;
  const Outcome d = transcribe_as(*t, {"storage:recordings:read", "storage:transcripts:write"}, kRecording, dctx);
  ASSERT_TRUE(d.is_error()) << d.result.dump();
  EXPECT_NE(d.text().find("saving the transcript to 'recordings/T1/recording.transcript.json' in storage "
                          "'recordings' needs scope 'storage:recordings:write'"),
            std::string::npos)
      << d.text();
  EXPECT_TRUE(nothing_saved());
}

TEST_F(TranscribeToolsTest, AMissingScopeIsRefusedBeforeTheRecordingIsLookedUp) {
  // Whether a recording exists is not for a caller that may not read it.
  auto t = make();
  TranscriptionContext ctx;
  const Outcome o = transcribe_as(*t, {"storage:transcripts:write"}, kToTranscripts, ctx);
  ASSERT_TRUE(o.is_error()) << o.result.dump();
  EXPECT_NE(o.text().find("storage:recordings:read"), std::string::npos) << o.text();
  EXPECT_EQ(o.text().find("no recording"), std::string::npos) << o.text();
}

TEST_F(TranscribeToolsTest, WithBothScopesTheCallerTranscribesAndSaves) {
  store("recordings/T1/recording.wav", silent_wav());
  auto t = make();
  TranscriptionContext ctx;
  const Outcome o = transcribe_as(*t, {"storage:recordings:read", "storage:transcripts:write"}, kToTranscripts, ctx);
  ASSERT_EQ(o.status, NEXUS_OK) << o.error;
  ASSERT_FALSE(o.is_error()) << o.result.dump();
  EXPECT_EQ(json::parse(storage("transcripts").get("t/1.json").body)["text"], "paced transcript");

  // Wildcards as the host reads them.
  TranscriptionContext wctx;
  const Outcome w = transcribe_as(*t, {"storage:*:read", "storage:transcripts:*"},
                                  recording_args({{"output", {{"storage", "transcripts"}, {"key", "t/2.json"}}}}), wctx);
  ASSERT_FALSE(w.is_error()) << w.result.dump();
  EXPECT_TRUE(storage("transcripts").get("t/2.json").ok());
}

// Argument errors are INVALID_ARGUMENT (a JSON-RPC error through the host,
// which checks the inputSchema first and answers isError results itself).
TEST_F(TranscribeToolsTest, BadArgumentsNameTheArgumentAndTheChoices) {
  auto t = make();
  Outcome o = t->call("transcribe_recording", recording_args({{"provider", "whisper"}}));
  EXPECT_EQ(o.status, NEXUS_INVALID_ARGUMENT);
  EXPECT_NE(o.error.find("provider must be one of [\"paced\",\"other\"]"), std::string::npos) << o.error;

  o = t->call("transcribe_recording", recording_args({{"storage", "elsewhere"}}));
  EXPECT_EQ(o.status, NEXUS_INVALID_ARGUMENT);
  EXPECT_NE(o.error.find("storage must be one of"), std::string::npos) << o.error;

  o = t->call("transcribe_recording", {{"storage", "recordings"}, {"key", "a/../b.wav"}});
  EXPECT_EQ(o.status, NEXUS_INVALID_ARGUMENT);
  EXPECT_NE(o.error.find("key 'a/../b.wav' is not a valid key"), std::string::npos) << o.error;

  o = t->call("transcribe_recording", recording_args({{"output", {{"key", "/abs.json"}}}}));
  EXPECT_EQ(o.status, NEXUS_INVALID_ARGUMENT);
  EXPECT_NE(o.error.find("output key '/abs.json' is not a valid key"), std::string::npos) << o.error;

  o = t->call("transcribe_recording", recording_args({{"speed", 2}}));
  EXPECT_EQ(o.status, NEXUS_INVALID_ARGUMENT);
  EXPECT_NE(o.error.find("unknown property 'speed'"), std::string::npos) << o.error;

  o = t->call("transcribe_everything", json::object());
  EXPECT_EQ(o.status, NEXUS_NOT_FOUND);
  EXPECT_NE(o.error.find("offers transcribe_recording and transcribe_providers"), std::string::npos) << o.error;
}

// ---- config ------------------------------------------------------------------

TEST_F(TranscribeToolsTest, ConfigErrorsNameTheKeyAndTheFix) {
  struct Case {
    json config;
    nexus_status status;
    std::string message;
  };
  const std::vector<Case> cases = {
      {config({{"default_output", {{"storage", "kv"}}}}), NEXUS_INVALID_ARGUMENT,
       "config.default_output.storage is 'kv', which is not one of config.storages"},
      {config({{"default_output", {{"file_name", "a/b.json"}}}}), NEXUS_INVALID_ARGUMENT,
       "config.default_output.file_name 'a/b.json' is not a file name"},
      {config({{"default_output", {{"to_prefix", "../"}}}}), NEXUS_INVALID_ARGUMENT, "do not form valid storage keys"},
      {config({{"providers", {"paced", "paced"}}}), NEXUS_INVALID_ARGUMENT, "config.providers names 'paced' twice"},
      {config({{"storages", json::array()}}), NEXUS_INVALID_ARGUMENT, "config.storages is empty"},
      {config({{"max_audio_bytes", 0}}), NEXUS_INVALID_ARGUMENT, "config.max_audio_bytes must be at least 1"},
      {config({{"providers", {"missing"}}}), NEXUS_NOT_FOUND, "no instance 'missing'"},
      // A storage where a provider belongs, and the other way round.
      {config({{"providers", {"recordings"}}}), NEXUS_UNIMPLEMENTED, "does not provide nexus.transcription/1"},
      {config({{"storages", {"paced"}}}), NEXUS_UNIMPLEMENTED, "does not provide nexus.storage/1"},
  };
  for (const auto& c : cases) {
    TranscribeToolsInstance t(plugin_, host_, c.config);
    EXPECT_EQ(t.status(), c.status) << c.config.dump();
    EXPECT_NE(t.error().find(c.message), std::string::npos) << c.config.dump() << ": " << t.error();
  }
}

// ---- real speech -------------------------------------------------------------

TEST_F(TranscribeToolsTest, TranscribesSpeechWithPocketsphinxAndAGrammarOption) {
  TempDir dir;
  make_speech_wav(kSentence, dir / "call.wav");
  store("recordings/T2/recording.wav", read_file_bytes(dir / "call.wav"));
  LoadedPlugin pocketsphinx(plugin_path("pocketsphinx"));
  add_instance("speech", pocketsphinx, "{}");
  auto t = make(config({{"providers", {"speech"}}}));
  TranscriptionContext ctx;
  const Outcome o =
      t->call("transcribe_recording",
              {{"storage", "recordings"}, {"key", "recordings/T2/recording.wav"}, {"options", {{"grammar", kGrammar}}}},
              ctx.get());
  ASSERT_EQ(o.status, NEXUS_OK) << ctx.error();
  ASSERT_FALSE(o.is_error()) << o.result.dump();
  EXPECT_EQ(o.text(), kSentence);
  EXPECT_EQ(o.result["structuredContent"]["transcript"]["provider"]["plugin"], "pocketsphinx");
  EXPECT_FALSE(ctx.progress().empty());  // pocketsphinx reports every half second of audio
  const json saved = json::parse(storage("recordings").get("recordings/T2/recording.transcript.json").body);
  EXPECT_EQ(saved["text"], kSentence);
  EXPECT_FALSE(saved["segments"].empty());

  // Audio pocketsphinx cannot read is its refusal, passed on in its words.
  store("recordings/T3/recording.mp3", "ID3 not decodable here", "audio/mpeg");
  const Outcome mp3 =
      t->call("transcribe_recording", {{"storage", "recordings"}, {"key", "recordings/T3/recording.mp3"}});
  ASSERT_TRUE(mp3.is_error()) << mp3.result.dump();
  EXPECT_NE(mp3.text().find("provider 'speech' refused recording 'recordings/T3/recording.mp3'"), std::string::npos)
      << mp3.text();
  EXPECT_NE(mp3.text().find("WAV"), std::string::npos) << mp3.text();  // it names what it takes
}

// stuck_storage answers only GET: HEAD is UNIMPLEMENTED, a failure that is
// neither "not found" nor "busy", so it is reported with the storage's words.
TEST_F(TranscribeToolsTest, AFailingStorageIsNamedWithItsOwnError) {
  LoadedPlugin stuck(test_plugin_path("stuck_storage"));
  add_instance("stuck", stuck, "{}");
  store("recordings/T1/recording.wav", silent_wav());
  auto t = make(config({{"storages", {"recordings", "stuck"}}, {"default_output", {{"storage", "stuck"}}}}));

  Outcome o = t->call("transcribe_recording", kRecording);
  ASSERT_TRUE(o.is_error()) << o.result.dump();
  EXPECT_NE(o.text().find("checking the default output 'recordings/T1/recording.transcript.json' in storage 'stuck' "
                          "failed: unimplemented: stuck_storage only answers GET"),
            std::string::npos)
      << o.text();

  o = t->call("transcribe_recording", {{"storage", "stuck"}, {"key", "slow"}, {"output", {{"key", "t.json"}}}});
  ASSERT_TRUE(o.is_error()) << o.result.dump();
  EXPECT_NE(o.text().find("reading the recording 'slow' in storage 'stuck' failed: unimplemented"), std::string::npos)
      << o.text();
  EXPECT_TRUE(nothing_saved());
}

// A hosted provider's failures, from the OpenAI-compatible test server
// (tests/peers/openai_server.mjs) and a port nobody listens on: each
// becomes advice the agent can follow, and nothing is saved.
TEST_F(TranscribeToolsTest, HostedProviderFailuresSayWhatToDo) {
  const std::string key = "sk-test-transcribe-tools-0123456789";
  PeerProcess server(
      node_script_options("openai_server.mjs", {{"OPENAI_TEST_KEY", key}, {"OPENAI_TEST_MAX_FILE_BYTES", "4096"}}));
  LoadedPlugin openai(plugin_path("openai"));
  auto openai_config = [&](const json& overrides) {
    json c{{"base_url", server.url()}, {"api_key", key}, {"max_retries", 0}, {"timeout_ms", 10000}};
    c.merge_patch(overrides);
    return c.dump();
  };
  add_instance("hosted", openai, openai_config(json::object()));
  add_instance("wrong-key", openai, openai_config({{"api_key", "sk-test-not-the-key-0123456789"}}));
  add_instance("down", openai, openai_config({{"base_url", "http://127.0.0.1:" + std::to_string(free_tcp_port())}}));
  store("recordings/T1/recording.wav", silent_wav(4000));  // 8044 bytes: over the server's 4096
  auto t =
      make(config({{"providers", {"hosted", "wrong-key", "down"}}, {"default_output", {{"storage", "transcripts"}}}}));

  const std::vector<std::pair<std::string, std::string>> cases = {
      {"hosted", "is too long for provider 'hosted'"},
      {"wrong-key", "provider 'wrong-key' refused this server's credentials"},
      {"down", "provider 'down' is unavailable right now"},
  };
  for (const auto& [provider, message] : cases) {
    const Outcome o = t->call("transcribe_recording", recording_args({{"provider", provider}}));
    ASSERT_EQ(o.status, NEXUS_OK) << provider << ": " << o.error;
    ASSERT_TRUE(o.is_error()) << provider << ": " << o.result.dump();
    EXPECT_NE(o.text().find(message), std::string::npos) << o.text();
    EXPECT_NE(o.text().find("Nothing was saved"), std::string::npos) << o.text();
    EXPECT_EQ(o.text().find("sk-test-"), std::string::npos) << "an API key reached the agent: " << o.text();
  }
  EXPECT_TRUE(nothing_saved());
}

// ---- the SDK's ChildContext --------------------------------------------------

TEST(ChildContextProgress, DroppedByDefaultForwardedWhenAsked) {
  TranscriptionContext parent;
  const sdk::CallContext ctx(parent.get());
  {
    sdk::ChildContext child(ctx);
    child.get()->callback_progress(child.get()->host_data, 1, 2, nexus_str{"x", 1});
  }
  EXPECT_TRUE(parent.progress().empty());
  {
    sdk::ChildContext child(ctx, sdk::ChildProgress::forwarded);
    child.get()->callback_progress(child.get()->host_data, 1, 2, nexus_str{"half", 4});
  }
  const auto got = parent.progress();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].progress, 1);
  EXPECT_EQ(got[0].total, 2);
  EXPECT_EQ(got[0].message, "half");
}

}  // namespace
}  // namespace nexus::test
