// key_index.hpp — which blob each key names, with the object's info. One
// small JSON file per key (<dir>/<sha256 of the key>.json, so any key up to
// storage.h's 1024 bytes makes a short file name), mirrored in a sorted map
// that answers lookups and listings. Not locked: the store above serialises
// writers.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <nexus/sdk/storage.hpp>

namespace dedup {

struct Entry {
  nexus::sdk::ObjectInfo info;  // info.etag is the blob's hash
  const std::string& blob() const noexcept { return info.etag; }
};

class KeyIndex {
 public:
  // Creates `dir` if needed and loads every entry in it. Throws sdk::Error
  // naming the file when one cannot be read.
  explicit KeyIndex(std::filesystem::path dir);

  const Entry* find(const std::string& key) const;
  // Writes the entry's file (atomically), then updates the map.
  void set(const Entry& entry);
  void erase(const std::string& key);
  // How many keys name `blob`.
  std::size_t references(const std::string& blob) const;
  const std::map<std::string, Entry>& entries() const noexcept { return entries_; }

 private:
  std::filesystem::path file_of(const std::string& key) const;
  std::filesystem::path dir_;
  std::map<std::string, Entry> entries_;  // byte-wise key order, as listings need
  std::map<std::string, std::size_t> references_;
};

}  // namespace dedup
