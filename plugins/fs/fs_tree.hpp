// The fs backend's path layer: keys become directory walks below an open
// root descriptor, one segment at a time with O_NOFOLLOW, so neither a '..'
// nor a symbolic link planted inside the root can lead a key outside it.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fd.hpp"

namespace nexus::plugins::fs {

// Names starting with this are the backend's own (temp files, the metadata
// tree); a key may not have a segment that starts with it.
inline constexpr std::string_view kReservedPrefix = ".nexus-";
inline constexpr std::string_view kTempPrefix = ".nexus-tmp-";
inline constexpr std::string_view kMetaDir = ".nexus-meta";

// A key split at '/': the directories to walk and the file name at the end.
struct KeyPath {
  std::string key;
  std::vector<std::string> dirs;
  std::string name;
};

// Splits `key`, re-checking the storage key rules where the path is built
// and refusing reserved segments. Error(INVALID_ARGUMENT) saying why.
KeyPath split_key(std::string_view key);

// The open directories on the way to a key's parent.
class DirChain {
 public:
  explicit DirChain(int base) noexcept : base_(base) {}
  // The directory that holds the key's file (the base when it has no dirs).
  int parent() const noexcept { return fds_.empty() ? base_ : fds_.back().get(); }
  // Removes the chain's directories from the deepest up while they are
  // empty; stops at the first that is not (or at the base).
  void remove_empty(const std::vector<std::string>& dirs) noexcept;
  void push(Fd fd) { fds_.push_back(std::move(fd)); }

 private:
  int base_;
  std::vector<Fd> fds_;  // fds_[i] is dirs[0..i]
};

// Opens `dirs` below `base`. Missing directories are created when `create`,
// otherwise the result is empty. Throws INVALID_ARGUMENT when a segment is a
// symbolic link and FAILED_PRECONDITION when it is a file (key conflict).
// With `create`, throws DirectoryVanished when concurrent deletes remove a
// directory as fast as it is made: the caller walks again from `base`.
std::optional<DirChain> open_dirs(int base, const std::vector<std::string>& dirs, bool create, std::string_view key);

// lstat of `name` in `dir`, or nothing when it does not exist.
std::optional<struct stat> stat_entry(int dir, const std::string& name, std::string_view key);

// Opens the object file `name` in `dir` for reading without following a
// link: nothing when absent; INVALID_ARGUMENT for a symlink.
std::optional<Fd> open_file(int dir, const std::string& name, std::string_view key);

// Thrown by TempFile when its directory was removed under it (a concurrent
// delete emptied and removed it); the writer walks the path again.
struct DirectoryVanished {};

// A fresh ".nexus-tmp-<random>" file in `dir`, removed again on destruction
// unless commit() was called after renaming it into place.
class TempFile {
 public:
  TempFile(int dir, std::string_view key);  // throws errno_error, or DirectoryVanished
  TempFile(TempFile&&) noexcept = default;
  TempFile& operator=(TempFile&&) noexcept = delete;
  ~TempFile();
  int fd() const noexcept { return fd_.get(); }
  const std::string& name() const noexcept { return name_; }
  void commit() noexcept { committed_ = true; }

 private:
  int dir_;
  std::string name_;
  Fd fd_;
  bool committed_ = false;
};

// Writes all of `data`; throws errno_error naming `key`.
void write_all(int fd, const void* data, std::size_t size, std::string_view key);

// Removes ".nexus-tmp-*" files older than `age` anywhere below `root` (what
// a process killed mid-write leaves behind). Returns how many it removed.
std::size_t sweep_temp_files(int root, std::chrono::seconds age) noexcept;

}  // namespace nexus::plugins::fs
