// nexus/sdk/storage.hpp — write a "nexus.storage/1" backend by deriving
// from nexus::sdk::Storage and overriding five functions.
#pragma once

#include <nexus/storage.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "nexus/sdk/context.hpp"
#include "nexus/sdk/error.hpp"
#include "nexus/sdk/instance.hpp"
#include "nexus/sdk/io.hpp"

namespace nexus::sdk {

using Metadata = std::map<std::string, std::string>;

struct ObjectInfo {
  std::string key;
  std::uint64_t size = 0;
  std::string content_type = "application/octet-stream";
  std::string etag;
  std::string last_modified;  // RFC 3339 UTC, e.g. "2026-01-02T03:04:05Z"
  Metadata metadata;

  nlohmann::json to_json(bool with_metadata = true) const {
    nlohmann::json j{{"key", key}, {"size", size}, {"content_type", content_type}, {"etag", etag}, {"last_modified", last_modified}};
    if (with_metadata) j["metadata"] = metadata;
    return j;
  }
};

struct PutOptions {
  std::string content_type = "application/octet-stream";
  Metadata metadata;
  bool if_absent = false;
  std::string if_match;  // empty: unconditional
};

// An HTTP-style byte range; see nexus_byte_range in storage.h.
struct ByteRange {
  std::int64_t first = 0;
  std::int64_t last = -1;
};

// A range resolved against an object's size: [offset, offset + length).
struct ResolvedRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// Resolves `range` (or the whole object) against `size`; throws
// Error(OUT_OF_RANGE) when it selects no byte.
inline ResolvedRange resolve_range(const std::optional<ByteRange>& range, std::uint64_t size) {
  if (!range) return {0, size};
  if (range->first < 0) {
    const std::uint64_t n = static_cast<std::uint64_t>(-range->first);
    if (size == 0) throw out_of_range("range selects no byte of an empty object");
    const std::uint64_t len = n < size ? n : size;
    return {size - len, len};
  }
  const auto first = static_cast<std::uint64_t>(range->first);
  if (first >= size) throw out_of_range("range starts at byte " + std::to_string(first) + " but the object has " + std::to_string(size) + " bytes");
  if (range->last >= 0 && range->last < range->first) throw invalid_argument("range ends before it starts");
  std::uint64_t last = range->last < 0 ? size - 1 : static_cast<std::uint64_t>(range->last);
  if (last >= size) last = size - 1;
  return {first, last - first + 1};
}

// Metadata keys: [a-z0-9-]{1,64}; values UTF-8; at most 8 KiB in all.
inline void check_metadata(const Metadata& m) {
  std::size_t total = 0;
  for (const auto& [k, v] : m) {
    if (k.empty() || k.size() > 64) throw invalid_argument("metadata key '" + k + "' must be 1..64 characters");
    for (char c : k)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
        throw invalid_argument("metadata key '" + k + "' may only contain a-z, 0-9 and '-'");
    total += k.size() + v.size();
  }
  if (total > 8192) throw invalid_argument("metadata is larger than 8 KiB");
}

// Throws Error(INVALID_ARGUMENT) if `key` breaks the key rules of storage.h.
inline void check_key(std::string_view key) {
  if (const char* problem = nexus_storage_key_problem(to_nexus_str(key)))
    throw invalid_argument(std::string(problem) + " — keys are relative paths like 'recordings/2026/call-1.wav'");
}

// RFC 3339 UTC text of a time point, second precision.
inline std::string format_rfc3339(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Receives a get's output: info() exactly once, first; then write() chunks.
class GetSink {
 public:
  GetSink(const nexus_writer* info, const nexus_writer* body) noexcept : info_(info), body_(body) {}
  void info(const ObjectInfo& i) {
    if (info_sent_) throw internal("GetSink::info called twice");
    info_sent_ = true;
    info_.write(i.to_json().dump());
  }
  void write(std::span<const std::uint8_t> bytes) {
    if (!info_sent_) throw internal("GetSink::write called before info()");
    body_.write(bytes);
  }
  void write(const void* data, std::size_t size) { write(std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(data), size)); }
  bool info_sent() const noexcept { return info_sent_; }

 private:
  Writer info_;
  Writer body_;
  bool info_sent_ = false;
};

struct ListPage {
  std::vector<ObjectInfo> objects;
  std::string next_cursor;  // empty at the end
};

// A whole object offered as a file (storage.h on_open, ABI 1.1): the host
// sends it from the descriptor itself (sendfile) instead of receiving the
// bytes through get().
struct FileObject {
  ObjectInfo info;           // of the whole object; "size" bytes are sent
  int fd = -1;               // open for reading, close-on-exec; becomes the host's
  std::uint64_t offset = 0;  // where the object's bytes begin in the file
};

// Base class of a storage backend. Keys reaching these functions have
// already passed check_key(); a backend that maps keys to paths may rely on
// it but should check again where it builds the path.
class Storage : public virtual Instance {
 public:
  virtual ObjectInfo put(CallContext& ctx, std::string_view key, std::span<const std::uint8_t> body, const PutOptions& options) = 0;
  // Call out.info(whole-object info) first, then out.write(...) the bytes of
  // resolve_range(range, size). For an out-of-range request, call out.info
  // and then throw the Error(OUT_OF_RANGE) that resolve_range throws.
  virtual void get(CallContext& ctx, std::string_view key, const std::optional<ByteRange>& range, GetSink& out) = 0;
  virtual ObjectInfo head(CallContext& ctx, std::string_view key) = 0;
  virtual void remove(CallContext& ctx, std::string_view key) = 0;
  virtual ListPage list(CallContext& ctx, std::string_view prefix, std::string_view cursor, std::uint32_t limit) = 0;
  // Optional. A backend whose objects are plain files overrides this so the
  // host can send a whole object with sendfile: the object's info and an
  // open descriptor, which the host owns from the return on. The bytes must
  // not change while it is open (replace objects by renaming a new file
  // over the old one). nullopt: not as a file this time (the host calls
  // get()). A backend that does not override it offers no files at all and
  // the host never asks.
  virtual std::optional<FileObject> open_as_file(CallContext& ctx, std::string_view key) {
    (void)ctx;
    (void)key;
    return std::nullopt;
  }
};

namespace detail {

inline PutOptions parse_put_options(const nexus_put_options* o) {
  PutOptions p;
  if (!o) return p;
  if (o->content_type.size) p.content_type = std::string(view(o->content_type));
  if (o->metadata_json.size) {
    const auto j = nlohmann::json::parse(view(o->metadata_json), nullptr, false);
    if (!j.is_object()) throw invalid_argument("metadata must be a JSON object of strings");
    for (const auto& [k, v] : j.items()) {
      if (!v.is_string()) throw invalid_argument("metadata value of '" + k + "' must be a string");
      p.metadata[k] = v.get<std::string>();
    }
  }
  check_metadata(p.metadata);
  p.if_absent = (o->flags & NEXUS_PUT_IF_ABSENT) != 0;
  p.if_match = std::string(view(o->if_match));
  return p;
}

template <typename P>
struct StorageAdapter {
  static Storage& self(void* inst) noexcept { return *static_cast<P*>(inst); }

  static nexus_status on_put(void* inst, const nexus_call_context* c, nexus_str key, nexus_bytes body,
                             const nexus_put_options* options, const nexus_writer* info) noexcept {
    CallContext ctx(c);
    return guard([&] {
      check_key(view(key));
      const ObjectInfo r = self(inst).put(ctx, view(key), view(body), parse_put_options(options));
      Writer(info).write(r.to_json().dump());
    }, [&](std::string_view m) { ctx.set_error(m); });
  }
  static nexus_status on_get(void* inst, const nexus_call_context* c, nexus_str key, const nexus_byte_range* range,
                             const nexus_writer* info, const nexus_writer* body) noexcept {
    CallContext ctx(c);
    return guard([&] {
      check_key(view(key));
      std::optional<ByteRange> r;
      if (range) r = ByteRange{range->first, range->last};
      GetSink sink(info, body);
      self(inst).get(ctx, view(key), r, sink);
      if (!sink.info_sent()) throw internal("storage backend returned from get without writing object info");
    }, [&](std::string_view m) { ctx.set_error(m); });
  }
  static nexus_status on_head(void* inst, const nexus_call_context* c, nexus_str key, const nexus_writer* info) noexcept {
    CallContext ctx(c);
    return guard([&] {
      check_key(view(key));
      Writer(info).write(self(inst).head(ctx, view(key)).to_json().dump());
    }, [&](std::string_view m) { ctx.set_error(m); });
  }
  static nexus_status on_delete(void* inst, const nexus_call_context* c, nexus_str key) noexcept {
    CallContext ctx(c);
    return guard([&] {
      check_key(view(key));
      self(inst).remove(ctx, view(key));
    }, [&](std::string_view m) { ctx.set_error(m); });
  }
  static nexus_status on_list(void* inst, const nexus_call_context* c, nexus_str prefix, nexus_str cursor, std::uint32_t limit,
                              const nexus_writer* out) noexcept {
    CallContext ctx(c);
    return guard([&] {
      if (limit == 0 || limit > 1000) throw invalid_argument("limit must be 1..1000, got " + std::to_string(limit));
      const ListPage page = self(inst).list(ctx, view(prefix), view(cursor), limit);
      nlohmann::json j{{"objects", nlohmann::json::array()}};
      for (const auto& o : page.objects) j["objects"].push_back(o.to_json(false));
      if (!page.next_cursor.empty()) j["next_cursor"] = page.next_cursor;
      Writer(out).write(j.dump());
    }, [&](std::string_view m) { ctx.set_error(m); });
  }

  static nexus_status on_open(void* inst, const nexus_call_context* c, nexus_str key, const nexus_writer* info,
                              int* out_fd, std::uint64_t* out_offset) noexcept {
    CallContext ctx(c);
    return guard([&] {
      if (!out_fd || !out_offset) throw invalid_argument("open called without descriptor and offset slots");
      check_key(view(key));
      std::optional<FileObject> file = self(inst).open_as_file(ctx, view(key));
      if (!file) throw unimplemented("this object is not offered as a file; read it with get");
      if (file->fd < 0) throw internal("storage backend offered a file without a descriptor");
      // Ours until handed over: closed if writing the info fails.
      struct CloseUnlessReleased {
        int fd;
        ~CloseUnlessReleased() {
          if (fd >= 0) ::close(fd);
        }
      } owned{file->fd};
      Writer(info).write(file->info.to_json().dump());
      *out_offset = file->offset;
      *out_fd = std::exchange(owned.fd, -1);
    }, [&](std::string_view m) { ctx.set_error(m); });
  }

  // A backend that does not override open_as_file() offers no files: its
  // table says so (NULL) and the host never makes the call.
  static constexpr bool kOffersFiles =
      !std::is_same_v<decltype(&P::open_as_file), decltype(&Storage::open_as_file)>;

  static constexpr nexus_storage_v1 table{sizeof(nexus_storage_v1), &on_put, &on_get, &on_head, &on_delete, &on_list,
                                          kOffersFiles ? &on_open : nullptr};
};

}  // namespace detail
}  // namespace nexus::sdk
