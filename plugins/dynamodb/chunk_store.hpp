// chunk_store — the bytes of objects too large for one item, as chunk
// items of one generation (key_layout.hpp). Chunks are written before the
// object's item that names their generation and deleted after that item
// stops naming it, so a reader that found an item finds all its chunks —
// unless a newer write replaced the item in between, which read() reports
// so the caller can start over on the new item.
#pragma once

#include <nexus/sdk/context.hpp>
#include <nexus/sdk/host.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ddb_client.hpp"
#include "key_layout.hpp"
#include "object_item.hpp"

namespace nexus::plugins::dynamodb {

// [any-thread]
class ChunkStore {
 public:
  ChunkStore(const DdbClient& client, const KeyLayout& layout, const DdbConfig& config, const sdk::Host& host) noexcept
      : client_(client), layout_(layout), config_(config), host_(host) {}

  // Writes `body` as chunks of `chunk_bytes` under `generation`; returns
  // their count. On failure deletes the chunks it wrote and rethrows.
  std::uint64_t write(sdk::CallContext& ctx, std::string_view key, std::string_view generation,
                      std::span<const std::uint8_t> body, std::size_t chunk_bytes) const;

  // Bytes [offset, offset + length) of `object`'s chunks, or nullopt when a
  // chunk is gone: the object was replaced or deleted since its item was read.
  std::optional<std::string> read(sdk::CallContext& ctx, const StoredObject& object, std::uint64_t offset,
                                  std::uint64_t length) const;

  // Deletes chunks [0, count) of `generation`. Best effort: the object's
  // item no longer names them, so a failure only leaves unreachable items
  // behind; it is logged, never thrown. Runs without the call's context so
  // a cancelled caller's garbage is still removed, and stops at the first
  // failure (the rest would fail the same way).
  void remove(std::string_view key, std::string_view generation, std::uint64_t count) const noexcept;

 private:
  nlohmann::json key_json(const ItemKey& k) const;

  const DdbClient& client_;
  const KeyLayout& layout_;
  const DdbConfig& config_;
  const sdk::Host& host_;
};

}  // namespace nexus::plugins::dynamodb
