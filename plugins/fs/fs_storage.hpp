// FsStorage — a "nexus.storage/1" backend that keeps each object as a file
// root/<key>, with its content type and metadata in a sidecar under
// root/.nexus-meta/. Writes are temp file + fsync + rename, so a reader (or
// a restart after a crash) sees the old object or the new one, never a mix.
#pragma once

#include <nexus/sdk/storage.hpp>

#include <array>
#include <optional>
#include <shared_mutex>
#include <string>

#include "fd.hpp"
#include "fs_meta.hpp"
#include "fs_tree.hpp"

namespace nexus::plugins::fs {

class FsStorage : public sdk::Storage {
 public:
  explicit FsStorage(const sdk::InstanceArgs& args);

  sdk::ObjectInfo put(sdk::CallContext& ctx, std::string_view key, std::span<const std::uint8_t> body,
                      const sdk::PutOptions& options) override;
  void get(sdk::CallContext& ctx, std::string_view key, const std::optional<sdk::ByteRange>& range, sdk::GetSink& out) override;
  sdk::ObjectInfo head(sdk::CallContext& ctx, std::string_view key) override;
  std::optional<sdk::FileObject> open_as_file(sdk::CallContext& ctx, std::string_view key) override;
  void remove(sdk::CallContext& ctx, std::string_view key) override;
  sdk::ListPage list(sdk::CallContext& ctx, std::string_view prefix, std::string_view cursor, std::uint32_t limit) override;
  void health() override;

 private:
  struct OpenObject {
    Fd fd;
    sdk::ObjectInfo info;
  };
  // Opens the object's file and reads its info (sidecar included) under the
  // key's shared lock, so an in-process put cannot slip between the two.
  OpenObject open_object(const KeyPath& path) const;
  // Content type and metadata of the sidecar, if it describes `st`.
  std::optional<Sidecar> read_sidecar(const KeyPath& path, const struct stat& st) const;
  void fill_from_sidecar(sdk::ObjectInfo& info, const KeyPath& path, const struct stat& st) const;
  std::vector<std::string> meta_dirs(const KeyPath& path) const;
  void sync_dir(int fd, std::string_view key) const;
  // Writers of one key take it exclusively; readers share it. Striped: two
  // keys may share a stripe, which only costs a little parallelism.
  std::shared_mutex& stripe(std::string_view key) const noexcept;

  Fd root_;
  bool fsync_ = true;
  mutable std::array<std::shared_mutex, 64> stripes_;
};

}  // namespace nexus::plugins::fs
