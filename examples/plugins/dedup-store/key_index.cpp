#include "key_index.hpp"

#include <atomic>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "blob_store.hpp"

namespace dedup {

namespace fs = std::filesystem;
namespace sdk = nexus::sdk;
using nlohmann::json;

namespace {

// Entry files are tiny (metadata is capped at 8 KiB); anything larger is not ours.
constexpr std::uintmax_t kMaxEntryFileBytes = 64 * 1024;

json to_file_json(const Entry& e) {
  return e.info.to_json();  // key, size, content_type, etag (= blob), last_modified, metadata
}

Entry from_file_json(const json& j) {
  Entry e;
  e.info.key = j.at("key").get<std::string>();
  e.info.size = j.at("size").get<std::uint64_t>();
  e.info.content_type = j.at("content_type").get<std::string>();
  e.info.etag = j.at("etag").get<std::string>();
  e.info.last_modified = j.at("last_modified").get<std::string>();
  e.info.metadata = j.at("metadata").get<sdk::Metadata>();
  return e;
}

}  // namespace

KeyIndex::KeyIndex(fs::path dir) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw sdk::failed_precondition("cannot create the index folder " + dir_.string() + ": " + ec.message());
  for (const auto& file : fs::directory_iterator(dir_)) {
    if (file.path().extension() != ".json") continue;  // a temporary left by a crash
    const std::string where = "index file " + file.path().string();
    if (file.file_size() > kMaxEntryFileBytes) throw sdk::failed_precondition(where + " is too large to be an entry");
    std::ifstream in(file.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    try {
      Entry e = from_file_json(json::parse(text.str()));
      ++references_[e.blob()];
      entries_[e.info.key] = std::move(e);
    } catch (const std::exception& ex) {
      throw sdk::failed_precondition(where + " is not a valid entry (" + ex.what() +
                                     "); move it away to start without that key");
    }
  }
}

fs::path KeyIndex::file_of(const std::string& key) const {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(key.data());
  return dir_ / (sha256_hex({bytes, key.size()}) + ".json");
}

const Entry* KeyIndex::find(const std::string& key) const {
  const auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

void KeyIndex::set(const Entry& entry) {
  static std::atomic<std::uint64_t> counter{0};
  const fs::path target = file_of(entry.info.key);
  const fs::path temp = target.string() + ".tmp." + std::to_string(getpid()) + "." + std::to_string(++counter);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << to_file_json(entry).dump();
    if (!out.flush()) throw sdk::unavailable("cannot write " + temp.string());
  }
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw sdk::unavailable("cannot move " + temp.string() + " into place");
  }
  ++references_[entry.blob()];  // first, so an overwrite with the same bytes never drops to 0
  if (const Entry* old = find(entry.info.key))
    if (--references_[old->blob()] == 0) references_.erase(old->blob());
  entries_[entry.info.key] = entry;
}

void KeyIndex::erase(const std::string& key) {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return;
  std::error_code ec;
  fs::remove(file_of(key), ec);
  if (ec) throw sdk::unavailable("cannot remove the index file of '" + key + "': " + ec.message());
  if (--references_[it->second.blob()] == 0) references_.erase(it->second.blob());
  entries_.erase(it);
}

std::size_t KeyIndex::references(const std::string& blob) const {
  const auto it = references_.find(blob);
  return it == references_.end() ? 0 : it->second;
}

}  // namespace dedup
