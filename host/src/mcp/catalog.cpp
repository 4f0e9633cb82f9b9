// mcp/catalog.cpp — see catalog.hpp.
#include "mcp/catalog.hpp"

#include <map>

#include "mcp/jsonrpc.hpp"

namespace nexus::host::mcp {

using nlohmann::json;

std::vector<CatalogEntry> build_catalog(const std::vector<std::pair<std::string, json>>& per_instance) {
  std::map<std::string, int> offered_by;
  for (const auto& [instance, items] : per_instance) {
    if (!items.is_array()) continue;
    for (const auto& item : items)
      if (item.is_object() && item.contains("name") && item["name"].is_string()) ++offered_by[item["name"].get<std::string>()];
  }
  std::vector<CatalogEntry> out;
  for (const auto& [instance, items] : per_instance) {
    if (!items.is_array()) continue;
    for (const auto& item : items) {
      if (!item.is_object() || !item.contains("name") || !item["name"].is_string()) continue;
      CatalogEntry e;
      e.instance = instance;
      e.original = item["name"].get<std::string>();
      e.name = offered_by[e.original] > 1 ? instance + "." + e.original : e.original;
      e.item = item;
      e.item["name"] = e.name;
      out.push_back(std::move(e));
    }
  }
  return out;
}

namespace {

// Cursors are "o1." + offset: opaque to clients (the spec forbids them to
// parse it), versioned so the format can change.
constexpr std::string_view kCursorPrefix = "o1.";

}  // namespace

Page paginate(std::size_t total, const json& params, std::size_t page_size) {
  std::size_t begin = 0;
  if (params.is_object() && params.contains("cursor") && !params["cursor"].is_null()) {
    const json& c = params["cursor"];
    const std::string text = c.is_string() ? c.get<std::string>() : std::string();
    bool ok = text.starts_with(kCursorPrefix) && text.size() > kCursorPrefix.size() && text.size() < 24;
    for (std::size_t i = kCursorPrefix.size(); ok && i < text.size(); ++i) ok = text[i] >= '0' && text[i] <= '9';
    if (ok) begin = std::stoull(text.substr(kCursorPrefix.size()));
    if (!ok || begin > total) {
      throw RpcError{kInvalidParams, "invalid cursor: pass a nextCursor from a previous page, or no cursor for the first page"};
    }
  }
  Page p;
  p.begin = begin;
  p.end = std::min(total, begin + page_size);
  if (p.end < total) p.next_cursor = std::string(kCursorPrefix) + std::to_string(p.end);
  return p;
}

}  // namespace nexus::host::mcp
