#include "fs_meta.hpp"

#include <nexus/sdk/storage_util.hpp>

#include <nlohmann/json.hpp>

namespace nexus::plugins::fs {

Fingerprint fingerprint_of(const struct stat& st) noexcept {
  return {static_cast<std::uint64_t>(st.st_ino), static_cast<std::uint64_t>(st.st_size),
          static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

sdk::ObjectInfo info_from_stat(std::string_view key, const struct stat& st) {
  const Fingerprint fp = fingerprint_of(st);
  sdk::ObjectInfo info;
  info.key = std::string(key);
  info.size = fp.size;
  info.etag = sdk::make_etag({fp.inode, fp.size, static_cast<std::uint64_t>(fp.mtime_ns)});
  info.last_modified = sdk::format_rfc3339_ns(fp.mtime_ns);
  return info;
}

std::string encode_sidecar(const Sidecar& s) {
  const nlohmann::json j{{"v", 1},
                         {"inode", s.data.inode},
                         {"size", s.data.size},
                         {"mtime_ns", s.data.mtime_ns},
                         {"content_type", s.content_type},
                         {"metadata", s.metadata}};
  return j.dump();
}

std::optional<Sidecar> decode_sidecar(std::string_view text) noexcept {
  try {
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object() || j.value("v", 0) != 1) return std::nullopt;
    Sidecar s;
    s.data.inode = j.at("inode").get<std::uint64_t>();
    s.data.size = j.at("size").get<std::uint64_t>();
    s.data.mtime_ns = j.at("mtime_ns").get<std::int64_t>();
    s.content_type = j.at("content_type").get<std::string>();
    s.metadata = j.at("metadata").get<sdk::Metadata>();
    return s;
  } catch (...) {
    return std::nullopt;  // a sidecar we cannot read is a sidecar we ignore
  }
}

}  // namespace nexus::plugins::fs
