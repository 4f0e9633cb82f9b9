// mcp/jsonrpc.hpp — JSON-RPC 2.0 messages as MCP uses them: parsing one
// message (never a batch: revision 2025-11-25 removed batching), and
// building results and errors.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace nexus::host::mcp {

// JSON-RPC error codes. -32002 is MCP's "resource not found".
enum ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kResourceNotFound = -32002,
};

struct Message {
  enum class Kind { request, notification, response };
  Kind kind = Kind::request;
  nlohmann::json id;      // request/response: string or integer; null for a notification
  std::string method;     // request/notification
  nlohmann::json params;  // object, or null when absent
  nlohmann::json body;    // response: the whole message as received; null for a request or notification
};

// One JSON-RPC message from `text`, or the error response to send back
// (parse error for bad JSON, invalid request for anything else malformed,
// including a batch array).
std::variant<Message, nlohmann::json> parse_message(std::string_view text);

nlohmann::json make_result(const nlohmann::json& id, nlohmann::json result);
nlohmann::json make_error(const nlohmann::json& id, int code, const std::string& message,
                          nlohmann::json data = nullptr);
nlohmann::json make_notification(const std::string& method, nlohmann::json params);

// Thrown by handlers to answer with a JSON-RPC error.
struct RpcError {
  int code;
  std::string message;
};

}  // namespace nexus::host::mcp
