// support/mcp_client.hpp — just enough of an MCP client over Streamable
// HTTP for tests about who may see and call which tool: initialize with
// the given credentials, tools/list (every page), tools/call.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/mcp_wire.hpp"

namespace nexus::test {

class McpTestClient {
 public:
  // `credentials`: headers sent with every request (Authorization, ...).
  McpTestClient(std::uint16_t port, HeaderList credentials) : http_(port), credentials_(std::move(credentials)) {}

  // The raw answer to `initialize`; on 200 the session is kept and
  // notifications/initialized sent.
  HttpResponse initialize() {
    const auto r = post(mcp_initialize("auth-test"));
    if (r.status == 200) {
      session_ = r.header("mcp-session-id");
      EXPECT_EQ(post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}).status, 202);
    }
    return r;
  }

  // The response to one request (the last message of a JSON or SSE answer).
  nlohmann::json call(const std::string& method, nlohmann::json params = nlohmann::json::object()) const {
    const auto r = post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", std::move(params)}});
    EXPECT_EQ(r.status, 200) << method << ": " << r.body;
    if (r.header("content-type").find("text/event-stream") == std::string::npos)
      return nlohmann::json::parse(r.body, nullptr, false);
    const auto messages = sse_messages(r.body);
    return messages.empty() ? nlohmann::json() : messages.back();
  }

  // Every tool name tools/list shows, following nextCursor.
  std::vector<std::string> tool_names() const {
    std::vector<std::string> names;
    nlohmann::json params = nlohmann::json::object();
    for (int page = 0; page < 100; ++page) {
      const auto answer = call("tools/list", params);
      if (!answer.contains("result")) {
        ADD_FAILURE() << "tools/list failed: " << answer;
        return names;
      }
      for (const auto& t : answer["result"]["tools"]) names.push_back(t["name"].get<std::string>());
      if (!answer["result"].contains("nextCursor")) return names;
      params["cursor"] = answer["result"]["nextCursor"];
    }
    ADD_FAILURE() << "tools/list did not end after 100 pages";
    return names;
  }

  nlohmann::json call_tool(const std::string& name, nlohmann::json arguments = nlohmann::json::object()) const {
    return call("tools/call", {{"name", name}, {"arguments", std::move(arguments)}});
  }

  // A tools/call the caller's scopes do not allow: the raw answer, which
  // must be a 403 scope challenge naming "tools:<name>" (MCP 2025-11-25
  // authorization); checked here, so every test refuses the same way.
  void expect_scope_challenge(const std::string& name, nlohmann::json arguments = nlohmann::json::object()) const {
    const auto r = post({{"jsonrpc", "2.0"},
                         {"id", 1},
                         {"method", "tools/call"},
                         {"params", {{"name", name}, {"arguments", std::move(arguments)}}}});
    EXPECT_EQ(r.status, 403) << name << ": " << r.body;
    EXPECT_EQ(r.header("www-authenticate"), "Bearer error=\"insufficient_scope\", scope=\"tools:" + name + "\"")
        << name;
    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    EXPECT_EQ(body["error"]["code"], -32602) << r.body;
    EXPECT_NE(body.dump().find("tools:" + name), std::string::npos) << r.body;
  }

 private:
  HttpResponse post(const nlohmann::json& message) const {
    HeaderList h = credentials_;
    h.emplace_back("Accept", kMcpAccept);
    h.emplace_back("Content-Type", "application/json");
    h.emplace_back("MCP-Protocol-Version", "2025-11-25");
    if (!session_.empty()) h.emplace_back("Mcp-Session-Id", session_);
    return http_.request("POST", "/mcp", h, message.dump());
  }

  HttpClient http_;
  HeaderList credentials_;
  std::string session_;
};

}  // namespace nexus::test
