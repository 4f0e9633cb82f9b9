// mcp/prompts.cpp — prompts/list, prompts/get over every
// "nexus.prompts/1" instance, and completion/complete (prompts and
// resource templates). Scope: "mcp:read" (see handlers.hpp).
#include <nexus/prompts.h>
#include <nexus/resources.h>
#include <spdlog/spdlog.h>

#include "mcp/catalog.hpp"
#include "mcp/handlers.hpp"
#include "nexus/host/runtime.hpp"

namespace nexus::host::mcp {

using nlohmann::json;

namespace {

std::vector<CatalogEntry> prompt_catalog(const HandlerContext& ctx) {
  std::vector<std::pair<std::string, json>> per_instance;
  for (const auto& name : ctx.runtime.instances_providing(NEXUS_PROMPTS_V1)) {
    std::string text;
    const CallOutcome o = ctx.runtime.prompts(name).list_prompts(ctx.call_options(), &text);
    json prompts = o.ok() ? json::parse(text, nullptr, false) : json();
    if (!prompts.is_array()) {
      spdlog::warn("mcp: request {}: prompts instance '{}' could not list its prompts ({}); leaving it out",
                   ctx.exchange.caller.request_id, name, o.ok() ? "not a JSON array" : o.message);
      continue;
    }
    per_instance.emplace_back(name, std::move(prompts));
  }
  return build_catalog(per_instance);
}

json empty_completion() { return {{"completion", {{"values", json::array()}, {"total", 0}, {"hasMore", false}}}}; }

// The plugin's {"values", "total", "hasMore"} as MCP's CompleteResult.
json completion_from(const CallOutcome& o, const std::string& text) {
  if (o.status == NEXUS_UNIMPLEMENTED) return empty_completion();
  if (!o.ok()) throw rpc_error_for(o);
  json c = json::parse(text, nullptr, false);
  if (!c.is_object() || !c.contains("values") || !c["values"].is_array()) return empty_completion();
  if (c["values"].size() > 100) {
    c["values"].erase(c["values"].begin() + 100, c["values"].end());
    c["hasMore"] = true;
  }
  return {{"completion", std::move(c)}};
}

// Completion context: {"arguments": {...}} in the request; plugins get the
// arguments object as text.
std::string context_arguments(const json& params) {
  if (params.contains("context") && params["context"].is_object() && params["context"].contains("arguments") &&
      params["context"]["arguments"].is_object())
    return params["context"]["arguments"].dump();
  return "";
}

}  // namespace

json handle_prompts_list(const HandlerContext& ctx) {
  require_scope(ctx.exchange.caller, "mcp:read", "prompts/list");
  const auto catalog = prompt_catalog(ctx);
  const Page page = paginate(catalog.size(), ctx.params(), ctx.config.page_size);
  json prompts = json::array();
  for (std::size_t i = page.begin; i < page.end; ++i) prompts.push_back(catalog[i].item);
  json result = {{"prompts", std::move(prompts)}};
  if (page.next_cursor) result["nextCursor"] = *page.next_cursor;
  return result;
}

json handle_prompts_get(const HandlerContext& ctx) {
  require_scope(ctx.exchange.caller, "mcp:read", "prompts/get");
  const std::string name = ctx.required_string("name");
  const auto catalog = prompt_catalog(ctx);
  const auto it = std::find_if(catalog.begin(), catalog.end(), [&](const CatalogEntry& e) { return e.name == name; });
  if (it == catalog.end()) throw RpcError{kInvalidParams, "Unknown prompt: '" + name + "'; prompts/list shows the prompts offered"};
  const json& p = ctx.params();
  json arguments = json::object();
  if (p.contains("arguments") && !p["arguments"].is_null()) {
    if (!p["arguments"].is_object()) throw RpcError{kInvalidParams, "params.arguments must be an object of strings"};
    arguments = p["arguments"];
  }
  std::string text;
  const CallOutcome o = ctx.runtime.prompts(it->instance).get_prompt(ctx.call_options(), it->original, arguments.dump(), &text);
  if (o.status == NEXUS_NOT_FOUND) throw RpcError{kInvalidParams, "Unknown prompt: '" + name + "' (" + o.message + ")"};
  if (!o.ok()) throw rpc_error_for(o);
  json result = json::parse(text, nullptr, false);
  if (!result.is_object() || !result.contains("messages")) {
    throw RpcError{kInternalError, "prompt '" + name + "' returned a malformed GetPromptResult; this is a plugin bug"};
  }
  return result;
}

// ref/prompt -> the instance offering the prompt; ref/resource -> the
// instance whose resourceTemplates has that uriTemplate. Nothing matching:
// an empty completion (the spec allows it; clients just get no hints).
json handle_completion(const HandlerContext& ctx) {
  require_scope(ctx.exchange.caller, "mcp:read", "completion/complete");
  const json& p = ctx.params();
  if (!p.contains("ref") || !p["ref"].is_object() || !p["ref"].contains("type") || !p["ref"]["type"].is_string())
    throw RpcError{kInvalidParams, "params.ref must be {\"type\": \"ref/prompt\", \"name\": ...} or {\"type\": \"ref/resource\", \"uri\": ...}"};
  if (!p.contains("argument") || !p["argument"].is_object() || !p["argument"].contains("name") ||
      !p["argument"]["name"].is_string())
    throw RpcError{kInvalidParams, "params.argument must be {\"name\": ..., \"value\": ...}"};
  const std::string arg_name = p["argument"]["name"].get<std::string>();
  const std::string partial = p["argument"].value("value", std::string());
  const std::string context = context_arguments(p);
  const std::string type = p["ref"]["type"].get<std::string>();

  if (type == "ref/prompt") {
    const std::string name = p["ref"].value("name", std::string());
    for (const auto& e : prompt_catalog(ctx)) {
      if (e.name != name) continue;
      std::string text;
      return completion_from(
          ctx.runtime.prompts(e.instance).complete(ctx.call_options(), e.original, arg_name, partial, context, &text), text);
    }
    return empty_completion();
  }
  if (type == "ref/resource") {
    const std::string uri = p["ref"].value("uri", std::string());
    for (const auto& name : ctx.runtime.instances_providing(NEXUS_RESOURCES_V1)) {
      std::string listing_text;
      if (!ctx.runtime.resources(name).list_resources(ctx.call_options(), &listing_text).ok()) continue;
      const json listing = json::parse(listing_text, nullptr, false);
      if (!listing.is_object() || !listing.contains("resourceTemplates") || !listing["resourceTemplates"].is_array()) continue;
      for (const auto& t : listing["resourceTemplates"]) {
        if (!t.is_object() || t.value("uriTemplate", std::string()) != uri) continue;
        std::string text;
        return completion_from(
            ctx.runtime.resources(name).complete(ctx.call_options(), uri, arg_name, partial, context, &text), text);
      }
    }
    return empty_completion();
  }
  throw RpcError{kInvalidParams, "params.ref.type must be \"ref/prompt\" or \"ref/resource\", not '" + type + "'"};
}

}  // namespace nexus::host::mcp
