// mcp/tools.cpp — tools/list and tools/call over every "nexus.tools/1"
// instance.
#include <nexus/tools.h>
#include <spdlog/spdlog.h>

#include "mcp/catalog.hpp"
#include "mcp/handlers.hpp"
#include "mcp/tool_catalog.hpp"
#include "nexus/host/runtime.hpp"

namespace nexus::host::mcp {

using nlohmann::json;

namespace {

json error_result(const std::string& text) {
  return {{"content", json::array({{{"type", "text"}, {"text", text}}})}, {"isError", true}};
}

// CallOptions for one tools/call: progress only when the client asked for
// it (sent a progressToken), logs filtered by the session's level, and
// server-to-client requests through the sink.
CallOptions tool_call_options(const HandlerContext& ctx, const std::string& instance) {
  CallOptions o = ctx.call_options();
  Exchange& ex = ctx.exchange;
  const json& p = ctx.params();
  if (p.contains("_meta") && p["_meta"].is_object() && p["_meta"].contains("progressToken")) {
    const json token = p["_meta"]["progressToken"];
    if (token.is_string() || token.is_number_integer()) {
      o.on_progress = [&ex, token](double done, double total, const std::string& message) {
        json params = {{"progressToken", token}, {"progress", done}};
        if (total > 0) params["total"] = total;
        if (!message.empty()) params["message"] = message;
        ex.sink.notify(make_notification("notifications/progress", std::move(params)));
      };
    }
  }
  o.on_log = [&ex, instance](nexus_log_level level, const std::string& message) {
    const std::string mcp_level = mcp_level_for(level);
    if (log_level_rank(mcp_level) < log_level_rank(ex.session.log_level())) return;
    ex.sink.notify(make_notification("notifications/message",
                                     {{"level", mcp_level}, {"logger", instance}, {"data", message}}));
  };
  o.client_request = [&ex](const std::string& method, const std::string& params_json, std::string& result_json) {
    const json caps = ex.session.client_capabilities();
    const std::string needed = method == "sampling/createMessage" ? "sampling"
                               : method == "elicitation/create"   ? "elicitation"
                                                                  : "";
    // Known capabilities without the one this method needs: the client said
    // it cannot answer. (Unknown capabilities — a session resumed on
    // another replica — are given the benefit of the doubt.)
    if (caps.is_object() && !needed.empty() && !caps.contains(needed)) {
      result_json = "the client did not declare the '" + needed + "' capability, so it cannot answer " + method;
      return NEXUS_UNIMPLEMENTED;
    }
    json params = json::parse(params_json, nullptr, false);
    if (!params.is_object()) {
      result_json = "params of " + method + " must be a JSON object";
      return NEXUS_INVALID_ARGUMENT;
    }
    json result;
    std::string error;
    const nexus_status s = ex.sink.client_request(method, params, result, error);
    result_json = s == NEXUS_OK ? result.dump() : error;
    return s;
  };
  return o;
}

}  // namespace

json handle_tools_list(const HandlerContext& ctx) {
  const auto catalog = ctx.tool_catalogs.get(ctx);
  std::vector<const CatalogEntry*> visible;
  for (const Tool& t : catalog->tools)
    if (caller_may(ctx.exchange.caller, "tools:" + t.entry.name)) visible.push_back(&t.entry);
  const Page page = paginate(visible.size(), ctx.params(), ctx.config.page_size);
  json tools = json::array();
  for (std::size_t i = page.begin; i < page.end; ++i) tools.push_back(visible[i]->item);
  json result = {{"tools", std::move(tools)}};
  if (page.next_cursor) result["nextCursor"] = *page.next_cursor;
  return result;
}

json handle_tools_call(const HandlerContext& ctx) {
  const std::string name = ctx.required_string("name");
  const auto catalog = ctx.tool_catalogs.get(ctx);
  const Tool* tool = catalog->find(name);
  if (!tool) throw RpcError{kInvalidParams, "Unknown tool: '" + name + "'; tools/list shows the tools offered"};
  require_scope(ctx.exchange.caller, "tools:" + name, "tool '" + name + "'");

  static const json kNoArguments = json::object();
  const json& p = ctx.params();
  const json* found = &kNoArguments;  // borrowed from params, not copied
  if (const auto a = p.find("arguments"); a != p.end() && !a->is_null()) {
    if (!a->is_object()) throw RpcError{kInvalidParams, "params.arguments must be a JSON object"};
    found = &*a;
  }
  const json& arguments = *found;
  if (auto problem = tool->input.violation(arguments)) {
    return error_result("Invalid arguments for tool '" + name + "': " + *problem + " (see the tool's inputSchema)");
  }
  const CatalogEntry& entry = tool->entry;

  std::string text;
  const CallOutcome o =
      ctx.runtime.tools(entry.instance).call_tool(tool_call_options(ctx, entry.instance), entry.original, arguments.dump(), &text);
  if (!o.ok()) {
    if (o.status == NEXUS_NOT_FOUND) throw RpcError{kInvalidParams, "Unknown tool: '" + name + "' (" + o.message + ")"};
    if (o.status == NEXUS_INVALID_ARGUMENT) throw RpcError{kInvalidParams, o.message};
    return error_result("tool '" + name + "' failed (" + nexus_status_name(o.status) + "): " + o.message);
  }
  json result = json::parse(text, nullptr, false);
  if (!result.is_object() || !result.contains("content") || !result["content"].is_array()) {
    throw RpcError{kInternalError, "tool '" + name + "' of instance '" + entry.instance +
                                       "' returned something other than a CallToolResult; this is a plugin bug"};
  }
  const bool is_error = result.value("isError", false);
  if (!is_error && entry.item.contains("outputSchema") && entry.item["outputSchema"].is_object()) {
    if (!result.contains("structuredContent")) {
      throw RpcError{kInternalError, "tool '" + name + "' declares an outputSchema but returned no structuredContent; this is a plugin bug"};
    }
    if (auto problem = tool->output.violation(result["structuredContent"])) {
      throw RpcError{kInternalError, "tool '" + name + "' returned structuredContent that violates its outputSchema: " + *problem};
    }
  }
  return result;
}

}  // namespace nexus::host::mcp
