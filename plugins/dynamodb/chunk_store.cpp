#include "chunk_store.hpp"

#include <algorithm>

#include "attribute_values.hpp"

namespace nexus::plugins::dynamodb {

using nlohmann::json;

json ChunkStore::key_json(const ItemKey& k) const {
  return json{{config_.partition_key, attr::S(k.partition)}, {config_.sort_key, attr::S(k.sort)}};
}

std::uint64_t ChunkStore::write(sdk::CallContext& ctx, std::string_view key, std::string_view generation,
                                std::span<const std::uint8_t> body, std::size_t chunk_bytes) const {
  const std::uint64_t count = (body.size() + chunk_bytes - 1) / chunk_bytes;
  std::uint64_t written = 0;
  try {
    for (; written < count; ++written) {
      const std::size_t offset = static_cast<std::size_t>(written) * chunk_bytes;
      json item = key_json(layout_.chunk(key, generation, written));
      item["chunk_of"] = attr::S(key);
      item["data"] = attr::B(body.subspan(offset, std::min(chunk_bytes, body.size() - offset)));
      client_.call(&ctx, "PutItem", json{{"Item", std::move(item)}},
                   "PutItem chunk " + std::to_string(written + 1) + " of " + std::to_string(count) + " of '" +
                       std::string(key) + "'");
    }
  } catch (...) {
    remove(key, generation, written);
    throw;
  }
  return count;
}

std::optional<std::string> ChunkStore::read(sdk::CallContext& ctx, const StoredObject& o, std::uint64_t offset,
                                            std::uint64_t length) const {
  std::string out;
  out.reserve(static_cast<std::size_t>(length));
  if (length == 0) return out;
  const std::uint64_t first = offset / o.chunk_bytes;
  const std::uint64_t last = (offset + length - 1) / o.chunk_bytes;
  for (std::uint64_t i = first; i <= last; ++i) {
    const json answer = client_.call(
        &ctx, "GetItem", json{{"Key", key_json(layout_.chunk(o.info.key, o.generation, i))}, {"ConsistentRead", true}},
        "GetItem chunk " + std::to_string(i + 1) + " of '" + o.info.key + "'");
    if (!answer.contains("Item")) return std::nullopt;
    const auto data = attr::get_b(answer["Item"], "data");
    const std::uint64_t chunk_start = i * o.chunk_bytes;
    const std::uint64_t expected = std::min<std::uint64_t>(o.chunk_bytes, o.info.size - chunk_start);
    if (!data || data->size() != expected)
      throw sdk::internal("chunk " + std::to_string(i + 1) + " of '" + o.info.key + "' has " +
                          (data ? std::to_string(data->size()) : "no") + " bytes, expected " +
                          std::to_string(expected) + "; the table was changed by another program");
    const std::uint64_t from = std::max(offset, chunk_start) - chunk_start;
    const std::uint64_t to = std::min(offset + length, chunk_start + expected) - chunk_start;
    out.append(*data, static_cast<std::size_t>(from), static_cast<std::size_t>(to - from));
  }
  return out;
}

void ChunkStore::remove(std::string_view key, std::string_view generation, std::uint64_t count) const noexcept {
  try {
    for (std::uint64_t i = 0; i < count; ++i) {
      try {
        client_.call(nullptr, "DeleteItem", json{{"Key", key_json(layout_.chunk(key, generation, i))}},
                     "DeleteItem chunk " + std::to_string(i + 1) + " of '" + std::string(key) + "'");
      } catch (const std::exception& e) {
        host_.warn(
            "dynamodb: " + std::to_string(count - i) + " of " + std::to_string(count) + " chunk items of '" +
            std::string(key) + "' (generation " + std::string(generation) +
            ") could not be deleted; no object names them, so they are never read, but they take space. First error: " +
            e.what());
        return;
      }
    }
  } catch (...) {
    // Out of memory while composing a message: nothing better to do.
  }
}

}  // namespace nexus::plugins::dynamodb
