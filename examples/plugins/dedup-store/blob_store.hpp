// blob_store.hpp — content-addressed files: a blob is stored once under the
// SHA-256 of its bytes (<dir>/ab/abcdef...), however many keys point at it.
// Writes go to a temporary file renamed into place, so a reader never sees
// half a blob and a crash leaves at most a stray temporary. Not locked:
// the store above serialises what must be.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace dedup {

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::span<const std::uint8_t> bytes);

class BlobStore {
 public:
  // Creates `dir` if needed. Throws sdk::Error when it cannot.
  explicit BlobStore(std::filesystem::path dir);

  // Stores `bytes` as blob `hash` unless it is already there. Returns true
  // when it wrote it (false: deduplicated).
  bool store(const std::string& hash, std::span<const std::uint8_t> bytes) const;
  // Passes bytes [offset, offset + length) of blob `hash` to `sink` in chunks.
  void read(const std::string& hash, std::uint64_t offset, std::uint64_t length,
            const std::function<void(const char*, std::size_t)>& sink) const;
  void remove(const std::string& hash) const;
  // Every blob on disk (to collect those no key uses any more).
  std::vector<std::string> all() const;

 private:
  std::filesystem::path path_of(const std::string& hash) const;
  std::filesystem::path dir_;
};

}  // namespace dedup
