// /mcp over a real nexusd: the Streamable HTTP transport (sessions, headers,
// 202/400/403/404/406/413), JSON and SSE answers with notifications before
// the result, JSON-RPC errors, argument and output validation, pagination,
// cancellation, elicitation round trips, scopes and name collisions. The
// official suite runs separately (ctest mcp_conformance).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/mcp_wire.hpp"
#include "support/nexusd_process.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;

const std::string kAccept = "application/json, text/event-stream";
const std::string kSessionKey = "mcp-integration-test-key-0123456789";

json conformance_instance(const std::string& prefix = "") {
  return {{"plugin", "conformance"}, {"config", {{"prefix", prefix}}}};
}

json base_config(json instances, json extra = json::object()) {
  json c = {{"plugin_dirs", {NEXUS_TEST_PLUGIN_DIR}},
            {"instances", std::move(instances)},
            {"routes", {{"health", {{"public", true}}}, {"mcp", {{"public", true}}}}},
            {"mcp", {{"session_key", kSessionKey}}}};
  c.merge_patch(extra);
  return c;
}

class McpClient {
 public:
  explicit McpClient(std::uint16_t port, HeaderList auth = {}) : http_(port), auth_(std::move(auth)) {}

  HttpResponse post_raw(const std::string& body, HeaderList headers) const {
    for (const auto& h : auth_) headers.push_back(h);
    return http_.request("POST", "/mcp", headers, body);
  }
  HeaderList session_headers() const {
    HeaderList h = {{"Accept", kAccept}, {"Content-Type", "application/json"}, {"MCP-Protocol-Version", "2025-11-25"}};
    if (!session_.empty()) h.emplace_back("Mcp-Session-Id", session_);
    return h;
  }
  HttpResponse post(const json& message) const { return post_raw(message.dump(), session_headers()); }

  json initialize(const std::string& version = "2025-11-25") {
    const json init =
        mcp_initialize("mcp-test", version, {{"sampling", json::object()}, {"elicitation", json::object()}});
    const auto r = post_raw(init.dump(), {{"Accept", kAccept}, {"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << r.body;
    session_ = r.header("mcp-session-id");
    EXPECT_FALSE(session_.empty());
    EXPECT_EQ(post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}).status, 202);
    return json::parse(r.body, nullptr, false);
  }

  // Every message the request produced (one for JSON, all events for SSE).
  std::vector<json> exchange(const std::string& method, json params, json id = 1) const {
    const auto r = post({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    EXPECT_EQ(r.status, 200) << method << ": " << r.body;
    if (r.header("content-type").find("text/event-stream") != std::string::npos) return sse_messages(r.body);
    return {json::parse(r.body, nullptr, false)};
  }
  // The response message (the last one).
  json call(const std::string& method, json params = json::object(), json id = 1) const {
    auto all = exchange(method, std::move(params), id);
    return all.empty() ? json() : all.back();
  }
  json tool(const std::string& name, json arguments = json::object()) const {
    return call("tools/call", {{"name", name}, {"arguments", std::move(arguments)}});
  }

  std::string session_;

 private:
  HttpClient http_;
  HeaderList auth_;
};

std::string first_text(const json& result) {
  if (!result.contains("content") || result["content"].empty()) return "";
  return result["content"][0].value("text", std::string());
}

class Mcp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<NexusdProcess>(base_config(
        {{"conformance", conformance_instance()}},
        {{"http", {{"max_body_bytes", 8192}}}, {"mcp", {{"page_size", 5}, {"request_timeout_ms", 5000}}}}));
  }
  static void TearDownTestSuite() { server_.reset(); }
  McpClient session() const {
    McpClient c(server_->port());
    c.initialize();
    return c;
  }
  static std::unique_ptr<NexusdProcess> server_;
};
std::unique_ptr<NexusdProcess> Mcp::server_;

TEST_F(Mcp, InitializeNegotiatesVersionAndIssuesASignedSession) {
  McpClient c(server_->port());
  json r = c.initialize("2025-11-25");
  EXPECT_EQ(r["result"]["protocolVersion"], "2025-11-25");
  json caps = r["result"]["capabilities"];
  for (const char* k : {"tools", "resources", "prompts", "logging", "completions"}) EXPECT_TRUE(caps.contains(k)) << k;
  EXPECT_EQ(caps["resources"]["subscribe"], true);
  EXPECT_EQ(c.session_.size(), 112u);
  EXPECT_EQ(c.session_.find_first_not_of("0123456789abcdef"), std::string::npos);

  McpClient old(server_->port());
  EXPECT_EQ(old.initialize("2025-03-26")["result"]["protocolVersion"], "2025-03-26");
  McpClient future(server_->port());
  EXPECT_EQ(future.initialize("2099-01-01")["result"]["protocolVersion"], "2025-11-25");
  EXPECT_NE(future.session_, c.session_);
}

TEST_F(Mcp, NotificationsAndResponsesAre202WithoutBody) {
  const McpClient c = session();
  auto r = c.post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  EXPECT_EQ(r.status, 202);
  EXPECT_TRUE(r.body.empty());
  r = c.post({{"jsonrpc", "2.0"}, {"id", "nobody-asked"}, {"result", json::object()}});
  EXPECT_EQ(r.status, 202);
  EXPECT_TRUE(r.body.empty());
}

TEST_F(Mcp, PingAndToolsListAnswerAsJson) {
  const McpClient c = session();
  const auto r = c.post({{"jsonrpc", "2.0"}, {"id", 5}, {"method", "ping"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.header("content-type").find("application/json"), std::string::npos);
  EXPECT_EQ(json::parse(r.body), json({{"jsonrpc", "2.0"}, {"id", 5}, {"result", json::object()}}));
  json list = c.call("tools/list");
  ASSERT_TRUE(list["result"]["tools"].is_array()) << list;
  EXPECT_EQ(list["result"]["tools"].size(), 5u);  // page_size
  EXPECT_TRUE(list["result"].contains("nextCursor"));
}

TEST_F(Mcp, ToolsListPagesWithOpaqueCursors) {
  const McpClient c = session();
  std::vector<std::string> names;
  json params = json::object();
  for (int page = 0; page < 10; ++page) {
    json r = c.call("tools/list", params)["result"];
    for (const auto& t : r["tools"]) names.push_back(t["name"]);
    if (!r.contains("nextCursor")) break;
    params = {{"cursor", r["nextCursor"]}};
  }
  EXPECT_EQ(names.size(), 16u);
  EXPECT_NE(std::find(names.begin(), names.end(), "test_tool_with_progress"), names.end());
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  EXPECT_EQ(c.call("tools/list", {{"cursor", "forged"}})["error"]["code"], -32602);
}

TEST_F(Mcp, ToolsCallStreamsProgressBeforeTheResult) {
  const McpClient c = session();
  const auto r = c.post({{"jsonrpc", "2.0"},
                         {"id", 9},
                         {"method", "tools/call"},
                         {"params", {{"name", "test_tool_with_progress"}, {"arguments", json::object()}, {"_meta", {{"progressToken", "tok-1"}}}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.header("content-type").find("text/event-stream"), std::string::npos);
  EXPECT_EQ(r.body.rfind("id: ", 0), 0u) << "the stream starts with a priming event: " << r.body;
  auto msgs = sse_messages(r.body);
  ASSERT_EQ(msgs.size(), 4u) << r.body;
  std::vector<double> progress;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(msgs[i]["method"], "notifications/progress");
    EXPECT_EQ(msgs[i]["params"]["progressToken"], "tok-1");
    EXPECT_EQ(msgs[i]["params"]["total"], 100);
    progress.push_back(msgs[i]["params"]["progress"]);
  }
  EXPECT_EQ(progress, (std::vector<double>{0, 50, 100}));
  EXPECT_EQ(msgs[3]["id"], 9);
  EXPECT_FALSE(msgs[3]["result"].contains("isError"));
}

TEST_F(Mcp, NoProgressTokenMeansNoProgressNotifications) {
  const McpClient c = session();
  auto msgs = c.exchange("tools/call", {{"name", "test_tool_with_progress"}});
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_TRUE(msgs[0].contains("result"));
}

TEST_F(Mcp, LogNotificationsPrecedeTheResultAndFollowSetLevel) {
  McpClient c = session();
  auto msgs = c.exchange("tools/call", {{"name", "test_tool_with_logging"}});
  ASSERT_EQ(msgs.size(), 4u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(msgs[i]["method"], "notifications/message");
    EXPECT_EQ(msgs[i]["params"]["level"], "info");
    EXPECT_EQ(msgs[i]["params"]["logger"], "conformance");
  }
  EXPECT_EQ(first_text(msgs[3]["result"]), "Tool with logging executed successfully");

  EXPECT_EQ(c.call("logging/setLevel", {{"level", "error"}})["result"], json::object());
  msgs = c.exchange("tools/call", {{"name", "test_tool_with_logging"}});
  EXPECT_EQ(msgs.size(), 1u) << "info logs are below the session's level 'error'";
  EXPECT_EQ(c.call("logging/setLevel", {{"level", "loud"}})["error"]["code"], -32602);
}

TEST_F(Mcp, SessionHeaderMissingIs400AndForgedOrEndedIs404) {
  McpClient c = session();
  const std::string good = c.session_;
  const json ping = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}};

  c.session_.clear();
  EXPECT_EQ(c.post(ping).status, 400);

  c.session_ = good;
  c.session_[10] = c.session_[10] == 'a' ? 'b' : 'a';
  EXPECT_EQ(c.post(ping).status, 404) << "a tampered id fails its signature";
  c.session_ = "not-a-session";
  EXPECT_EQ(c.post(ping).status, 404);

  c.session_ = good;
  EXPECT_EQ(c.post(ping).status, 200);
  HttpClient http(server_->port());
  EXPECT_EQ(http.request("DELETE", "/mcp", {{"Mcp-Session-Id", good}}).status, 204);
  EXPECT_EQ(c.post(ping).status, 404);
  EXPECT_EQ(http.request("DELETE", "/mcp", {{"Mcp-Session-Id", good}}).status, 404);
  EXPECT_EQ(http.request("DELETE", "/mcp").status, 400);
}

TEST_F(Mcp, ProtocolVersionHeaderIsChecked) {
  const McpClient c = session();
  HeaderList h = c.session_headers();
  const std::string ping = R"({"jsonrpc":"2.0","id":1,"method":"ping"})";
  for (auto& [k, v] : h)
    if (k == "MCP-Protocol-Version") v = "1999-12-31";
  const auto r = c.post_raw(ping, h);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("unsupported MCP-Protocol-Version '1999-12-31'"), std::string::npos) << r.body;
  for (auto& [k, v] : h)
    if (k == "MCP-Protocol-Version") v = "2025-06-18";
  EXPECT_EQ(c.post_raw(ping, h).status, 200);
}

TEST_F(Mcp, OriginAndHostAreChecked) {
  const McpClient c = session();
  const std::string ping = R"({"jsonrpc":"2.0","id":1,"method":"ping"})";
  auto with = [&](const std::string& name, const std::string& value) {
    HeaderList h = c.session_headers();
    h.emplace_back(name, value);
    return c.post_raw(ping, h);
  };
  EXPECT_EQ(with("Origin", "http://evil.example.com").status, 403);
  EXPECT_EQ(with("Origin", "null").status, 403);
  EXPECT_EQ(with("Origin", "http://localhost:6274").status, 200);
  EXPECT_EQ(with("Origin", "https://127.0.0.1").status, 200);
  const auto bad_host = with("Host", "evil.example.com");
  EXPECT_EQ(bad_host.status, 403);
  EXPECT_NE(bad_host.body.find("DNS-rebinding"), std::string::npos) << bad_host.body;
  EXPECT_EQ(with("Host", "localhost:" + std::to_string(server_->port())).status, 200);
}

TEST_F(Mcp, AcceptMustListJsonAndEventStream) {
  const McpClient c = session();
  HeaderList h = {{"Accept", "application/json"}, {"Content-Type", "application/json"}, {"Mcp-Session-Id", c.session_}};
  EXPECT_EQ(c.post_raw(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", h).status, 406);
}

TEST_F(Mcp, MalformedBodiesGetJsonRpcErrors) {
  const McpClient c = session();
  auto r = c.post_raw("{not json", c.session_headers());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], -32700);
  r = c.post_raw(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])", c.session_headers());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], -32600);
  EXPECT_NE(r.body.find("batches are not supported"), std::string::npos);
  r = c.post_raw(R"({"jsonrpc":"1.0","id":1,"method":"ping"})", c.session_headers());
  EXPECT_EQ(json::parse(r.body)["error"]["code"], -32600);
  r = c.post_raw(std::string(9000, ' ') + "{}", c.session_headers());
  EXPECT_EQ(r.status, 413);
  // The host is still fine.
  EXPECT_EQ(c.call("ping")["result"], json::object());
}

TEST_F(Mcp, UnknownMethodAndUnknownTool) {
  const McpClient c = session();
  EXPECT_EQ(c.call("tools/frobnicate")["error"]["code"], -32601);
  json r = c.tool("no_such_tool");
  EXPECT_EQ(r["error"]["code"], -32602);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("no_such_tool"), std::string::npos);
  EXPECT_EQ(c.call("tools/call", {{"arguments", json::object()}})["error"]["code"], -32602) << "name missing";
}

TEST_F(Mcp, InvalidArgumentsAreAnIsErrorResultBeforeThePluginRuns) {
  const McpClient c = session();
  json r = c.tool("test_sampling", {{"prompt", 5}});
  ASSERT_TRUE(r.contains("result")) << r;
  EXPECT_EQ(r["result"]["isError"], true);
  EXPECT_NE(first_text(r["result"]).find("Invalid arguments for tool 'test_sampling'"), std::string::npos) << r;
  // JSON Schema 2020-12: "$schema" does not stop validation of what valijson knows.
  json bad = c.tool("json_schema_2020_12_tool", {{"unexpected", 1}});
  EXPECT_EQ(bad["result"]["isError"], true) << bad;
  json good = c.tool("json_schema_2020_12_tool", {{"name", "x"}, {"address", {{"city", "Oslo"}}}});
  EXPECT_EQ(good["result"].value("isError", false), false) << good;
}

TEST_F(Mcp, ToolErrorsAndStructuredOutput) {
  const McpClient c = session();
  json err = c.tool("test_error_handling");
  EXPECT_EQ(err["result"]["isError"], true);
  EXPECT_EQ(first_text(err["result"]), "This tool intentionally returns an error for testing");
  json ok = c.tool("test_structured_output");
  EXPECT_EQ(ok["result"]["structuredContent"], json({{"count", 3}}));
  json broken = c.tool("test_structured_output", {{"bad", true}});
  EXPECT_EQ(broken["error"]["code"], -32603) << broken;
  EXPECT_NE(broken["error"]["message"].get<std::string>().find("outputSchema"), std::string::npos);
}

// The tool sees the cancellation (it says so in a log notification), and
// the cancelled request gets no response: the stream just ends.
TEST_F(Mcp, CancelledNotificationReachesTheRunningToolAndTheRequestIsNotAnswered) {
  const McpClient c = session();
  std::vector<json> msgs;
  std::thread call([&] {
    msgs = c.exchange("tools/call", {{"name", "test_wait_for_cancel"}, {"arguments", json::object()}}, 77);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(c.post({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 77}}}}).status, 202);
  call.join();
  bool saw = false;
  for (const auto& m : msgs) {
    EXPECT_FALSE(m.contains("id")) << "the cancelled request was answered: " << m;
    if (m.value("method", "") == "notifications/message" &&
        m["params"]["data"].dump().find("saw the cancellation") != std::string::npos)
      saw = true;
  }
  EXPECT_TRUE(saw) << "the tool did not see the cancellation; stream: " << json(msgs).dump();
}

TEST_F(Mcp, ElicitationGoesToTheClientAndTheAnswerComesBackByPost) {
  const McpClient c = session();
  json result;
  std::atomic<bool> done{false};
  std::thread call([&] {
    result = c.tool("test_elicitation", {{"message", "who are you?"}});
    done = true;
  });
  // The first server-to-client request of a session has id "nexus-1"; a
  // response before the request is out is ignored, so repeat until done.
  const json answer = {{"jsonrpc", "2.0"},
                       {"id", "nexus-1"},
                       {"result", {{"action", "accept"}, {"content", {{"username", "ada"}, {"email", "a@b.c"}}}}}};
  for (int i = 0; i < 100 && !done; ++i) {
    EXPECT_EQ(c.post(answer).status, 202);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  call.join();
  EXPECT_NE(first_text(result["result"]).find("\"username\":\"ada\""), std::string::npos) << result;
}

TEST_F(Mcp, ResourcesPromptsAndCompletion) {
  const McpClient c = session();
  EXPECT_EQ(c.call("resources/list")["result"]["resources"].size(), 3u);
  EXPECT_EQ(c.call("resources/templates/list")["result"]["resourceTemplates"][0]["uriTemplate"], "test://template/{id}/data");
  EXPECT_EQ(c.call("resources/read", {{"uri", "test://template/42/data"}})["result"]["contents"][0]["uri"],
            "test://template/42/data");
  EXPECT_EQ(c.call("resources/read", {{"uri", "test://nothing"}})["error"]["code"], -32002);
  EXPECT_EQ(c.call("resources/subscribe", {{"uri", "test://watched-resource"}})["result"], json::object());
  EXPECT_EQ(c.call("prompts/get", {{"name", "test_prompt_with_arguments"}, {"arguments", {{"arg1", "a"}, {"arg2", "b"}}}})
                ["result"]["messages"][0]["content"]["text"],
            "Prompt with arguments: arg1='a', arg2='b'");
  EXPECT_EQ(c.call("prompts/get", {{"name", "test_prompt_with_arguments"}})["error"]["code"], -32602);
  json comp = c.call("completion/complete", {{"ref", {{"type", "ref/prompt"}, {"name", "test_prompt_with_arguments"}}},
                                                   {"argument", {{"name", "arg1"}, {"value", "te"}}}});
  EXPECT_EQ(comp["result"]["completion"]["values"], json({"test", "testing"}));
  json none = c.call("completion/complete", {{"ref", {{"type", "ref/prompt"}, {"name", "nope"}}},
                                                   {"argument", {{"name", "x"}, {"value", ""}}}});
  EXPECT_EQ(none["result"]["completion"]["values"], json::array());
}

TEST(McpCollisions, CollidingToolNamesArePrefixedWithTheInstance) {
  NexusdProcess server(base_config({{"alpha", conformance_instance()},
                                    {"beta", conformance_instance()},
                                    {"gamma", conformance_instance("g_")}}));
  McpClient c(server.port());
  c.initialize();
  std::vector<std::string> names;
  json listed = c.call("tools/list");
  for (const auto& t : listed["result"]["tools"]) names.push_back(t["name"]);
  EXPECT_TRUE(listed["result"].contains("tools")) << listed;
  EXPECT_EQ(names.size(), 48u);
  for (const char* n : {"alpha.test_simple_text", "beta.test_simple_text", "g_test_simple_text"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  EXPECT_EQ(std::find(names.begin(), names.end(), "test_simple_text"), names.end());
  EXPECT_EQ(first_text(c.tool("beta.test_simple_text")["result"]), "This is a simple text response for testing.");
  EXPECT_EQ(c.tool("test_simple_text")["error"]["code"], -32602);
}

TEST(McpScopes, ScopesFilterToolsListAndGuardToolsCall) {
  const std::string narrow = "narrow-key-0123456789abcdef", wide = "wide-key-0123456789abcdef";
  const json keys = {{"plugin", "apikey"},
                     {"config",
                      {{"keys",
                        {{{"id", "narrow"}, {"sha256", sha256_hex(narrow)}, {"scopes", {"tools:test_simple_text"}}},
                         {{"id", "wide"}, {"sha256", sha256_hex(wide)}, {"scopes", {"tools:*", "mcp:read"}}}}}}}};
  NexusdProcess server(base_config({{"conformance", conformance_instance()}, {"keys", keys}},
                                   {{"routes", {{"mcp", {{"public", nullptr}, {"auth", {"keys"}}}}}}}));
  McpClient anonymous(server.port());
  EXPECT_EQ(anonymous.post_raw(R"({"jsonrpc":"2.0","id":0,"method":"ping"})", anonymous.session_headers()).status, 401);

  McpClient n(server.port(), {{"Authorization", "Bearer " + narrow}});
  n.initialize();
  json tools = n.call("tools/list")["result"]["tools"];
  ASSERT_EQ(tools.size(), 1u) << tools;
  EXPECT_EQ(tools[0]["name"], "test_simple_text");
  EXPECT_EQ(first_text(n.tool("test_simple_text")["result"]), "This is a simple text response for testing.");
  // Without the scope: a 403 scope challenge (MCP 2025-11-25 authorization,
  // "Scope Challenge Handling"), whichever thread would have run the tool
  // (test_error_handling is declared inline, test_tool_with_logging not).
  for (const std::string tool : {"test_error_handling", "test_tool_with_logging"}) {
    const auto denied = n.post_raw(json({{"jsonrpc", "2.0"},
                                         {"id", 9},
                                         {"method", "tools/call"},
                                         {"params", {{"name", tool}, {"arguments", json::object()}}}})
                                       .dump(),
                                   n.session_headers());
    EXPECT_EQ(denied.status, 403) << denied.body;
    EXPECT_EQ(denied.header("www-authenticate"), "Bearer error=\"insufficient_scope\", scope=\"tools:" + tool + "\"");
    const json body = json::parse(denied.body, nullptr, false);
    EXPECT_EQ(body["id"], 9) << denied.body;
    EXPECT_EQ(body["error"]["code"], -32602) << denied.body;
    EXPECT_NE(body["error"]["message"].get<std::string>().find("tools:" + tool), std::string::npos) << denied.body;
  }
  const auto read = n.post_raw(R"({"jsonrpc":"2.0","id":3,"method":"resources/list"})", n.session_headers());
  EXPECT_EQ(read.status, 403) << read.body;
  EXPECT_EQ(read.header("www-authenticate"), "Bearer error=\"insufficient_scope\", scope=\"mcp:read\"");

  McpClient w(server.port(), {{"Authorization", "Bearer " + wide}});
  w.initialize();
  EXPECT_EQ(w.call("tools/list", {{"cursor", nullptr}})["result"]["tools"].size(), 16u);
  EXPECT_EQ(w.call("resources/list")["result"]["resources"].size(), 3u);
}

}  // namespace
}  // namespace nexus::test
