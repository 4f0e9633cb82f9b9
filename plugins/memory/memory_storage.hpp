// MemoryStorage — a "nexus.storage/1" backend that keeps objects in a map.
// For tests and small caches: nothing survives the instance.
#pragma once

#include <nexus/sdk/storage.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

namespace nexus::plugins::memory {

class MemoryStorage : public sdk::Storage {
 public:
  explicit MemoryStorage(const sdk::InstanceArgs& args);

  sdk::ObjectInfo put(sdk::CallContext& ctx, std::string_view key, std::span<const std::uint8_t> body,
                      const sdk::PutOptions& options) override;
  void get(sdk::CallContext& ctx, std::string_view key, const std::optional<sdk::ByteRange>& range, sdk::GetSink& out) override;
  sdk::ObjectInfo head(sdk::CallContext& ctx, std::string_view key) override;
  void remove(sdk::CallContext& ctx, std::string_view key) override;
  sdk::ListPage list(sdk::CallContext& ctx, std::string_view prefix, std::string_view cursor, std::uint32_t limit) override;

 private:
  // One stored version. The body is shared and immutable so a get can keep
  // streaming it after the lock is released while a put replaces the entry.
  struct Entry {
    std::shared_ptr<const std::vector<std::uint8_t>> body;
    sdk::ObjectInfo info;  // key, size, content type, etag, last_modified, metadata
  };

  const Entry& find_locked(std::string_view key) const;

  std::uint64_t max_bytes_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, Entry, std::less<>> objects_;  // guarded by mutex_
  std::uint64_t total_bytes_ = 0;                      // guarded by mutex_
  std::uint64_t generation_ = 0;                       // guarded by mutex_; makes every etag new
};

}  // namespace nexus::plugins::memory
