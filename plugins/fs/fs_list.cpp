#include "fs_list.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <memory>
#include <set>

#include <nexus/sdk/storage_util.hpp>

#include "fd.hpp"
#include "fs_errors.hpp"
#include "fs_tree.hpp"

namespace nexus::plugins::fs {
namespace {

struct DirCloser {
  void operator()(DIR* d) const noexcept { ::closedir(d); }
};

class Walker {
 public:
  Walker(std::string_view prefix, std::string_view after, std::size_t keep, const sdk::CallContext& ctx)
      : prefix_(prefix), after_(after), keep_(keep), ctx_(ctx) {}

  void walk(int dir_fd, const std::string& rel) {
    if (ctx_.cancelled()) throw sdk::cancelled("listing was cancelled");
    // A fresh open of "." rather than dup(): a dup shares the directory offset
    // with the original, which concurrent listings (and earlier ones) move.
    const int own = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (own < 0) throw errno_error(errno, "listing", rel);
    std::unique_ptr<DIR, DirCloser> d(::fdopendir(own));
    if (!d) {
      const int err = errno;
      ::close(own);
      throw errno_error(err, "listing", rel);
    }
    while (const dirent* e = ::readdir(d.get())) {
      const std::string_view name = e->d_name;
      if (name == "." || name == ".." || name.substr(0, kReservedPrefix.size()) == kReservedPrefix) continue;
      const std::string path = rel + std::string(name);
      unsigned char type = e->d_type;
      if (type == DT_UNKNOWN) {
        struct stat st{};
        if (::fstatat(dir_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
      }
      if (type == DT_REG) {
        offer(path);
      } else if (type == DT_DIR && worth_entering(path + "/")) {
        Fd sub(::openat(dir_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (sub.valid()) walk(sub.get(), path + "/");  // vanished meanwhile: nothing to list there
      }
    }
  }

  std::vector<std::string> take() { return {best_.begin(), best_.end()}; }

 private:
  // A directory can hold matching keys only if its path and the prefix
  // agree as far as both go, and not if every key below it sorts at or
  // before the cursor key.
  bool worth_entering(std::string_view dir) const noexcept {
    const std::size_t n = std::min(dir.size(), prefix_.size());
    if (dir.substr(0, n) != prefix_.substr(0, n)) return false;
    if (!after_.empty() && after_.substr(0, dir.size()) != dir && after_ > dir) return false;
    return true;
  }

  void offer(const std::string& key) {
    if (!sdk::in_list_window(key, prefix_, after_)) return;
    // A file someone created by hand may not be a valid key ("a\\b"): it
    // could never be read through the API, so it is not listed either.
    if (nexus_storage_key_problem(sdk::to_nexus_str(key)) != nullptr) return;
    if (best_.size() == keep_ && !(key < *best_.rbegin())) return;
    best_.insert(key);
    if (best_.size() > keep_) best_.erase(std::prev(best_.end()));
  }

  std::string_view prefix_, after_;
  std::size_t keep_;
  const sdk::CallContext& ctx_;
  std::set<std::string> best_;  // the `keep_` smallest keys seen so far
};

}  // namespace

std::vector<std::string> collect_keys(int root, std::string_view prefix, std::string_view after, std::size_t keep,
                                      const sdk::CallContext& ctx) {
  Walker w(prefix, after, keep, ctx);
  w.walk(root, "");
  return w.take();
}

}  // namespace nexus::plugins::fs
