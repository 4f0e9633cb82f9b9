// Finds the keys of one list page by walking the data tree.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nexus/sdk/context.hpp>

namespace nexus::plugins::fs {

// The smallest `keep` keys below `root`, in byte-wise order, that start with
// `prefix` and sort strictly after `after` (empty: no lower bound). Skips
// the backend's own ".nexus-*" entries and symbolic links; holds at most
// `keep` keys in memory whatever the tree's size. Polls `ctx` for
// cancellation.
std::vector<std::string> collect_keys(int root, std::string_view prefix, std::string_view after, std::size_t keep,
                                      const sdk::CallContext& ctx);

}  // namespace nexus::plugins::fs
