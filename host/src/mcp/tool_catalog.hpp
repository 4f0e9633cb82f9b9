// mcp/tool_catalog.hpp — the tools of every "nexus.tools/1" instance, with
// their schemas compiled, built once per runtime snapshot instead of once
// per tools/call.
//
// Why it may be kept: tools.h says a tool list "may depend on the
// instance's config but must not change while the instance lives", and a
// runtime snapshot (one config, one set of instances) only changes as a
// whole, by a reload. The snapshot's Config object identifies it.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mcp/catalog.hpp"
#include "mcp/schema_check.hpp"

namespace nexus::host {
struct Config;
}

namespace nexus::host::mcp {

struct HandlerContext;

struct Tool {
  CatalogEntry entry;  // name as listed, instance, original name, the Tool object
  ToolSchema input;    // inputSchema (checks nothing when absent)
  ToolSchema output;   // outputSchema, when it is an object
  // The plugin declared "x-nexus-inline": true (tools.h): the call may run
  // on the thread that read the request. The key is not in entry.item.
  bool runs_inline = false;
};

// The host's key in a plugin's Tool object (tools.h); removed before the
// object is listed to clients.
inline constexpr const char* kInlineToolKey = "x-nexus-inline";

struct ToolCatalog {
  ToolCatalog() = default;
  ToolCatalog(const ToolCatalog&) = delete;  // by_name points into tools
  ToolCatalog& operator=(const ToolCatalog&) = delete;

  std::vector<Tool> tools;  // in listing order
  std::unordered_map<std::string_view, const Tool*> by_name;
  // Every instance listed its tools; a catalog missing one is not kept.
  bool complete = true;

  const Tool* find(std::string_view name) const {
    const auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second;
  }
};

class ToolCatalogCache {
 public:
  // The catalog of the runtime snapshot this thread reads (a request pins
  // one). Built on first use and after each reload; an incomplete one (an
  // instance could not list its tools) serves this call only, so the next
  // call asks the instance again. [any-thread]
  std::shared_ptr<const ToolCatalog> get(const HandlerContext& ctx);

 private:
  std::mutex mutex_;
  std::weak_ptr<const Config> snapshot_;  // whose catalog catalog_ is
  std::shared_ptr<const ToolCatalog> catalog_;
};

}  // namespace nexus::host::mcp
