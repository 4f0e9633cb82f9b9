// Tools declared "x-nexus-inline" (plugin-api/include/nexus/tools.h): nexusd
// answers their tools/call on the thread that read the request, as one
// event-stream body with a Content-Length, instead of on a stream thread
// with a chunked stream. The conformance fixture declares its tools that
// never wait (test_simple_text, test_error_handling, ...) inline unless its
// config says otherwise; the official suite (ctest mcp_conformance) checks
// their answers as a client sees them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/mcp_client.hpp"
#include "support/mcp_connection.hpp"
#include "support/nexusd_process.hpp"

namespace nexus::test {
namespace {

json config(json inline_flag = true) {
  return {{"plugin_dirs", {NEXUS_TEST_PLUGIN_DIR}},
          {"instances", {{"conformance", {{"plugin", "conformance"}, {"config", {{"inline_flag", inline_flag}}}}}}},
          {"routes", {{"health", {{"public", true}}}, {"mcp", {{"public", true}}}}},
          {"mcp", {{"session_key", "mcp-inline-test-key-0123456789abcdef"}}}};
}

bool chunked(const std::string& head) { return head.find("Transfer-Encoding: chunked") != std::string::npos; }

// One call on a fresh connection: the head and body of its answer.
struct Answer {
  std::string head, body;
};
Answer call_once(std::uint16_t port, const std::string& session, const std::string& tool) {
  McpConnection conn(port, session);
  EXPECT_TRUE(conn.send_call(tool, "once"));
  const auto body = conn.read_response();
  EXPECT_TRUE(body) << tool << ": no whole answer within " << kAnswerBudgetSeconds << " s";
  return {conn.head(), body.value_or("")};
}

TEST(McpInlineTools, ListedWithoutTheHostsKey) {
  NexusdProcess server(config());
  McpTestClient client(server.port(), {});
  ASSERT_EQ(client.initialize().status, 200);
  const json listed = client.call("tools/list");
  ASSERT_TRUE(listed["result"]["tools"].is_array()) << listed;
  bool saw_simple_text = false;
  for (const auto& t : listed["result"]["tools"]) {
    EXPECT_FALSE(t.contains("x-nexus-inline")) << t;
    saw_simple_text = saw_simple_text || t["name"] == "test_simple_text";
  }
  EXPECT_TRUE(saw_simple_text);
}

TEST(McpInlineTools, AnsweredAsOneEventStreamBodyWithTheSameEventsAsAStream) {
  NexusdProcess server(config());
  const std::string session = open_session(server.port());
  ASSERT_FALSE(session.empty());

  const Answer a = call_once(server.port(), session, "test_simple_text");
  EXPECT_NE(a.head.find("HTTP/1.1 200"), std::string::npos) << a.head;
  EXPECT_NE(a.head.find("Content-Type: text/event-stream"), std::string::npos) << a.head;
  EXPECT_NE(a.head.find("Mcp-Session-Id: " + session), std::string::npos) << a.head;
  EXPECT_NE(a.head.find("Content-Length: "), std::string::npos) << a.head;
  EXPECT_FALSE(chunked(a.head)) << a.head;
  // The priming event (an id and a reconnection delay, no data), then the
  // response, as on a stream.
  EXPECT_EQ(a.body.rfind("id: ", 0), 0u) << a.body;
  EXPECT_NE(a.body.find("\nretry: "), std::string::npos) << a.body;
  const auto messages = sse_messages(a.body);
  ASSERT_EQ(messages.size(), 1u) << a.body;
  EXPECT_EQ(messages[0]["id"], "once");
  EXPECT_EQ(messages[0]["result"]["content"][0]["text"], kSimpleText) << a.body;

  // A tool that logs while it runs is not declared inline: a chunked stream.
  const Answer streamed = call_once(server.port(), session, "test_tool_with_logging");
  EXPECT_TRUE(chunked(streamed.head)) << streamed.head;
  EXPECT_EQ(last_message(streamed.body)["result"]["content"][0]["type"], "text") << streamed.body;
}

TEST(McpInlineTools, KeepArgumentAndResultChecks) {
  NexusdProcess server(config());
  McpTestClient client(server.port(), {});
  ASSERT_EQ(client.initialize().status, 200);
  // inputSchema (additionalProperties false) checked before the plugin runs.
  const json bad = client.call("tools/call", {{"name", "json_schema_2020_12_tool"}, {"arguments", {{"unexpected", 1}}}});
  EXPECT_EQ(bad["result"]["isError"], true) << bad;
  // outputSchema checked on the way out.
  const json broken = client.call("tools/call", {{"name", "test_structured_output"}, {"arguments", {{"bad", true}}}});
  EXPECT_EQ(broken["error"]["code"], -32603) << broken;
  const json good = client.call("tools/call", {{"name", "test_structured_output"}, {"arguments", json::object()}});
  EXPECT_TRUE(good["result"].contains("structuredContent")) << good;
  // The tool's own failure is a result, as from a worker.
  const json failed = client.call("tools/call", {{"name", "test_error_handling"}, {"arguments", json::object()}});
  EXPECT_EQ(failed["result"]["isError"], true) << failed;
}

// The point of the declaration: such a call does not queue behind calls
// that hold every stream thread. 16 calls that wait until cancelled (at
// most 10 s) occupy the 16 stream threads; the inline call is answered
// while all of them are still running. On a worker it would have been
// answered only after one of them ended, and their streams would show it.
TEST(McpInlineTools, AnsweredWhileEveryStreamThreadIsBusy) {
  NexusdProcess server(config());
  const std::string session = open_session(server.port());
  ASSERT_FALSE(session.empty());
  constexpr int kStreamThreads = 16;  // host/src/http/mcp_endpoint.cpp
  std::vector<std::unique_ptr<McpConnection>> waiting;
  for (int i = 0; i < kStreamThreads; ++i) {
    waiting.push_back(std::make_unique<McpConnection>(server.port(), session));
    ASSERT_TRUE(waiting.back()->send_call("test_wait_for_cancel", "wait-" + std::to_string(i)));
  }
  // A stream's head is written by its thread when the call starts there.
  for (auto& w : waiting) ASSERT_TRUE(w->read_head()) << "a waiting call never started";

  const Answer a = call_once(server.port(), session, "test_simple_text");
  EXPECT_EQ(last_message(a.body)["result"]["content"][0]["text"], kSimpleText) << a.body;

  for (int i = 0; i < kStreamThreads; ++i) {
    const std::string so_far = waiting[i]->take_available();
    EXPECT_EQ(so_far.find("0\r\n\r\n"), std::string::npos)
        << "waiting call " << i << " had already ended when the inline call was answered: " << so_far;
  }
  // Release them (a cancelled call is not answered; its stream ends).
  HttpClient http(server.port());
  for (int i = 0; i < kStreamThreads; ++i) {
    const json cancel = {{"jsonrpc", "2.0"},
                         {"method", "notifications/cancelled"},
                         {"params", {{"requestId", "wait-" + std::to_string(i)}}}};
    const auto r = http.request("POST", "/mcp",
                                {{"Accept", kMcpAccept},
                                 {"Content-Type", "application/json"},
                                 {"MCP-Protocol-Version", "2025-11-25"},
                                 {"Mcp-Session-Id", session}},
                                cancel.dump());
    EXPECT_EQ(r.status, 202) << r.body;
  }
}

TEST(McpInlineTools, EveryCallIsAnsweredUnderSustainedConcurrentLoad) {
  NexusdProcess server(config());
  expect_every_call_answered_under_load(server.port());
}

TEST(McpInlineTools, DeclaredFalseRunsOnAStreamThread) {
  NexusdProcess server(config(false));
  const std::string session = open_session(server.port());
  ASSERT_FALSE(session.empty());
  const Answer a = call_once(server.port(), session, "test_simple_text");
  EXPECT_TRUE(chunked(a.head)) << a.head;
  EXPECT_EQ(last_message(a.body)["result"]["content"][0]["text"], kSimpleText) << a.body;
}

TEST(McpInlineTools, ANonBooleanDeclarationIsReportedAndTheToolRunsOnAStreamThread) {
  NexusdProcess server(config("yes"));
  McpTestClient client(server.port(), {});
  ASSERT_EQ(client.initialize().status, 200);
  const json listed = client.call("tools/list");  // held: the loop walks into it
  for (const auto& t : listed["result"]["tools"]) EXPECT_FALSE(t.contains("x-nexus-inline")) << t;

  const std::string session = open_session(server.port());
  const Answer a = call_once(server.port(), session, "test_simple_text");
  EXPECT_TRUE(chunked(a.head)) << a.head;
  EXPECT_EQ(last_message(a.body)["result"]["content"][0]["text"], kSimpleText) << a.body;
  const std::string log = server.stderr_text();
  EXPECT_NE(log.find("tool 'test_simple_text' of instance 'conformance' has \"x-nexus-inline\": \"yes\", which is not "
                     "a boolean; it runs on a worker thread"),
            std::string::npos)
      << log;
}

}  // namespace
}  // namespace nexus::test
