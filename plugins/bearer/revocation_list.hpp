// revocation_list — token ids (jti) that must no longer verify: a fixed list
// from the config plus, optionally, a file with one jti per line that is
// re-read whenever it changes (mtime, size or inode), so an operator can
// revoke a token without a reload. Thread-safe.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <nexus/types.h>

namespace nexus::plugins::bearer {

class RevocationList {
 public:
  using Logger = std::function<void(nexus_log_level, const std::string&)>;

  // Reads `file` now when given; Error(INVALID_ARGUMENT) naming `path` if it
  // cannot be read at create (a typo must not silently disable revocation).
  RevocationList(std::set<std::string> fixed, std::optional<std::filesystem::path> file, const std::string& path,
                 Logger log);

  // True when `jti` is revoked. Re-reads the file first if it changed; if
  // it became unreadable, the last list read stays in force. [any-thread]
  bool revoked(const std::string& jti);

 private:
  struct FileId {
    timespec mtime{};
    off_t size = -1;
    ino_t inode = 0;
    bool operator==(const FileId& o) const {
      return mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec && size == o.size && inode == o.inode;
    }
  };
  // Re-reads when changed. Returns false when the file cannot be read.
  bool reload_if_changed();

  const std::set<std::string> fixed_;
  const std::optional<std::filesystem::path> file_;
  Logger log_;
  std::mutex mutex_;  // guards the members below
  std::set<std::string> from_file_;
  std::optional<FileId> seen_;
  bool warned_ = false;
};

}  // namespace nexus::plugins::bearer
