// Calls a "nexus.storage/1" dependency through its vtable, with a child
// context per call, and hands back what the backend said as plain values.
#pragma once

#include <nexus/storage.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include <nexus/sdk/host.hpp>
#include <nexus/sdk/io.hpp>
#include <nexus/sdk/storage.hpp>

#include "nexus/sdk/child_context.hpp"

namespace nexus::sdk {

// What one storage call returned: the status, the backend's message, the
// info/listing JSON text and (get) the body bytes.
struct StorageReply {
  nexus_status status = NEXUS_INTERNAL;
  std::string error;
  std::string info;
  std::string body;
  bool ok() const noexcept { return status == NEXUS_OK; }
  // The info/listing JSON, or an empty object when the backend wrote none.
  nlohmann::json info_json() const {
    nlohmann::json j = nlohmann::json::parse(info, nullptr, false);
    return j.is_object() ? j : nlohmann::json::object();
  }
};

// A writer that refuses (RESOURCE_EXHAUSTED) past `limit` bytes, so a huge
// object stops streaming as soon as it is too large instead of filling memory.
class LimitedSink {
 public:
  explicit LimitedSink(std::uint64_t limit) noexcept : limit_(limit), writer_{sizeof(nexus_writer), this, &append} {}
  LimitedSink(const LimitedSink&) = delete;
  LimitedSink& operator=(const LimitedSink&) = delete;
  const nexus_writer* writer() const noexcept { return &writer_; }
  std::string& str() noexcept { return data_; }
  bool overflowed() const noexcept { return overflowed_; }

 private:
  static nexus_status append(void* p, const void* data, std::size_t size) noexcept {
    auto& self = *static_cast<LimitedSink*>(p);
    if (self.data_.size() + size > self.limit_) {
      self.overflowed_ = true;
      return NEXUS_RESOURCE_EXHAUSTED;
    }
    try {
      self.data_.append(static_cast<const char*>(data), size);
      return NEXUS_OK;
    } catch (...) {
      return NEXUS_RESOURCE_EXHAUSTED;
    }
  }
  std::uint64_t limit_;
  nexus_writer writer_;
  std::string data_;
  bool overflowed_ = false;
};

class StorageClient {
 public:
  StorageClient(std::string instance, InterfaceRef<nexus_storage_v1> ref)
      : instance_(std::move(instance)), ref_(ref) {
    if (ref_.vtable->struct_size < sizeof(nexus_storage_v1))
      throw failed_precondition("storage instance '" + instance_ +
                                     "' has an older nexus.storage/1 table than this plugin needs");
  }
  const std::string& instance() const noexcept { return instance_; }

  StorageReply put(const CallContext& ctx, std::string_view key, std::string_view body,
                   std::string_view content_type, std::string_view if_match = {}) const {
    ChildContext child(ctx);
    StringSink info;
    const nexus_put_options options{sizeof(nexus_put_options), to_nexus_str(content_type), nexus_str{nullptr, 0},
                                    0u, to_nexus_str(if_match)};
    const nexus_bytes bytes{reinterpret_cast<const std::uint8_t*>(body.data()), body.size()};
    StorageReply r;
    r.status = ref_.vtable->on_put(ref_.instance, child.get(), to_nexus_str(key), bytes, &options, info.writer());
    return finish(std::move(r), child, std::move(info.str()));
  }

  // Reads at most `max_body` bytes; a larger body ends the call with
  // RESOURCE_EXHAUSTED.
  StorageReply get(const CallContext& ctx, std::string_view key, const std::optional<ByteRange>& range,
                   std::uint64_t max_body) const {
    ChildContext child(ctx);
    StringSink info;
    LimitedSink body(max_body);
    nexus_byte_range raw{sizeof(nexus_byte_range), 0, -1};
    if (range) raw = nexus_byte_range{sizeof(nexus_byte_range), range->first, range->last};
    StorageReply r;
    r.status = ref_.vtable->on_get(ref_.instance, child.get(), to_nexus_str(key), range ? &raw : nullptr,
                                   info.writer(), body.writer());
    r.body = std::move(body.str());
    return finish(std::move(r), child, std::move(info.str()));
  }

  StorageReply head(const CallContext& ctx, std::string_view key) const {
    ChildContext child(ctx);
    StringSink info;
    StorageReply r;
    r.status = ref_.vtable->on_head(ref_.instance, child.get(), to_nexus_str(key), info.writer());
    return finish(std::move(r), child, std::move(info.str()));
  }

  StorageReply remove(const CallContext& ctx, std::string_view key) const {
    ChildContext child(ctx);
    StorageReply r;
    r.status = ref_.vtable->on_delete(ref_.instance, child.get(), to_nexus_str(key));
    return finish(std::move(r), child, {});
  }

  StorageReply list(const CallContext& ctx, std::string_view prefix, std::string_view cursor,
                    std::uint32_t limit) const {
    ChildContext child(ctx);
    StringSink out;
    StorageReply r;
    r.status = ref_.vtable->on_list(ref_.instance, child.get(), to_nexus_str(prefix), to_nexus_str(cursor),
                                    limit, out.writer());
    return finish(std::move(r), child, std::move(out.str()));
  }

 private:
  static StorageReply finish(StorageReply r, const ChildContext& child, std::string info) {
    r.info = std::move(info);
    r.error = child.error();
    if (r.error.empty() && !r.ok()) r.error = nexus_status_name(r.status);
    // The caller gave up: that ends the tool call at the protocol level,
    // not as an isError result the model would try to act on.
    if (r.status == NEXUS_CANCELLED || r.status == NEXUS_DEADLINE_EXCEEDED)
      throw Error(r.status, r.status == NEXUS_CANCELLED ? "the call was cancelled" : "the call's deadline passed");
    return r;
  }

  std::string instance_;
  InterfaceRef<nexus_storage_v1> ref_;
};

}  // namespace nexus::sdk
