// Limits over a real nexusd: every request's deadline reaches the plugin
// call's context; a plugin call that never returns is answered 504
// deadline_exceeded on time while the host keeps serving (its worker is
// written off and counted); a full worker queue answers 503 + Retry-After;
// and nexusd still stops cleanly with a stuck call inside a plugin.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/nexusd_process.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

json config(json http, json stuck_config = json::object()) {
  return {{"plugin_dirs", {NEXUS_TEST_PLUGIN_DIR}},
          {"http", std::move(http)},
          {"instances", {{"stuck", {{"plugin", "stuck_storage"}, {"config", stuck_config}}}}},
          {"routes", {{"health", {{"public", true}}}, {"storage", {{"public", true}}}, {"metrics", {{"public", true}}}}}};
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string metric_line(const std::string& metrics, const std::string& prefix) {
  const auto at = metrics.find("\n" + prefix);
  if (at == std::string::npos) return "";
  return metrics.substr(at + 1, metrics.find('\n', at + 1) - at - 1);
}

TEST(LimitsTest, EveryPluginCallCarriesTheRequestDeadline) {
  NexusdProcess server(config({{"request_timeout_ms", 7000}}));
  const std::int64_t before = now_ms();
  const auto r = HttpClient(server.port()).get("/v1/storage/stuck/deadline");
  const std::int64_t after = now_ms();
  ASSERT_EQ(r.status, 200) << r.body;
  const std::int64_t deadline = std::stoll(r.body);
  EXPECT_GE(deadline, before + 7000 - 50);  // a little slack for clock granularity
  EXPECT_LE(deadline, after + 7000);
}

TEST(LimitsTest, HungPluginCallIsAnsweredDeadlineExceededAndTheHostKeepsServing) {
  NexusdProcess server(config({{"request_timeout_ms", 500}, {"min_workers", 1}, {"max_workers", 2}}));
  const HttpClient c(server.port());
  const auto r = c.get("/v1/storage/stuck/hang");
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "deadline_exceeded");
  EXPECT_NE(r.body.find("500 ms (http.request_timeout_ms)"), std::string::npos) << r.body;

  // Twice more: each stuck call costs a worker, yet capacity is replaced.
  EXPECT_EQ(c.get("/v1/storage/stuck/hang").status, 504);
  EXPECT_EQ(c.get("/v1/storage/stuck/hang").status, 504);
  for (int i = 0; i < 5; ++i) {
    const auto ok = c.get("/v1/storage/stuck/deadline");
    EXPECT_EQ(ok.status, 200) << ok.body;
  }
  EXPECT_EQ(c.get("/health").status, 200);
  const std::string m = c.get("/metrics").body;
  EXPECT_EQ(metric_line(m, "nexus_http_workers_written_off_total"), "nexus_http_workers_written_off_total 3") << m;
  EXPECT_EQ(metric_line(m, "nexus_http_abandoned_calls"), "nexus_http_abandoned_calls 3") << m;
  EXPECT_EQ(metric_line(m, "nexus_http_requests_total{route=\"storage_object\",code=\"504\"}"),
            "nexus_http_requests_total{route=\"storage_object\",code=\"504\"} 3")
      << m;

  // Stopping does not wait for the stuck calls, and says why it exits early.
  const ProcessResult stopped = server.terminate(20s);
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_NE(server.stderr_text().find("3 plugin call(s) overran their deadline and never returned"), std::string::npos)
      << server.stderr_text();
}

TEST(LimitsTest, FullQueueAnswers503WithRetryAfter) {
  NexusdProcess server(config({{"min_workers", 1}, {"max_workers", 1}, {"queue_limit", 1}, {"retry_after_seconds", 4},
                               {"request_timeout_ms", 20000}, {"threads", 4}},
                              {{"slow_ms", 1500}}));
  // One request occupies the only worker, one waits in the queue...
  auto first = std::async(std::launch::async, [&] { return HttpClient(server.port()).get("/v1/storage/stuck/slow"); });
  std::this_thread::sleep_for(300ms);
  auto second = std::async(std::launch::async, [&] { return HttpClient(server.port()).get("/v1/storage/stuck/slow"); });
  std::this_thread::sleep_for(300ms);
  // ...so a third finds no room.
  const auto third = HttpClient(server.port()).get("/v1/storage/stuck/slow");
  EXPECT_EQ(third.status, 503) << third.body;
  EXPECT_EQ(third.header("retry-after"), "4");
  EXPECT_NE(third.body.find("http.max_workers, http.queue_limit"), std::string::npos) << third.body;
  EXPECT_EQ(first.get().status, 200);
  EXPECT_EQ(second.get().status, 200);
  // Health answers on the I/O thread even when every worker is busy.
  EXPECT_EQ(HttpClient(server.port()).get("/health").status, 200);
  const std::string m = HttpClient(server.port()).get("/metrics").body;
  EXPECT_EQ(metric_line(m, "nexus_http_rejected_total"), "nexus_http_rejected_total 1") << m;
}

TEST(LimitsTest, WorkerSettingsComeFromTheEnvironmentAndAreChecked) {
  // The platform's MIN_WORKERS / MAX_WORKERS, through interpolation.
  json c = config({{"min_workers", "${MIN_WORKERS:-1}"}, {"max_workers", "${MAX_WORKERS:-4}"}});
  NexusdProcess server(c, EnvVars{{"MIN_WORKERS", "2"}, {"MAX_WORKERS", "3"}});
  EXPECT_EQ(HttpClient(server.port()).get("/v1/storage/stuck/deadline").status, 200);

  TempDir dir;
  const auto write = [&](const json& doc) {
    const auto p = dir.path() / "nexus.json";
    std::ofstream(p) << doc.dump();
    return p.string();
  };
  const auto inverted = run_nexusd({"--check", "--config", write(config({{"min_workers", 8}, {"max_workers", 2}}))});
  EXPECT_NE(inverted.exit_code, 0);
  EXPECT_NE(inverted.err.find("/http/min_workers"), std::string::npos) << inverted.err;
  EXPECT_NE(inverted.err.find("larger than max_workers"), std::string::npos) << inverted.err;
  const auto words = run_nexusd({"--check", "--config", write(config({{"max_workers", "many"}}))});
  EXPECT_NE(words.exit_code, 0);
  EXPECT_NE(words.err.find("/http/max_workers: expected an integer, got the string 'many'"), std::string::npos)
      << words.err;
}

}  // namespace
}  // namespace nexus::test
