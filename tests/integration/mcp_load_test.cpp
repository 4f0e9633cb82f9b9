// /mcp under load, over raw keep-alive connections as a load generator
// (wrk) uses them: every tools/call is answered, including after clients
// that leave in the middle of their calls.
//
// The regression these guard (bench/README.md, "Where the time goes", the
// SSE stall): a streamed call's thread waited for pistache to report each
// write done, and pistache drops the write of a connection the client has
// closed without ever reporting it. Each such call held one of the 16
// stream threads for 30 s (the old write timeout); enough of them and /mcp
// stopped answering. A hang shows here as a read that times out after
// kAnswerBudget: generous for a loaded machine, shorter than the 30 s the
// old code held a thread.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/mcp_connection.hpp"
#include "support/nexusd_process.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;

const std::string kSessionKey = "mcp-load-test-key-0123456789abcdef";

// inline_flag false: every tool runs on a stream thread, the path these
// tests are about (tools declared x-nexus-inline have their own load test in
// mcp_inline_tools_test.cpp).
json config() {
  return {{"plugin_dirs", {NEXUS_TEST_PLUGIN_DIR}},
          {"instances", {{"conformance", {{"plugin", "conformance"}, {"config", {{"inline_flag", false}}}}}}},
          {"routes", {{"health", {{"public", true}}}, {"mcp", {{"public", true}}}}},
          {"mcp", {{"session_key", kSessionKey}}}};
}

TEST(McpLoad, EveryCallIsAnsweredUnderSustainedConcurrentLoad) {
  NexusdProcess server(config());
  expect_every_call_answered_under_load(server.port());
}

TEST(McpLoad, ClientsLeavingMidCallDoNotStallTheOthers) {
  NexusdProcess server(config());
  const std::string session = open_session(server.port());
  ASSERT_FALSE(session.empty());
  // More abandoned calls than the 16 stream threads: each client sends a
  // call that takes 100 ms and hangs up before the answer.
  for (int i = 0; i < 24; ++i) {
    McpConnection gone(server.port(), session);
    ASSERT_TRUE(gone.send_call("test_reconnection", "gone-" + std::to_string(i)));
  }
  // Everyone else is still served, at once and repeatedly.
  EXPECT_EQ(run_clients(server.port(), session, 16, 5, "test_simple_text", kSimpleText), 16 * 5);
  // And the server's own GET /health never depended on those threads.
  EXPECT_EQ(HttpClient(server.port()).get("/health").status, 200);
}

TEST(McpLoad, AStreamWhoseClientLeftFailsItsWritesInsteadOfWaiting) {
  // A client leaves right after sending a call; the next client connects at
  // once and is usually given the same descriptor number. Its answer is its
  // own: the departed call's stream never writes to the new connection
  // (pistache queues writes by descriptor number).
  NexusdProcess server(config());
  const std::string session = open_session(server.port());
  ASSERT_FALSE(session.empty());
  for (int round = 0; round < 20; ++round) {
    {
      McpConnection gone(server.port(), session);
      ASSERT_TRUE(gone.send_call("test_tool_with_progress", "gone-" + std::to_string(round)));
    }
    McpConnection next(server.port(), session);
    ASSERT_TRUE(next.send_call("test_simple_text", "next-" + std::to_string(round)));
    const auto body = next.read_response();
    ASSERT_TRUE(body) << "round " << round << ": no whole answer within " << kAnswerBudgetSeconds << " s";
    EXPECT_EQ(last_message(*body)["result"]["content"][0].value("text", ""), kSimpleText) << *body;
  }
}

}  // namespace
}  // namespace nexus::test
