// nexusd's logs: --log-format json gives one JSON object per line, access
// lines carry the request id, and no credential ever reaches a log line.
#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/nexusd_process.hpp"

namespace nexus::test {
namespace {

constexpr const char* kKey = "logging-test-key-0123456789abcdef";

nlohmann::json config_with_key() {
  return {{"instances",
           {{"mem", {{"plugin", "memory"}, {"config", nlohmann::json::object()}}},
            {"keys", {{"plugin", "apikey"}, {"config", {{"keys", {{{"id", "t"}, {"env", "LOGGING_TEST_KEY"}, {"scopes", {"*"}}}}}}}}}}},
          {"routes", {{"storage", {{"auth", {"keys"}}}}}}};
}

}  // namespace

TEST(Logging, JsonFormatWritesOneObjectPerLineAndNeverTheKey) {
  NexusdProcess nexusd(config_with_key(), {{"LOGGING_TEST_KEY", kKey}}, {"--log-format", "json", "--log-level", "debug"});
  HttpClient http(nexusd.port());
  ASSERT_EQ(http.put("/v1/storage/mem/a.txt", "hello", {{"X-API-Key", kKey}}).status, 200);
  ASSERT_EQ(http.get("/v1/storage/mem/a.txt", {{"Authorization", std::string("Bearer ") + kKey}}).status, 200);
  ASSERT_EQ(http.get("/v1/storage/mem/a.txt", {{"X-API-Key", "wrong-key-must-not-be-logged"}}).status, 401);
  nexusd.terminate();

  const std::string logs = nexusd.stdout_text() + nexusd.stderr_text();
  std::istringstream lines(logs);
  std::string line;
  int json_lines = 0, access_lines = 0, attributed = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "not JSON: " << line;
    EXPECT_TRUE(j.contains("ts") && j.contains("level") && j.contains("msg")) << line;
    ++json_lines;
    if (j["msg"].get<std::string>().find("/v1/storage/mem/a.txt") != std::string::npos) {
      ++access_lines;
      const std::string msg = j["msg"];
      EXPECT_NE(msg.find("request_id=req-"), std::string::npos) << line;
      EXPECT_NE(msg.find(" route=storage_object "), std::string::npos) << line;
      // Who asked, by subject: the two accepted requests; the refused one has none.
      if (msg.find(" status=200 ") != std::string::npos) {
        EXPECT_TRUE(msg.ends_with(" principal=apikey:t")) << line;
        ++attributed;
      } else {
        EXPECT_NE(msg.find(" status=401 "), std::string::npos) << line;
        EXPECT_TRUE(msg.ends_with(" principal=-")) << line;
      }
    }
  }
  EXPECT_GT(json_lines, 3);
  EXPECT_EQ(access_lines, 3);
  EXPECT_EQ(attributed, 2);
  EXPECT_EQ(logs.find(kKey), std::string::npos);
  EXPECT_EQ(logs.find("wrong-key-must-not-be-logged"), std::string::npos);
}

TEST(Logging, LevelWarnHidesInfoLines) {
  NexusdProcess nexusd(config_with_key(), {{"LOGGING_TEST_KEY", kKey}}, {"--log-level", "warn"});
  nexusd.terminate();
  const std::string logs = nexusd.stdout_text() + nexusd.stderr_text();
  EXPECT_EQ(logs.find("listening on"), std::string::npos) << logs;
}

}  // namespace nexus::test
