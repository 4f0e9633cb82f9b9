// GET /metrics over a real nexusd: plugin calls by instance, operation and
// status with latency and in-flight series, HTTP requests by route and
// code, reloads, process RSS and open fds — and the whole exposition
// accepted by Prometheus's own linter (promtool check metrics).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/nexusd_process.hpp"
#include "support/peers.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;

const std::string kScraperKey = "scraper-key-0123456789abcdef";
const std::string kWriterKey = "writer-key-0123456789abcdef";

json config(const std::filesystem::path& root) {
  return {{"instances",
           {{"files", {{"plugin", "fs"}, {"config", {{"root", root.string()}}}}},
            {"keys",
             {{"plugin", "apikey"},
              {"config",
               {{"keys",
                 {{{"id", "scraper"}, {"sha256", sha256_hex(kScraperKey)}, {"scopes", {"metrics:read"}}},
                  {{"id", "writer"}, {"sha256", sha256_hex(kWriterKey)}, {"scopes", {"storage:*"}}}}}}}}}}},
          {"routes", {{"storage", {{"auth", {"keys"}}}}, {"metrics", {{"auth", {"keys"}}}}}}};
}

HeaderList bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

bool has_line(const std::string& body, const std::string& line) {
  return body.find("\n" + line + "\n") != std::string::npos || body.rfind(line + "\n", 0) == 0;
}

bool has_prefix_line(const std::string& body, const std::string& prefix) {
  return body.find("\n" + prefix) != std::string::npos || body.rfind(prefix, 0) == 0;
}

class MetricsTest : public ::testing::Test {
 protected:
  TempDir data_;
};

TEST_F(MetricsTest, CountsPluginCallsAndHttpRequests) {
  NexusdProcess server(config(data_.path() / "files"));
  const HttpClient c(server.port());
  ASSERT_EQ(c.put("/v1/storage/files/a.txt", "hello", bearer(kWriterKey)).status, 200);
  ASSERT_EQ(c.put("/v1/storage/files/b.txt", "hello", bearer(kWriterKey)).status, 200);
  ASSERT_EQ(c.get("/v1/storage/files/missing.txt", bearer(kWriterKey)).status, 404);

  // A request is counted once its reply is written, a moment after the
  // client has it: scrape until the last one shows (or 2 s pass).
  HttpResponse r;
  for (int attempt = 0; attempt < 40; ++attempt) {
    r = c.get("/metrics", bearer(kScraperKey));
    if (r.body.find(R"(nexus_http_requests_total{route="storage_object",code="404"} 1)") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = r.body;
  EXPECT_TRUE(has_line(m, R"(nexus_plugin_calls_total{instance="files",op="put",status="ok"} 2)")) << m;
  // fs offers its objects as files: a GET asks it to open one (ABI 1.1).
  EXPECT_TRUE(has_line(m, R"(nexus_plugin_calls_total{instance="files",op="open",status="not_found"} 1)")) << m;
  EXPECT_TRUE(has_line(m, R"(nexus_plugin_call_duration_seconds_count{instance="files",op="put"} 2)")) << m;
  EXPECT_TRUE(has_line(m, R"(nexus_plugin_call_duration_seconds_bucket{instance="files",op="put",le="+Inf"} 2)")) << m;
  EXPECT_TRUE(has_line(m, R"(nexus_plugin_calls_in_flight{instance="files",op="put"} 0)")) << m;
  // Every request was authenticated by the apikey instance.
  EXPECT_TRUE(has_prefix_line(m, R"(nexus_plugin_calls_total{instance="keys",op="authenticate",status="ok"} )")) << m;
  EXPECT_TRUE(has_line(m, R"(nexus_http_requests_total{route="storage_object",code="200"} 2)")) << m;
  EXPECT_TRUE(has_line(m, R"(nexus_http_requests_total{route="storage_object",code="404"} 1)")) << m;
  EXPECT_TRUE(has_prefix_line(m, R"(nexus_http_request_duration_seconds_count{route="storage_object"} )")) << m;
  EXPECT_TRUE(has_line(m, R"(nexus_reloads_total{outcome="ok"} 0)")) << m;
  EXPECT_TRUE(has_prefix_line(m, "process_resident_memory_bytes ")) << m;
  EXPECT_TRUE(has_prefix_line(m, "process_open_fds ")) << m;
  EXPECT_EQ(m.find("hello"), std::string::npos) << "no object data in metrics";
  EXPECT_EQ(m.find(kWriterKey), std::string::npos) << "no credentials in metrics";
}

TEST_F(MetricsTest, ExpositionPassesPromtool) {
  NexusdProcess server(config(data_.path() / "files"));
  const HttpClient c(server.port());
  ASSERT_EQ(c.put("/v1/storage/files/a.txt", "x", bearer(kWriterKey)).status, 200);
  c.get("/nowhere", bearer(kWriterKey));
  const auto r = c.get("/metrics", bearer(kScraperKey));
  ASSERT_EQ(r.status, 200) << r.body;
  const CommandResult check = run_command({"promtool", "check", "metrics"}, r.body);
  EXPECT_EQ(check.exit_code, 0) << "promtool:\n" << check.out << check.err << "\nexposition:\n" << r.body;
}

TEST_F(MetricsTest, ScrapingNeedsTheMetricsScope) {
  NexusdProcess server(config(data_.path() / "files"));
  const HttpClient c(server.port());
  EXPECT_EQ(c.get("/metrics").status, 401);
  const auto r = c.get("/metrics", bearer(kWriterKey));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("metrics:read"), std::string::npos) << r.body;
  EXPECT_EQ(c.request("POST", "/metrics", bearer(kScraperKey)).status, 405);
}

TEST_F(MetricsTest, RouteIsOffUntilConfigured) {
  json cfg = config(data_.path() / "files");
  cfg["routes"].erase("metrics");
  NexusdProcess server(cfg);
  const auto r = HttpClient(server.port()).get("/metrics", bearer(kScraperKey));
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_NE(r.body.find("route group 'metrics' is not enabled"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace nexus::test
