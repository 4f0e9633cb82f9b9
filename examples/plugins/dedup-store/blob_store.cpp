#include "blob_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <nexus/sdk/error.hpp>

namespace dedup {

namespace fs = std::filesystem;
namespace sdk = nexus::sdk;

namespace {

constexpr std::size_t kChunk = 64 * 1024;  // bytes per write to the caller

[[noreturn]] void io_error(const std::string& what, int error) {
  const std::string why = what + ": " + std::strerror(error);
  if (error == ENOSPC || error == EDQUOT)
    throw sdk::resource_exhausted(why + "; free disk space under the store's root");
  throw sdk::unavailable(why);
}

bool is_hash(const std::string& s) {
  if (s.size() != 64) return false;
  for (const char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

std::string sha256_hex(std::span<const std::uint8_t> bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1)
    throw sdk::internal("SHA-256 failed (OpenSSL)");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

BlobStore::BlobStore(fs::path dir) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw sdk::failed_precondition("cannot create the blob folder " + dir_.string() + ": " + ec.message());
}

fs::path BlobStore::path_of(const std::string& hash) const {
  return dir_ / hash.substr(0, 2) / hash;
}

bool BlobStore::store(const std::string& hash, std::span<const std::uint8_t> bytes) const {
  const fs::path target = path_of(hash);
  std::error_code ec;
  if (fs::exists(target, ec)) return false;  // the same bytes are there already
  fs::create_directories(target.parent_path(), ec);
  if (ec) io_error("cannot create " + target.parent_path().string(), ec.value());
  // A name no other writer uses, in the same folder so rename() is atomic.
  static std::atomic<std::uint64_t> counter{0};
  const fs::path temp = target.string() + ".tmp." + std::to_string(getpid()) + "." + std::to_string(++counter);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) io_error("cannot create " + temp.string(), errno);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      io_error("cannot write " + temp.string(), error);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    io_error("cannot flush " + temp.string(), error);
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    io_error("cannot move " + temp.string() + " into place", error);
  }
  return true;
}

void BlobStore::read(const std::string& hash, std::uint64_t offset, std::uint64_t length,
                     const std::function<void(const char*, std::size_t)>& sink) const {
  std::ifstream in(path_of(hash), std::ios::binary);
  if (!in)
    throw sdk::internal("blob " + hash + " is missing from " + dir_.string() + "; the store was changed by hand");
  in.seekg(static_cast<std::streamoff>(offset));
  std::string buffer(kChunk, '\0');
  while (length > 0) {
    const auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(length, kChunk));
    in.read(buffer.data(), want);
    if (in.gcount() != want) throw sdk::internal("blob " + hash + " is shorter than its index says");
    sink(buffer.data(), static_cast<std::size_t>(want));
    length -= static_cast<std::uint64_t>(want);
  }
}

void BlobStore::remove(const std::string& hash) const {
  std::error_code ec;
  fs::remove(path_of(hash), ec);  // a blob already gone is what we wanted
}

std::vector<std::string> BlobStore::all() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file() && is_hash(it->path().filename().string())) out.push_back(it->path().filename().string());
  return out;
}

}  // namespace dedup
