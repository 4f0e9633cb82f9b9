// key_layout — where an object lives in the table: its item's partition
// key and sort key, where its chunks live, and which Query lists a prefix.
//
//   object item:  partition = partition(key), sort = the whole key
//   chunk items:  partition = partition(key) + "//chunks",
//                 sort = "<generation>/<index, 6 digits>"
//
// partition(key) is, by key_rule:
//   "prefix": partition_prefix + the first partition_depth segments of the
//             key (all of them when it has fewer);
//   "single": partition_value, for every key.
//
// The sort key being the whole key keeps a partition's items in the byte
// order storage.h promises for listings, so a listing is one Query with
// begins_with(sort, prefix). Chunks live in partitions no object can have
// (object partitions never contain "//": keys have no empty segment and the
// config refuses "//" in partition_prefix/partition_value), so listings,
// which only read object partitions, never meet a chunk.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "ddb_config.hpp"

namespace nexus::plugins::dynamodb {

struct ItemKey {
  std::string partition;
  std::string sort;
};

// One Query that lists a prefix: the partition, and the sort-key prefix
// (empty: the whole partition).
struct ListQuery {
  std::string partition;
  std::string sort_prefix;
};

class KeyLayout {
 public:
  explicit KeyLayout(const DdbConfig& config) : config_(config) {}

  ItemKey object(std::string_view key) const;
  // The item holding chunk `index` (0-based) of generation `generation` of `key`.
  ItemKey chunk(std::string_view key, std::string_view generation, std::size_t index) const;

  // The Query that lists every key starting with `prefix`, or nullopt when
  // those keys can lie in more than one partition (then only a Scan could
  // list them, which this plugin refuses: see docs/storage.md).
  std::optional<ListQuery> list_query(std::string_view prefix) const;
  // For messages: which prefixes can be listed, in plain words.
  std::string listable_prefixes() const;

 private:
  std::string partition_of(std::string_view key) const;
  const DdbConfig& config_;
};

}  // namespace nexus::plugins::dynamodb
