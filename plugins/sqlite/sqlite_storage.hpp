// SqliteStorage — a "nexus.storage/1" backend that keeps every object as one
// row of one SQLite database file (WAL mode). Writes are single transactions,
// so a reader, or a restart after a crash, sees the old object or the new
// one, never a mix; gets stream the body with incremental blob I/O.
#pragma once

#include <nexus/sdk/host.hpp>
#include <nexus/sdk/storage.hpp>

#include <memory>

#include "connection_pool.hpp"
#include "sqlite_config.hpp"

namespace nexus::plugins::sqlite {

class SqliteStorage : public sdk::Storage {
 public:
  explicit SqliteStorage(const sdk::InstanceArgs& args);

  sdk::ObjectInfo put(sdk::CallContext& ctx, std::string_view key, std::span<const std::uint8_t> body,
                      const sdk::PutOptions& options) override;
  void get(sdk::CallContext& ctx, std::string_view key, const std::optional<sdk::ByteRange>& range,
           sdk::GetSink& out) override;
  sdk::ObjectInfo head(sdk::CallContext& ctx, std::string_view key) override;
  void remove(sdk::CallContext& ctx, std::string_view key) override;
  sdk::ListPage list(sdk::CallContext& ctx, std::string_view prefix, std::string_view cursor,
                     std::uint32_t limit) override;
  void health() override;

 private:
  struct Row {
    std::int64_t id = 0;  // rowid, for blob I/O
    sdk::ObjectInfo info;
  };
  // The row of `key` read through `c`, or Error(NOT_FOUND).
  static Row find(Connection& c, std::string_view key);

  SqliteConfig config_;
  std::unique_ptr<ConnectionPool> pool_;
};

}  // namespace nexus::plugins::sqlite
