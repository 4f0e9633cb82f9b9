// The metadata sidecar: root/.nexus-meta/<dirs>/.nexus-m-<name>.json holds an object's content
// type and metadata, plus the fingerprint (inode, size, mtime) of the data
// file it was written for. Data and sidecar are two renames, so a crash can
// separate them; the fingerprint lets a reader tell, and a stale sidecar is
// ignored rather than trusted.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nexus/sdk/storage.hpp>

namespace nexus::plugins::fs {

struct Fingerprint {
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const Fingerprint&) const = default;
};

Fingerprint fingerprint_of(const struct stat& st) noexcept;

// The object info a data file's stat gives: size, etag, last_modified.
sdk::ObjectInfo info_from_stat(std::string_view key, const struct stat& st);

struct Sidecar {
  Fingerprint data;
  std::string content_type;
  sdk::Metadata metadata;
};

std::string encode_sidecar(const Sidecar& s);
// Nothing when `text` is not a sidecar this version wrote (torn, foreign).
std::optional<Sidecar> decode_sidecar(std::string_view text) noexcept;

// File name of the sidecar of an object file called `name`. The ".nexus-m-"
// prefix keeps sidecar names out of the key namespace (key segments may not
// start with ".nexus-"), so the sidecar of key "x" can never collide with the
// folder that key "x.json/y" needs in the sidecar tree.
inline std::string sidecar_name(const std::string& name) { return ".nexus-m-" + name + ".json"; }

}  // namespace nexus::plugins::fs
