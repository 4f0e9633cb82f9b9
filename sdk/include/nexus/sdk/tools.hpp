// nexus/sdk/tools.hpp — write a "nexus.tools/1" provider by deriving from
// nexus::sdk::Tools and overriding list_tools() and call_tool().
#pragma once

#include <nexus/tools.h>

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nexus/sdk/context.hpp"
#include "nexus/sdk/error.hpp"
#include "nexus/sdk/instance.hpp"
#include "nexus/sdk/io.hpp"

namespace nexus::sdk {

// A CallToolResult with one text content.
inline nlohmann::json text_result(std::string_view text, bool is_error = false) {
  return {{"content", nlohmann::json::array({{{"type", "text"}, {"text", std::string(text)}}})}, {"isError", is_error}};
}

// A CallToolResult carrying structured content (and its JSON text, as MCP
// recommends for clients that only read text).
inline nlohmann::json structured_result(const nlohmann::json& structured) {
  return {{"content", nlohmann::json::array({{{"type", "text"}, {"text", structured.dump()}}})},
          {"structuredContent", structured},
          {"isError", false}};
}

// Content items for a CallToolResult's "content" array (MCP 2025-11-25).
inline nlohmann::json text_content(std::string_view text) { return {{"type", "text"}, {"text", std::string(text)}}; }
inline nlohmann::json image_content(std::string_view base64, std::string_view mime_type) {
  return {{"type", "image"}, {"data", std::string(base64)}, {"mimeType", std::string(mime_type)}};
}
inline nlohmann::json audio_content(std::string_view base64, std::string_view mime_type) {
  return {{"type", "audio"}, {"data", std::string(base64)}, {"mimeType", std::string(mime_type)}};
}
// An embedded resource with text, or with a base64 blob when `is_blob`.
inline nlohmann::json resource_content(std::string_view uri, std::string_view mime_type, std::string_view text_or_base64,
                                       bool is_blob = false) {
  return {{"type", "resource"},
          {"resource", {{"uri", std::string(uri)}, {"mimeType", std::string(mime_type)},
                        {is_blob ? "blob" : "text", std::string(text_or_base64)}}}};
}
// A CallToolResult from content items.
inline nlohmann::json tool_result(nlohmann::json content_items, bool is_error = false) {
  return {{"content", std::move(content_items)}, {"isError", is_error}};
}

class Tools : public virtual Instance {
 public:
  // JSON array of MCP Tool definitions; see tools.h.
  virtual nlohmann::json list_tools(CallContext& ctx) = 0;
  // An MCP CallToolResult. Throw Error(NOT_FOUND) for an unknown tool; report
  // failures of the tool's own work as a result with "isError": true.
  virtual nlohmann::json call_tool(CallContext& ctx, std::string_view name, const nlohmann::json& arguments) = 0;
};

namespace detail {

template <typename P>
struct ToolsAdapter {
  static Tools& self(void* inst) noexcept { return *static_cast<P*>(inst); }
  static nexus_status on_list_tools(void* inst, const nexus_call_context* c, const nexus_writer* out) noexcept {
    CallContext ctx(c);
    return guard([&] {
      const nlohmann::json tools = self(inst).list_tools(ctx);
      if (!tools.is_array()) throw internal("list_tools must return a JSON array");
      Writer(out).write(tools.dump());
    }, [&](std::string_view m) { ctx.set_error(m); });
  }
  static nexus_status on_call_tool(void* inst, const nexus_call_context* c, nexus_str name, nexus_str arguments_json,
                                   const nexus_writer* out) noexcept {
    CallContext ctx(c);
    return guard([&] {
      nlohmann::json args = nlohmann::json::object();
      if (arguments_json.size) {
        args = nlohmann::json::parse(view(arguments_json), nullptr, false);
        if (!args.is_object()) throw invalid_argument("tool arguments must be a JSON object");
      }
      const nlohmann::json r = self(inst).call_tool(ctx, view(name), args);
      if (!r.is_object() || !r.contains("content")) throw internal("call_tool must return a CallToolResult with \"content\"");
      Writer(out).write(r.dump());
    }, [&](std::string_view m) { ctx.set_error(m); });
  }
  static constexpr nexus_tools_v1 table{sizeof(nexus_tools_v1), &on_list_tools, &on_call_tool};
};

}  // namespace detail
}  // namespace nexus::sdk
