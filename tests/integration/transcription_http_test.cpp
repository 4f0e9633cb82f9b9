// POST/GET/DELETE /v1/transcriptions over a real nexusd: uploads and stored
// recordings, sync and async jobs, the transcript written to storage, job
// records surviving a restart (finished results, and unfinished jobs that
// resume), the bounded queue (503 + Retry-After), cancellation, scopes, and
// every error a client can cause. The provider here is paced_transcriber, a
// fixture whose timing the test sets; real speech-to-text (pocketsphinx,
// openai) has tests of its own and an end-to-end flow in
// transcription_flow_test.cpp.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/nexusd_process.hpp"
#include "support/temp_dir.hpp"
#include "support/transcription_jobs.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string kOpsKey = "ops-key-0123456789abcdef";
const std::string kNarrowKey = "narrow-key-0123456789abcdef";  // transcription only, no storage
const std::string kOtherKey = "other-key-0123456789abcdef";    // may transcribe, not see others' jobs
const std::string kAuditKey = "audit-key-0123456789abcdef";    // may read every job
const std::string kWav = std::string("RIFF") + std::string(40, '\0') + "fake wav bytes";

json config(const std::filesystem::path& data, json transcription = json::object(), json paced = json::object()) {
  auto fs = [&](const std::string& name) {
    return json{{"plugin", "fs"}, {"config", {{"root", (data / name).string()}}}};
  };
  auto key = [](const std::string& id, const std::string& secret, json scopes) {
    return json{{"id", id}, {"sha256", sha256_hex(secret)}, {"scopes", std::move(scopes)}};
  };
  json t = {{"jobs_storage", "jobs"}};
  t.merge_patch(transcription);
  return {{"plugin_dirs", {NEXUS_TEST_PLUGIN_DIR}},
          {"instances",
           {{"recordings", fs("recordings")},
            {"transcripts", fs("transcripts")},
            {"jobs", fs("jobs")},
            {"paced", {{"plugin", "paced_transcriber"}, {"config", paced}}},
            {"keys",
             {{"plugin", "apikey"},
              {"config",
               {{"keys",
                 {key("ops", kOpsKey, {"*"}),
                  key("narrow", kNarrowKey, {"transcription:paced"}),
                  key("other", kOtherKey, {"transcription:paced", "storage:*"}),
                  key("audit", kAuditKey, {"transcription:jobs:read"})}}}}}}}},
          {"routes",
           {{"health", {{"public", true}}}, {"storage", {{"auth", {"keys"}}}}, {"transcription", {{"auth", {"keys"}}}}}},
          {"transcription", t}};
}

HeaderList bearer(const std::string& key, HeaderList more = {}) {
  more.emplace_back("Authorization", "Bearer " + key);
  return more;
}

HttpResponse post_audio(const HttpClient& c, const std::string& query = "", const std::string& key = kOpsKey,
                        const std::string& body = kWav) {
  return c.request("POST", "/v1/transcriptions" + query, bearer(key, {{"Content-Type", "audio/wav"}}), body);
}

HttpResponse post_json(const HttpClient& c, const json& body, const std::string& key = kOpsKey) {
  return c.request("POST", "/v1/transcriptions", bearer(key, {{"Content-Type", "application/json"}}), body.dump());
}

json body_of(const HttpResponse& r) { return json::parse(r.body, nullptr, false); }

std::string error_message(const HttpResponse& r) {
  const json b = body_of(r);
  return b.is_object() && b.contains("error") ? b["error"].value("message", "") : "";
}

// Polls the job (as the ops key) until `done(doc)` or 20 s pass.
json poll(const HttpClient& c, const std::string& id, const std::function<bool(const json&)>& done) {
  return poll_job(c, id, done, bearer(kOpsKey), 20);
}

constexpr auto finished = job_finished;

class TranscriptionHttpTest : public ::testing::Test {
 protected:
  TempDir data_;
};

TEST_F(TranscriptionHttpTest, SynchronousUploadAnswersWithTheTranscript) {
  NexusdProcess server(config(data_.path()));
  const HttpClient c(server.port());
  const auto r = post_audio(c, "?language=en");
  ASSERT_EQ(r.status, 200) << r.body;
  const json doc = body_of(r);
  EXPECT_EQ(doc["status"], "succeeded");
  EXPECT_EQ(doc["provider"], "paced");
  EXPECT_EQ(doc["result"]["text"], "paced transcript");
  EXPECT_EQ(doc["result"]["audio_bytes"], kWav.size());
  EXPECT_EQ(doc["result"]["media_type"], "audio/wav");
  EXPECT_EQ(doc["result"]["options"]["language"], "en");
  EXPECT_EQ(doc["source"]["upload_bytes"], kWav.size());
  EXPECT_EQ(r.header("location"), "/v1/transcriptions/" + doc["id"].get<std::string>());
  // The finished job can be read back.
  const auto again = c.get(r.header("location"), bearer(kOpsKey));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(body_of(again)["result"]["text"], "paced transcript");
}

TEST_F(TranscriptionHttpTest, StoredRecordingIsTranscribedIntoTheOutputObject) {
  NexusdProcess server(config(data_.path()));
  const HttpClient c(server.port());
  ASSERT_EQ(c.put("/v1/storage/recordings/recordings/T1/recording.wav", kWav,
                  bearer(kOpsKey, {{"Content-Type", "audio/wav"}})).status, 200);
  const auto r = post_json(c, {{"storage", "recordings"},
                               {"key", "recordings/T1/recording.wav"},
                               {"output", {{"storage", "transcripts"}, {"key", "transcripts/T1/transcript.json"}}},
                               {"options", {{"text", "hello from storage"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["output_written"], true);
  EXPECT_EQ(body_of(r)["result"]["media_type"], "audio/wav");  // from the stored object's content type
  const auto t = c.get("/v1/storage/transcripts/transcripts/T1/transcript.json", bearer(kOpsKey));
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(t.header("content-type"), "application/json");
  EXPECT_EQ(body_of(t)["text"], "hello from storage");
  EXPECT_EQ(t.header("x-nexus-meta-transcription-job"), body_of(r)["id"]) << "the transcript names the job that wrote it";
}

TEST_F(TranscriptionHttpTest, AsyncJobReportsProgressAndItsResult) {
  NexusdProcess server(config(data_.path(), json::object(), {{"steps", 20}, {"step_ms", 100}}));
  const HttpClient c(server.port());
  const auto r = post_audio(c, "?async=true");
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = body_of(r)["id"];
  EXPECT_EQ(r.header("location"), "/v1/transcriptions/" + id);
  const json running = poll(c, id, [](const json& d) { return d.contains("progress") && d["status"] == "running"; });
  ASSERT_TRUE(running.contains("progress")) << running.dump();
  EXPECT_EQ(running["progress"]["total"], 20);
  EXPECT_GT(running["progress"]["done"].get<double>(), 0);
  const json done = poll(c, id, finished);
  EXPECT_EQ(done["status"], "succeeded") << done.dump();
  EXPECT_EQ(done["result"]["text"], "paced transcript");
  EXPECT_FALSE(done["finished_at"].is_null());
}

TEST_F(TranscriptionHttpTest, FinishedResultsSurviveARestart) {
  NexusdProcess server(config(data_.path()));
  const HttpClient c(server.port());
  const auto r = post_audio(c, "?async=true");
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = body_of(r)["id"];
  ASSERT_EQ(poll(c, id, finished)["status"], "succeeded");
  server.terminate();
  server.restart();
  const auto after = HttpClient(server.port()).get("/v1/transcriptions/" + id, bearer(kOpsKey));
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(body_of(after)["status"], "succeeded");
  EXPECT_EQ(body_of(after)["result"]["text"], "paced transcript");
}

TEST_F(TranscriptionHttpTest, UnfinishedAsyncJobResumesAfterAKill) {
  NexusdProcess server(config(data_.path(), json::object(), {{"steps", 30}, {"step_ms", 100}}));
  const HttpClient c(server.port());
  const auto r = post_audio(c, "?async=true");
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = body_of(r)["id"];
  ASSERT_EQ(poll(c, id, [](const json& d) { return d["status"] == "running"; })["status"], "running");
  server.kill();  // no chance to record anything more
  server.restart();
  const json done = poll(HttpClient(server.port()), id, finished);
  EXPECT_EQ(done["status"], "succeeded") << done.dump();
  EXPECT_EQ(done["result"]["audio_bytes"], kWav.size()) << "the uploaded audio was kept for the rerun";
  // The kept upload is removed once the job ended.
  const auto left = c.get("/v1/storage/jobs?prefix=transcription-jobs/", bearer(kOpsKey));
  EXPECT_EQ(left.body.find(".audio"), std::string::npos) << left.body;
}

TEST_F(TranscriptionHttpTest, FullQueueAnswers503WithRetryAfter) {
  NexusdProcess server(config(data_.path(), {{"workers", 1}, {"queue_limit", 1}, {"retry_after_seconds", 7}},
                              {{"steps", 200}, {"step_ms", 50}}));
  const HttpClient c(server.port());
  const auto a = post_audio(c, "?async=true");
  const auto b = post_audio(c, "?async=true");
  ASSERT_EQ(a.status, 202) << a.body;
  ASSERT_EQ(b.status, 202) << b.body;
  const auto full = post_audio(c, "?async=true");
  EXPECT_EQ(full.status, 503) << full.body;
  EXPECT_EQ(full.header("retry-after"), "7");
  EXPECT_NE(error_message(full).find("queue is full"), std::string::npos) << full.body;
  // A synchronous request is refused the same way rather than waiting.
  EXPECT_EQ(post_audio(c).status, 503);

  // Cancelling the queued job frees its place at once.
  const std::string queued = body_of(b)["id"];
  const auto cancel = c.del("/v1/transcriptions/" + queued, bearer(kOpsKey));
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(body_of(cancel)["status"], "cancelled");
  EXPECT_EQ(post_audio(c, "?async=true").status, 202);
  c.del("/v1/transcriptions/" + body_of(a)["id"].get<std::string>(), bearer(kOpsKey));
}

TEST_F(TranscriptionHttpTest, RunningJobIsCancelledThroughItsCallContext) {
  NexusdProcess server(config(data_.path(), json::object(), {{"steps", 400}, {"step_ms", 50}}));
  const HttpClient c(server.port());
  const std::string id = body_of(post_audio(c, "?async=true"))["id"];
  ASSERT_EQ(poll(c, id, [](const json& d) { return d.contains("progress"); })["status"], "running");
  const auto cancel = c.del("/v1/transcriptions/" + id, bearer(kOpsKey));
  ASSERT_EQ(cancel.status, 202) << cancel.body;
  EXPECT_EQ(body_of(cancel)["cancel_requested"], true);
  const json done = poll(c, id, finished);
  EXPECT_EQ(done["status"], "cancelled") << done.dump();
  EXPECT_LT(done["progress"]["done"].get<double>(), 400) << "the provider stopped early";
  // Cancelling again: nothing left to cancel.
  const auto again = c.del("/v1/transcriptions/" + id, bearer(kOpsKey));
  EXPECT_EQ(again.status, 409) << again.body;
}

TEST_F(TranscriptionHttpTest, DeadlineFromConfigReachesTheProvider) {
  NexusdProcess server(config(data_.path(), {{"timeout_ms", 300}}, {{"steps", 100}, {"step_ms", 50}}));
  const auto r = post_audio(HttpClient(server.port()));
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(body_of(r)["error"]["code"], "deadline_exceeded");
  EXPECT_EQ(body_of(r)["job"]["status"], "failed");
}

TEST_F(TranscriptionHttpTest, BadRequestsSayWhatIsWrong) {
  NexusdProcess server(config(data_.path()));
  const HttpClient c(server.port());
  struct Case {
    HttpResponse r;
    int status;
    std::string words;
  };
  const std::vector<Case> cases = {
      {post_audio(c, "", kOpsKey, ""), 400, "body is empty"},
      {c.request("POST", "/v1/transcriptions", bearer(kOpsKey, {{"Content-Type", "text/plain"}}), "hi"), 415,
       "Content-Type 'text/plain' is not accepted"},
      {post_audio(c, "?bogus=1"), 400, "unknown query parameter 'bogus'"},
      {post_audio(c, "?async=maybe"), 400, "use true or false"},
      {post_audio(c, "?output_storage=transcripts"), 400, "both output_storage and output_key"},
      {post_audio(c, "?provider=nope"), 404, "no transcription provider named 'nope'; providers: paced"},
      {post_json(c, {{"storage", "recordings"}}), 400, "\"storage\" and \"key\" name the recording"},
      {post_json(c, {{"storage", "recordings"}, {"key", "a.wav"}, {"colour", "red"}}), 400, "unknown field \"colour\""},
      {post_json(c, {{"storage", "recordings"}, {"key", "../etc/passwd"}}), 400, "\"key\" '../etc/passwd'"},
      {post_json(c, {{"storage", "nowhere"}, {"key", "a.wav"}}), 404, "no storage instance named 'nowhere'"},
      {post_json(c, {{"storage", "recordings"}, {"key", "missing.wav"}, {"async", true}}), 404, "missing.wav"},
      {post_json(c, {{"storage", "recordings"}, {"key", "missing.wav"}}), 404, "reading the audio 'missing.wav'"},
      {c.request("POST", "/v1/transcriptions", bearer(kOpsKey, {{"Content-Type", "application/json"}}), "[1]"), 400,
       "must be a JSON object"},
      {c.get("/v1/transcriptions/tj_00000000000000000000000000000000", bearer(kOpsKey)), 404, "no transcription job"},
      {c.get("/v1/transcriptions/not-a-job-id", bearer(kOpsKey)), 404, "no transcription job"},
      {c.request("PUT", "/v1/transcriptions", bearer(kOpsKey)), 405, "allowed: POST"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(cases[i].r.status, cases[i].status) << "case " << i << ": " << cases[i].r.body;
    EXPECT_NE(error_message(cases[i].r).find(cases[i].words), std::string::npos)
        << "case " << i << ": " << cases[i].r.body;
  }
}

TEST_F(TranscriptionHttpTest, ProviderRefusalIsAClientErrorWithTheJob) {
  NexusdProcess server(config(data_.path()));
  const HttpClient c(server.port());
  ASSERT_EQ(c.put("/v1/storage/recordings/x.wav", kWav, bearer(kOpsKey)).status, 200);
  const auto r = post_json(c, {{"storage", "recordings"}, {"key", "x.wav"}, {"options", {{"fail", "not a WAV file"}}}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(body_of(r)["error"]["code"], "invalid_argument");
  EXPECT_NE(error_message(r).find("provider 'paced': not a WAV file"), std::string::npos) << r.body;
  EXPECT_EQ(body_of(r)["job"]["status"], "failed");
}

TEST_F(TranscriptionHttpTest, ScopesGuardProvidersStorageAndJobs) {
  NexusdProcess server(config(data_.path()));
  const HttpClient c(server.port());
  ASSERT_EQ(c.put("/v1/storage/recordings/x.wav", kWav, bearer(kOpsKey)).status, 200);

  EXPECT_EQ(c.request("POST", "/v1/transcriptions", {{"Content-Type", "audio/wav"}}, kWav).status, 401);
  // May transcribe an upload, but not read a stored recording or write the output.
  EXPECT_EQ(post_audio(c, "", kNarrowKey).status, 200);
  const auto no_read = post_json(c, {{"storage", "recordings"}, {"key", "x.wav"}}, kNarrowKey);
  EXPECT_EQ(no_read.status, 403) << no_read.body;
  EXPECT_NE(no_read.body.find("storage:recordings:read"), std::string::npos) << no_read.body;
  const auto no_write = post_audio(c, "?output_storage=transcripts&output_key=t.json", kNarrowKey);
  EXPECT_EQ(no_write.status, 403) << no_write.body;
  EXPECT_NE(no_write.body.find("storage:transcripts:write"), std::string::npos) << no_write.body;
  const auto no_provider = post_audio(c, "", kAuditKey);
  EXPECT_EQ(no_provider.status, 403) << no_provider.body;
  EXPECT_NE(no_provider.body.find("transcription:paced"), std::string::npos) << no_provider.body;

  // A job is visible to its submitter and to transcription:jobs:read, and
  // to nobody else — not even whether it exists.
  const auto mine = post_audio(c, "?async=true", kNarrowKey);
  const std::string id = body_of(mine)["id"];
  EXPECT_EQ(c.get("/v1/transcriptions/" + id, bearer(kNarrowKey)).status, 200);
  EXPECT_EQ(c.get("/v1/transcriptions/" + id, bearer(kAuditKey)).status, 200);
  EXPECT_EQ(c.get("/v1/transcriptions/" + id, bearer(kOtherKey)).status, 404);
  EXPECT_EQ(c.del("/v1/transcriptions/" + id, bearer(kOtherKey)).status, 404);
}

TEST_F(TranscriptionHttpTest, ConfigNamingTheWrongInstancesIsRefusedAtStart) {
  json bad = config(data_.path(), {{"jobs_storage", "paced"}});
  try {
    NexusdProcess server(bad);
    FAIL() << "nexusd started with jobs_storage naming a transcription instance";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/transcription/jobs_storage: instance 'paced' (plugin 'paced_transcriber') does not provide nexus.storage/1"),
              std::string::npos)
        << e.what();
  }
  json unknown = config(data_.path(), {{"provider", "ghost"}});
  try {
    NexusdProcess server(unknown);
    FAIL() << "nexusd started with an unknown provider";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/transcription/provider: no instance named 'ghost'"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace nexus::test
