// mcp/tool_catalog.cpp — see tool_catalog.hpp.
#include "mcp/tool_catalog.hpp"

#include <nexus/tools.h>
#include <spdlog/spdlog.h>

#include "mcp/handlers.hpp"
#include "nexus/host/runtime.hpp"

namespace nexus::host::mcp {

using nlohmann::json;

namespace {

// Removes the host's "x-nexus-inline" key from the listed object and says
// whether it was true. Anything but a boolean is the plugin's mistake: the
// tool runs on a worker, as without the key.
bool take_inline_flag(CatalogEntry& entry) {
  const auto it = entry.item.find(kInlineToolKey);
  if (it == entry.item.end()) return false;
  const json value = std::move(*it);
  entry.item.erase(it);
  if (value.is_boolean()) return value.get<bool>();
  spdlog::warn("mcp: tool '{}' of instance '{}' has \"{}\": {}, which is not a boolean; it runs on a worker thread",
               entry.name, entry.instance, kInlineToolKey, value.dump());
  return false;
}

// Every instance's tools, collisions prefixed. An instance whose list fails
// is left out (and logged) rather than failing every client's call.
std::shared_ptr<ToolCatalog> build(const HandlerContext& ctx) {
  auto catalog = std::make_shared<ToolCatalog>();
  std::vector<std::pair<std::string, json>> per_instance;
  for (const auto& name : ctx.runtime.instances_providing(NEXUS_TOOLS_V1)) {
    std::string text;
    const CallOutcome o = ctx.runtime.tools(name).list_tools(ctx.call_options(), &text);
    json tools = o.ok() ? json::parse(text, nullptr, false) : json();
    if (!tools.is_array()) {
      spdlog::warn("mcp: request {}: tools instance '{}' could not list its tools ({}); leaving it out",
                   ctx.exchange.caller.request_id, name, o.ok() ? "not a JSON array" : o.message);
      catalog->complete = false;
      continue;
    }
    per_instance.emplace_back(name, std::move(tools));
  }
  for (auto& entry : build_catalog(per_instance)) {
    Tool t;
    t.runs_inline = take_inline_flag(entry);
    const json& item = entry.item;
    if (item.contains("inputSchema")) t.input = ToolSchema(item["inputSchema"]);
    if (item.contains("outputSchema") && item["outputSchema"].is_object()) t.output = ToolSchema(item["outputSchema"]);
    t.entry = std::move(entry);
    catalog->tools.push_back(std::move(t));
  }
  // After the vector is final: the index points into it.
  for (const Tool& t : catalog->tools) catalog->by_name.emplace(t.entry.name, &t);
  return catalog;
}

}  // namespace

std::shared_ptr<const ToolCatalog> ToolCatalogCache::get(const HandlerContext& ctx) {
  const std::shared_ptr<const Config> snapshot = ctx.runtime.config();
  {
    std::lock_guard lock(mutex_);
    if (catalog_ && snapshot_.lock() == snapshot) return catalog_;
  }
  // Built outside the lock: listing calls plugins. Two threads may both
  // build after a reload; either result is the same catalog.
  auto built = build(ctx);
  if (built->complete) {
    std::lock_guard lock(mutex_);
    snapshot_ = snapshot;
    catalog_ = built;
  }
  return built;
}

}  // namespace nexus::host::mcp
