// mcp/jsonrpc.cpp — see jsonrpc.hpp.
#include "mcp/jsonrpc.hpp"

namespace nexus::host::mcp {

using nlohmann::json;

namespace {

bool valid_id(const json& id) { return id.is_string() || id.is_number_integer() || id.is_number_unsigned(); }

}  // namespace

std::variant<Message, json> parse_message(std::string_view text) {
  json body = json::parse(text, nullptr, false);
  if (body.is_discarded()) {
    return make_error(nullptr, kParseError, "Parse error: the body is not valid JSON; send one JSON-RPC 2.0 message");
  }
  if (body.is_array()) {
    return make_error(nullptr, kInvalidRequest,
                      "Invalid Request: JSON-RPC batches are not supported by MCP 2025-11-25; send one message per POST");
  }
  if (!body.is_object()) return make_error(nullptr, kInvalidRequest, "Invalid Request: a message must be a JSON object");
  const json id = body.contains("id") ? body["id"] : json(nullptr);
  if (body.value("jsonrpc", json()) != "2.0") {
    return make_error(valid_id(id) ? id : json(nullptr), kInvalidRequest, "Invalid Request: \"jsonrpc\" must be \"2.0\"");
  }
  Message m;
  if (body.contains("method")) {
    if (!body["method"].is_string())
      return make_error(valid_id(id) ? id : json(nullptr), kInvalidRequest, "Invalid Request: \"method\" must be a string");
    m.method = body["method"].get<std::string>();
    if (body.contains("params") && !body["params"].is_object() && !body["params"].is_null())
      return make_error(valid_id(id) ? id : json(nullptr), kInvalidRequest,
                        "Invalid Request: \"params\" must be an object (MCP uses named parameters)");
    // Moved out, not copied: a request's body is not kept (only a response's is).
    if (const auto params = body.find("params"); params != body.end()) m.params = std::move(*params);
    if (!body.contains("id")) {
      m.kind = Message::Kind::notification;
      return m;
    }
    if (!valid_id(id)) return make_error(nullptr, kInvalidRequest, "Invalid Request: \"id\" must be a string or an integer");
    m.kind = Message::Kind::request;
    m.id = id;
    return m;
  }
  if (body.contains("result") || body.contains("error")) {
    if (!valid_id(id)) return make_error(nullptr, kInvalidRequest, "Invalid Request: a response needs a string or integer \"id\"");
    m.kind = Message::Kind::response;
    m.id = id;
    m.body = std::move(body);
    return m;
  }
  return make_error(valid_id(id) ? id : json(nullptr), kInvalidRequest,
                    "Invalid Request: neither a request (\"method\") nor a response (\"result\"/\"error\")");
}

json make_result(const json& id, json result) {
  // Member by member: an initializer list would build each pair as an array
  // first, and this runs for every answer.
  json message = json::object();
  message["jsonrpc"] = "2.0";
  message["id"] = id;
  message["result"] = std::move(result);
  return message;
}

json make_error(const json& id, int code, const std::string& message, json data) {
  json error = {{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = std::move(data);
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

json make_notification(const std::string& method, json params) {
  return {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

}  // namespace nexus::host::mcp
