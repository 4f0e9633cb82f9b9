// mcp/catalog.hpp — named things (tools, prompts) gathered from every
// instance that offers them, with collisions made unique, and the opaque
// cursors that page through them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace nexus::host::mcp {

struct CatalogEntry {
  std::string name;      // as listed to clients
  std::string instance;  // the instance that offers it
  std::string original;  // the name the instance knows it by
  nlohmann::json item;   // the instance's object, "name" replaced by `name`
};

// `per_instance`: (instance, JSON array of objects with a "name"), sorted by
// instance. A name offered by more than one instance becomes
// "<instance>.<name>" for every one of them, so the result does not depend
// on load order; other names stay as they are. Items without a string name
// are skipped.
std::vector<CatalogEntry> build_catalog(const std::vector<std::pair<std::string, nlohmann::json>>& per_instance);

struct Page {
  std::size_t begin = 0, end = 0;
  std::optional<std::string> next_cursor;
};

// The page of `total` items that `params.cursor` asks for. Throws RpcError
// (-32602) for a cursor this host did not issue.
Page paginate(std::size_t total, const nlohmann::json& params, std::size_t page_size);

}  // namespace nexus::host::mcp
