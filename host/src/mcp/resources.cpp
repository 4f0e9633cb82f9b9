// mcp/resources.cpp — resources/list, resources/templates/list,
// resources/read and (un)subscribe over every "nexus.resources/1"
// instance. Scope: "mcp:read" (see handlers.hpp).
#include <nexus/resources.h>
#include <spdlog/spdlog.h>

#include "mcp/catalog.hpp"
#include "mcp/handlers.hpp"
#include "nexus/host/runtime.hpp"

namespace nexus::host::mcp {

using nlohmann::json;

namespace {

// (instance, its listing object), sorted by instance; failing instances
// are logged and left out.
std::vector<std::pair<std::string, json>> listings(const HandlerContext& ctx) {
  std::vector<std::pair<std::string, json>> out;
  for (const auto& name : ctx.runtime.instances_providing(NEXUS_RESOURCES_V1)) {
    std::string text;
    const CallOutcome o = ctx.runtime.resources(name).list_resources(ctx.call_options(), &text);
    json listing = o.ok() ? json::parse(text, nullptr, false) : json();
    if (!listing.is_object()) {
      spdlog::warn("mcp: request {}: resources instance '{}' could not list its resources ({}); leaving it out",
                   ctx.exchange.caller.request_id, name, o.ok() ? "not a JSON object" : o.message);
      continue;
    }
    out.emplace_back(name, std::move(listing));
  }
  return out;
}

json paged(const HandlerContext& ctx, const char* key) {
  require_scope(ctx.exchange.caller, "mcp:read", std::string(key) == "resources" ? "resources/list" : "resources/templates/list");
  json all = json::array();
  for (auto& [instance, listing] : listings(ctx)) {
    if (listing.contains(key) && listing[key].is_array())
      for (auto& r : listing[key]) all.push_back(r);
  }
  const Page page = paginate(all.size(), ctx.params(), ctx.config.page_size);
  json items = json::array();
  for (std::size_t i = page.begin; i < page.end; ++i) items.push_back(all[i]);
  json result = {{key, std::move(items)}};
  if (page.next_cursor) result["nextCursor"] = *page.next_cursor;
  return result;
}

}  // namespace

json handle_resources_list(const HandlerContext& ctx) { return paged(ctx, "resources"); }

json handle_resource_templates_list(const HandlerContext& ctx) { return paged(ctx, "resourceTemplates"); }

// The first instance (by name) that does not answer NOT_FOUND serves the
// read: URIs carry their own scheme, so instances rarely overlap.
json handle_resources_read(const HandlerContext& ctx) {
  require_scope(ctx.exchange.caller, "mcp:read", "resources/read");
  const std::string uri = ctx.required_string("uri");
  for (const auto& name : ctx.runtime.instances_providing(NEXUS_RESOURCES_V1)) {
    std::string text;
    const CallOutcome o = ctx.runtime.resources(name).read_resource(ctx.call_options(), uri, &text);
    if (o.status == NEXUS_NOT_FOUND) continue;
    if (!o.ok()) throw rpc_error_for(o);
    json result = json::parse(text, nullptr, false);
    if (!result.is_object() || !result.contains("contents")) {
      throw RpcError{kInternalError, "resources instance '" + name + "' returned a malformed ReadResourceResult for '" + uri + "'"};
    }
    return result;
  }
  throw RpcError{kResourceNotFound, "Resource not found: '" + uri + "'; resources/list and resources/templates/list show what exists"};
}

// Bookkeeping only: the transport sends notifications/resources/updated
// for subscribed URIs when an instance reports a change.
json handle_resources_subscribe(const HandlerContext& ctx, bool subscribe) {
  require_scope(ctx.exchange.caller, "mcp:read", subscribe ? "resources/subscribe" : "resources/unsubscribe");
  const std::string uri = ctx.required_string("uri");
  if (subscribe)
    ctx.exchange.session.subscribe(uri);
  else
    ctx.exchange.session.unsubscribe(uri);
  return json::object();
}

}  // namespace nexus::host::mcp
