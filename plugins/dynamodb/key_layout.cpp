#include "key_layout.hpp"

#include <cstdio>

namespace nexus::plugins::dynamodb {
namespace {

constexpr std::string_view kChunkPartitionSuffix = "//chunks";

// Position of the n-th '/' (1-based) in `s`, or npos.
std::size_t nth_slash(std::string_view s, int n) {
  std::size_t pos = std::string_view::npos;
  for (std::size_t i = 0; i < s.size() && n > 0; ++i)
    if (s[i] == '/' && --n == 0) pos = i;
  return n == 0 ? pos : std::string_view::npos;
}

}  // namespace

std::string KeyLayout::partition_of(std::string_view key) const {
  if (config_.key_rule == KeyRule::single) return config_.partition_value;
  const std::size_t cut = nth_slash(key, config_.partition_depth);
  return config_.partition_prefix + std::string(key.substr(0, cut));  // npos: the whole key
}

ItemKey KeyLayout::object(std::string_view key) const {
  return {partition_of(key), std::string(key)};
}

ItemKey KeyLayout::chunk(std::string_view key, std::string_view generation, std::size_t index) const {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%06zu", index);
  return {partition_of(key) + std::string(kChunkPartitionSuffix), std::string(generation) + "/" + digits};
}

std::optional<ListQuery> KeyLayout::list_query(std::string_view prefix) const {
  if (config_.key_rule == KeyRule::single) return ListQuery{config_.partition_value, std::string(prefix)};
  // Every key starting with `prefix` shares its partition only when the
  // prefix already holds the partition's segments and the '/' after them.
  const std::size_t cut = nth_slash(prefix, config_.partition_depth);
  if (cut == std::string_view::npos) return std::nullopt;
  return ListQuery{config_.partition_prefix + std::string(prefix.substr(0, cut)), std::string(prefix)};
}

std::string KeyLayout::listable_prefixes() const {
  if (config_.key_rule == KeyRule::single) return "every prefix (key_rule \"single\")";
  const int d = config_.partition_depth;
  std::string example;
  for (int i = 0; i < d; ++i) example += (i ? "/" : "") + std::string(i == 0 ? "recordings" : "2026");
  return "prefixes that contain the first " + std::to_string(d) + " key segment" + (d == 1 ? "" : "s") +
         " and the '/' after " + (d == 1 ? "it" : "them") + ", like '" + example +
         "/' (key_rule \"prefix\", partition_depth " + std::to_string(d) + ")";
}

}  // namespace nexus::plugins::dynamodb
