// The MCP messages and framing the integration tests speak by hand: the
// initialize request and the messages of an SSE answer.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nexus::test {

inline constexpr const char* kMcpAccept = "application/json, text/event-stream";

// An `initialize` request (id 0) from client `client_name`.
inline nlohmann::json mcp_initialize(const std::string& client_name, const std::string& version = "2025-11-25",
                                     nlohmann::json capabilities = nlohmann::json::object()) {
  return {{"jsonrpc", "2.0"},
          {"id", 0},
          {"method", "initialize"},
          {"params",
           {{"protocolVersion", version},
            {"capabilities", std::move(capabilities)},
            {"clientInfo", {{"name", client_name}, {"version", "1.0"}}}}}};
}

// The JSON messages of an SSE body, in order (events without data, like
// the priming event, skipped; a data line that is not JSON gives a
// discarded value, so a test sees it).
inline std::vector<nlohmann::json> sse_messages(const std::string& body) {
  std::vector<nlohmann::json> out;
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t end = body.find("\n\n", pos);
    if (end == std::string::npos) end = body.size();
    const std::string event = body.substr(pos, end - pos);
    pos = end + 2;
    std::string data;
    for (std::size_t start = 0; start < event.size();) {
      std::size_t nl = event.find('\n', start);
      if (nl == std::string::npos) nl = event.size();
      const std::string line = event.substr(start, nl - start);
      if (line.rfind("data: ", 0) == 0) data += line.substr(6);
      start = nl + 1;
    }
    if (!data.empty()) out.push_back(nlohmann::json::parse(data, nullptr, false));
  }
  return out;
}

}  // namespace nexus::test
