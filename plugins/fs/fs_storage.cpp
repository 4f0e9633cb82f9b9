// FsStorage: the five storage operations over the path layer (fs_tree),
// the sidecar format (fs_meta) and the directory walk (fs_list).
//
// The order of a put is what makes it crash-consistent:
//   1. body → temp file in the target's directory, fsync, fstat (the inode,
//      size and mtime it will keep after the rename);
//   2. sidecar recording that fingerprint → temp file, fsync;
//   3. rename the data into place, fsync the directory;
//   4. rename the sidecar into place, fsync its directory.
// Killed before 3: the old object is untouched, only temp files remain
// (swept at the next start). Killed between 3 and 4: the new data is whole
// and the old sidecar no longer matches it, so readers ignore it.
#include "fs_storage.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include <nexus/sdk/storage_util.hpp>

#include "fs_config.hpp"
#include "fs_errors.hpp"
#include "fs_list.hpp"

namespace nexus::plugins::fs {
namespace {

// Bodies leave in chunks of at most 128 KiB: a buffer that size stays in
// malloc's heap (a 1 MiB one was above its mmap threshold, so every GET got
// fresh zeroed pages from the kernel and unmapped them again), and the
// host copies each chunk on as it arrives anyway.
constexpr std::size_t kChunkBytes = 128 << 10;
constexpr std::size_t kMaxSidecarBytes = 64 * 1024;  // metadata is capped at 8 KiB; anything far larger is not ours
constexpr auto kStaleTempAge = std::chrono::hours(1);  // younger temp files may belong to a live writer in another process
constexpr int kWalkRetries = 16;

Fd open_root(const FsConfig& c) {
  if (c.create) {
    std::error_code ec;
    std::filesystem::create_directories(c.root, ec);
    if (ec) throw sdk::invalid_argument("config.root: cannot create '" + c.root + "': " + ec.message());
  }
  Fd fd(::open(c.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) {
    const int err = errno;
    if (err == ENOENT)
      throw sdk::invalid_argument("config.root: '" + c.root + "' does not exist; create it or set config.create to true");
    if (err == ENOTDIR) throw sdk::invalid_argument("config.root: '" + c.root + "' is not a directory");
    throw sdk::invalid_argument("config.root: cannot open '" + c.root + "': " + std::strerror(err));
  }
  return fd;
}

std::string read_small_file(int fd, std::size_t max) {
  std::string text;
  char buf[4096];
  while (text.size() <= max) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

// Makes a create-only write atomic: the rename fails if the target exists.
// Falls back to link(), which also refuses to replace, on file systems
// without RENAME_NOREPLACE.
void rename_noreplace(int dir, const TempFile& tmp, const std::string& name, std::string_view key) {
  if (::renameat2(dir, tmp.name().c_str(), dir, name.c_str(), RENAME_NOREPLACE) == 0) return;
  int err = errno;
  if (err == EINVAL || err == ENOSYS) {
    if (::linkat(dir, tmp.name().c_str(), dir, name.c_str(), 0) == 0) return;  // the temp name is removed by ~TempFile
    err = errno;
  }
  if (err == EEXIST) throw sdk::already_exists("object '" + std::string(key) + "' already exists (if_absent was set)");
  throw errno_error(err, "storing", key);
}

void check_target(const std::optional<struct stat>& st, std::string_view key) {
  if (!st || S_ISREG(st->st_mode)) return;
  if (S_ISDIR(st->st_mode))
    throw sdk::failed_precondition("key '" + std::string(key) + "' is a directory holding other objects ('" + std::string(key) +
                                   "/...'); an object cannot have the same key as a directory, choose another key");
  if (S_ISLNK(st->st_mode))
    throw sdk::invalid_argument("key '" + std::string(key) + "' is a symbolic link inside the root; the fs backend does not follow links");
  throw sdk::failed_precondition("key '" + std::string(key) + "' is a special file, not an object; remove it from the root");
}

}  // namespace

FsStorage::FsStorage(const sdk::InstanceArgs& args) {
  const FsConfig c = read_config(args.config);
  root_ = open_root(c);
  fsync_ = c.fsync;
  const std::size_t swept = sweep_temp_files(root_.get(), kStaleTempAge);
  if (swept > 0) args.host.info("fs: removed " + std::to_string(swept) + " stale temp file(s) left by an interrupted write");
}

std::shared_mutex& FsStorage::stripe(std::string_view key) const noexcept {
  return stripes_[std::hash<std::string_view>{}(key) % stripes_.size()];
}

std::vector<std::string> FsStorage::meta_dirs(const KeyPath& path) const {
  std::vector<std::string> dirs{std::string(kMetaDir)};
  dirs.insert(dirs.end(), path.dirs.begin(), path.dirs.end());
  return dirs;
}

void FsStorage::sync_dir(int fd, std::string_view key) const {
  // EINVAL: the file system cannot sync directories; nothing more to do.
  if (fsync_ && ::fsync(fd) != 0 && errno != EINVAL) throw errno_error(errno, "flushing the directory of", key);
}

std::optional<Sidecar> FsStorage::read_sidecar(const KeyPath& path, const struct stat& st) const {
  try {
    const auto chain = open_dirs(root_.get(), meta_dirs(path), false, path.key);
    if (!chain) return std::nullopt;
    const auto fd = open_file(chain->parent(), sidecar_name(path.name), path.key);
    if (!fd) return std::nullopt;
    auto sidecar = decode_sidecar(read_small_file(fd->get(), kMaxSidecarBytes));
    // A sidecar written for another version of the data (a crash between
    // the two renames, or a file replaced by hand) says nothing about this one.
    if (!sidecar || !(sidecar->data == fingerprint_of(st))) return std::nullopt;
    return sidecar;
  } catch (...) {
    return std::nullopt;  // the data is the object; a broken sidecar only loses the content type
  }
}

void FsStorage::fill_from_sidecar(sdk::ObjectInfo& info, const KeyPath& path, const struct stat& st) const {
  if (auto sidecar = read_sidecar(path, st)) {
    info.content_type = std::move(sidecar->content_type);
    info.metadata = std::move(sidecar->metadata);
  }
}

FsStorage::OpenObject FsStorage::open_object(const KeyPath& path) const {
  const auto missing = [&] { return sdk::not_found("no object with key '" + path.key + "'"); };
  std::shared_lock lock(stripe(path.key));
  std::optional<DirChain> chain;
  try {
    chain = open_dirs(root_.get(), path.dirs, false, path.key);
  } catch (const sdk::Error& e) {
    if (e.status() == NEXUS_FAILED_PRECONDITION) throw missing();  // a parent segment is an object: no such key
    throw;
  }
  if (!chain) throw missing();
  auto fd = open_file(chain->parent(), path.name, path.key);
  if (!fd) throw missing();
  struct stat st{};
  if (::fstat(fd->get(), &st) != 0) throw errno_error(errno, "inspecting", path.key);
  if (!S_ISREG(st.st_mode)) throw missing();  // a directory of other keys, not an object
  OpenObject o{std::move(*fd), info_from_stat(path.key, st)};
  fill_from_sidecar(o.info, path, st);
  return o;
}

sdk::ObjectInfo FsStorage::put(sdk::CallContext& ctx, std::string_view key, std::span<const std::uint8_t> body,
                               const sdk::PutOptions& options) {
  const KeyPath path = split_key(key);
  for (int attempt = 0;; ++attempt) {
    try {
      ctx.check();
      auto data_dir = open_dirs(root_.get(), path.dirs, true, key);
      TempFile data_tmp(data_dir->parent(), key);
      write_all(data_tmp.fd(), body.data(), body.size(), key);
      if (fsync_ && ::fsync(data_tmp.fd()) != 0) throw errno_error(errno, "flushing", key);
      struct stat st{};
      if (::fstat(data_tmp.fd(), &st) != 0) throw errno_error(errno, "inspecting", key);

      // The fingerprint is known now: rename keeps the inode, size and mtime.
      const Sidecar sidecar{fingerprint_of(st), options.content_type.empty() ? "application/octet-stream" : options.content_type,
                            options.metadata};
      auto meta_dir = open_dirs(root_.get(), meta_dirs(path), true, key);
      TempFile meta_tmp(meta_dir->parent(), key);
      const std::string meta_text = encode_sidecar(sidecar);
      write_all(meta_tmp.fd(), meta_text.data(), meta_text.size(), key);
      if (fsync_ && ::fsync(meta_tmp.fd()) != 0) throw errno_error(errno, "flushing the metadata of", key);

      std::unique_lock lock(stripe(key));
      const auto existing = stat_entry(data_dir->parent(), path.name, key);
      check_target(existing, key);
      if (options.if_absent && existing) throw sdk::already_exists("object '" + std::string(key) + "' already exists (if_absent was set)");
      if (!options.if_match.empty()) {
        if (!existing)
          throw sdk::failed_precondition("object '" + std::string(key) + "' does not exist, so if_match '" + options.if_match +
                                         "' cannot match");
        const std::string current = info_from_stat(key, *existing).etag;
        if (current != options.if_match)
          throw sdk::failed_precondition("object '" + std::string(key) + "' has etag '" + current + "', not the if_match '" +
                                         options.if_match + "'; read it again and retry");
      }
      if (options.if_absent) {
        rename_noreplace(data_dir->parent(), data_tmp, path.name, key);
      } else {
        if (::renameat(data_dir->parent(), data_tmp.name().c_str(), data_dir->parent(), path.name.c_str()) != 0)
          throw errno_error(errno, "storing", key);
        data_tmp.commit();
      }
      sync_dir(data_dir->parent(), key);
      if (::renameat(meta_dir->parent(), meta_tmp.name().c_str(), meta_dir->parent(), sidecar_name(path.name).c_str()) != 0)
        throw errno_error(errno, "storing the metadata of", key);
      meta_tmp.commit();
      sync_dir(meta_dir->parent(), key);

      sdk::ObjectInfo info = info_from_stat(key, st);
      info.content_type = sidecar.content_type;
      info.metadata = sidecar.metadata;
      return info;
    } catch (const DirectoryVanished&) {
      // A concurrent delete removed a directory we had just walked; walk again.
      if (attempt + 1 >= kWalkRetries)
        throw sdk::unavailable("the directory of '" + std::string(key) + "' kept being removed by concurrent deletes; retry");
    }
  }
}

void FsStorage::get(sdk::CallContext& ctx, std::string_view key, const std::optional<sdk::ByteRange>& range, sdk::GetSink& out) {
  const OpenObject o = open_object(split_key(key));
  out.info(o.info);
  const sdk::ResolvedRange r = sdk::resolve_range(range, o.info.size);  // throws OUT_OF_RANGE after the info, as storage.h asks
  const std::size_t buf_size = static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes, r.length));
  // Not zero-filled: pread overwrites what is sent.
  const auto buf = std::make_unique_for_overwrite<std::uint8_t[]>(buf_size);
  for (std::uint64_t done = 0; done < r.length;) {
    if (ctx.cancelled()) throw sdk::cancelled("get of '" + std::string(key) + "' was cancelled");
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf_size, r.length - done));
    const ssize_t n = ::pread(o.fd.get(), buf.get(), want, static_cast<off_t>(r.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw errno_error(errno, "reading", key);
    if (n == 0) throw sdk::internal("object '" + std::string(key) + "' became shorter while being read; it was changed outside Nexus");
    out.write(buf.get(), static_cast<std::size_t>(n));
    done += static_cast<std::uint64_t>(n);
  }
}

// The file itself: a put renames a new file over the old one, so the bytes
// behind this descriptor never change while the host sends them.
std::optional<sdk::FileObject> FsStorage::open_as_file(sdk::CallContext&, std::string_view key) {
  OpenObject o = open_object(split_key(key));
  sdk::FileObject file;
  file.info = std::move(o.info);
  file.fd = o.fd.release();
  return file;
}

sdk::ObjectInfo FsStorage::head(sdk::CallContext&, std::string_view key) { return open_object(split_key(key)).info; }

void FsStorage::remove(sdk::CallContext&, std::string_view key) {
  const KeyPath path = split_key(key);
  const auto missing = [&] { return sdk::not_found("no object with key '" + path.key + "'"); };
  std::unique_lock lock(stripe(key));
  std::optional<DirChain> chain;
  try {
    chain = open_dirs(root_.get(), path.dirs, false, key);
  } catch (const sdk::Error& e) {
    if (e.status() == NEXUS_FAILED_PRECONDITION) throw missing();
    throw;
  }
  if (!chain) throw missing();
  const auto st = stat_entry(chain->parent(), path.name, key);
  if (!st || S_ISDIR(st->st_mode)) throw missing();
  check_target(st, key);
  if (::unlinkat(chain->parent(), path.name.c_str(), 0) != 0) {
    if (errno == ENOENT) throw missing();
    throw errno_error(errno, "deleting", key);
  }
  sync_dir(chain->parent(), key);
  // The data is gone, so the object is; a sidecar left behind by a failure
  // here would not match a future file with this key and is harmless.
  try {
    const std::vector<std::string> mdirs = meta_dirs(path);
    if (auto meta = open_dirs(root_.get(), mdirs, false, key)) {
      ::unlinkat(meta->parent(), sidecar_name(path.name).c_str(), 0);
      meta->remove_empty(mdirs);
    }
  } catch (const sdk::Error&) {
  }
  chain->remove_empty(path.dirs);
}

sdk::ListPage FsStorage::list(sdk::CallContext& ctx, std::string_view prefix, std::string_view cursor, std::uint32_t limit) {
  const std::string after = cursor.empty() ? std::string() : sdk::decode_cursor(cursor);
  std::vector<std::string> keys = collect_keys(root_.get(), prefix, after, std::size_t(limit) + 1, ctx);
  sdk::ListPage page;
  const bool more = keys.size() > limit;
  if (more) keys.resize(limit);
  for (const std::string& key : keys) {
    try {
      page.objects.push_back(open_object(split_key(key)).info);
    } catch (const sdk::Error& e) {
      if (e.status() != NEXUS_NOT_FOUND) throw;  // deleted since the walk: not part of this page
    }
  }
  if (more) page.next_cursor = sdk::encode_cursor(keys.back());
  return page;
}

void FsStorage::health() {
  struct stat st{};
  if (::fstat(root_.get(), &st) != 0 || st.st_nlink == 0)
    throw sdk::unavailable("the storage root directory was removed; recreate it and reload the instance");
}

}  // namespace nexus::plugins::fs
