#include "fs_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>

#include <cerrno>
#include <memory>

#include <nexus/sdk/storage.hpp>

#include "fs_errors.hpp"

namespace nexus::plugins::fs {
namespace {

std::string random_suffix() {
  unsigned char bytes[12];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw errno_error(errno, "choosing a temp file name for", "");
    got += static_cast<std::size_t>(n);
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (unsigned char b : bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 0xf];
  }
  return s;
}

struct DirCloser {
  void operator()(DIR* d) const noexcept { ::closedir(d); }
};
using DirHandle = std::unique_ptr<DIR, DirCloser>;

std::size_t sweep_dir(int dir_fd, std::chrono::system_clock::time_point cutoff, int depth) noexcept {
  if (depth > 256) return 0;  // deeper than any key can nest: something is off, stop
  // A fresh open of "." rather than dup(): a dup shares the directory offset
  // with the original, which earlier walks have moved to the end.
  const int own = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (own < 0) return 0;
  DirHandle d(::fdopendir(own));
  if (!d) {
    ::close(own);
    return 0;
  }
  std::size_t removed = 0;
  while (const dirent* e = ::readdir(d.get())) {
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat st{};
    if (::fstatat(dir_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      Fd sub(::openat(dir_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (sub.valid()) removed += sweep_dir(sub.get(), cutoff, depth + 1);
    } else if (S_ISREG(st.st_mode) && name.substr(0, kTempPrefix.size()) == kTempPrefix) {
      const auto mtime = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
      if (mtime < cutoff && ::unlinkat(dir_fd, e->d_name, 0) == 0) ++removed;
    }
  }
  return removed;
}

}  // namespace

KeyPath split_key(std::string_view key) {
  sdk::check_key(key);  // the SDK checked already; checked again where the path is built
  KeyPath p{std::string(key), {}, {}};
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = key.find('/', start);
    const std::string_view seg = key.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (seg.substr(0, kReservedPrefix.size()) == kReservedPrefix)
      throw sdk::invalid_argument("key '" + std::string(key) + "' has a segment '" + std::string(seg) + "' starting with '" +
                                  std::string(kReservedPrefix) + "', which the fs backend reserves for its own files; rename it");
    if (slash == std::string_view::npos) {
      p.name = std::string(seg);
      return p;
    }
    p.dirs.emplace_back(seg);
    start = slash + 1;
  }
}

void DirChain::remove_empty(const std::vector<std::string>& dirs) noexcept {
  // fds_[i] is dirs[i]; its parent is fds_[i-1] or the base.
  for (std::size_t i = fds_.size(); i-- > 0;) {
    const int parent = i == 0 ? base_ : fds_[i - 1].get();
    if (i >= dirs.size() || ::unlinkat(parent, dirs[i].c_str(), AT_REMOVEDIR) != 0) return;
  }
}

std::optional<DirChain> open_dirs(int base, const std::vector<std::string>& dirs, bool create, std::string_view key) {
  DirChain chain(base);
  std::string walked;
  for (const std::string& seg : dirs) {
    walked += walked.empty() ? seg : "/" + seg;
    for (int attempt = 0;; ++attempt) {
      Fd fd(::openat(chain.parent(), seg.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (fd.valid()) {
        chain.push(std::move(fd));
        break;
      }
      const int err = errno;
      if (err == ENOENT) {
        if (!create) return std::nullopt;
        // EEXIST: another writer made it first, which is just as good.
        // ENOENT: a concurrent delete removed the (then empty) parent we hold
        // open; the caller walks again from the root.
        if (::mkdirat(chain.parent(), seg.c_str(), 0755) != 0 && errno != EEXIST) {
          if (errno == ENOENT) throw DirectoryVanished{};
          throw errno_error(errno, "creating the directory for", key);
        }
        if (attempt < 3) continue;
        // Made (or found) and gone again before we could open it, four times:
        // concurrent deletes keep removing it while it is empty. Not an
        // error of this key: the caller walks again from the root.
        throw DirectoryVanished{};
      }
      if (err == ELOOP || err == ENOTDIR) {
        struct stat st{};
        if (::fstatat(chain.parent(), seg.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
          throw sdk::invalid_argument("key '" + std::string(key) + "' passes through '" + walked +
                                      "', a symbolic link; the fs backend does not follow links so that no key can leave its root");
        throw sdk::failed_precondition("key '" + std::string(key) + "' needs '" + walked +
                                       "' to be a directory, but an object has that key; delete it or choose another key");
      }
      throw errno_error(err, "opening the directory of", key);
    }
  }
  return chain;
}

std::optional<struct stat> stat_entry(int dir, const std::string& name, std::string_view key) {
  struct stat st{};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return st;
  if (errno == ENOENT) return std::nullopt;
  throw errno_error(errno, "inspecting", key);
}

std::optional<Fd> open_file(int dir, const std::string& name, std::string_view key) {
  Fd fd(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.valid()) return fd;
  if (errno == ENOENT) return std::nullopt;
  if (errno == ELOOP)
    throw sdk::invalid_argument("key '" + std::string(key) + "' is a symbolic link inside the root; the fs backend does not follow links");
  throw errno_error(errno, "opening", key);
}

TempFile::TempFile(int dir, std::string_view key) : dir_(dir) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    name_ = std::string(kTempPrefix) + random_suffix();
    fd_ = Fd(::openat(dir, name_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (fd_.valid()) return;
    if (errno == ENOENT) throw DirectoryVanished{};
    if (errno != EEXIST) throw errno_error(errno, "creating a temp file for", key);
  }
  throw sdk::internal("could not find a free temp file name for '" + std::string(key) + "'");
}

TempFile::~TempFile() {
  if (!committed_ && !name_.empty() && fd_.valid()) ::unlinkat(dir_, name_.c_str(), 0);
}

void write_all(int fd, const void* data, std::size_t size, std::string_view key) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw errno_error(errno, "writing", key);
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

std::size_t sweep_temp_files(int root, std::chrono::seconds age) noexcept {
  return sweep_dir(root, std::chrono::system_clock::now() - age, 0);
}

}  // namespace nexus::plugins::fs
