// nexus/sdk/io.hpp — C++ views over the ABI's spans and writers.
#pragma once

#include <nexus/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "nexus/sdk/error.hpp"

namespace nexus::sdk {

inline std::string_view view(nexus_str s) noexcept { return s.size ? std::string_view(s.data, s.size) : std::string_view(); }
inline std::span<const std::uint8_t> view(nexus_bytes b) noexcept {
  return b.size ? std::span<const std::uint8_t>(b.data, b.size) : std::span<const std::uint8_t>();
}
inline nexus_str to_nexus_str(std::string_view s) noexcept { return nexus_str{s.data(), s.size()}; }

// Writes to a writer the other side owns. Throws Error with the writer's
// status when it refuses (receiver over its limit or gone), so plugin code
// stops at once. A null writer swallows everything (the caller did not ask).
class Writer {
 public:
  explicit Writer(const nexus_writer* w) noexcept : w_(w) {}
  void write(const void* data, std::size_t size) const {
    if (!w_ || size == 0) return;
    const nexus_status s = w_->callback_write(w_->receiver_data, data, size);
    if (s != NEXUS_OK) throw Error(s, "the receiver refused more output");
  }
  void write(std::string_view s) const { write(s.data(), s.size()); }
  void write(std::span<const std::uint8_t> b) const { write(b.data(), b.size()); }
  bool present() const noexcept { return w_ != nullptr; }

 private:
  const nexus_writer* w_;
};

// A nexus_writer that appends into a std::string, for calling another
// instance's interface from a plugin (the receiving side owns the bytes).
class StringSink {
 public:
  StringSink() noexcept : writer_{sizeof(nexus_writer), this, &StringSink::append} {}
  StringSink(const StringSink&) = delete;
  StringSink& operator=(const StringSink&) = delete;
  const nexus_writer* writer() const noexcept { return &writer_; }
  std::string& str() noexcept { return data_; }

 private:
  static nexus_status append(void* self, const void* data, std::size_t size) noexcept {
    try {
      static_cast<StringSink*>(self)->data_.append(static_cast<const char*>(data), size);
      return NEXUS_OK;
    } catch (...) {
      return NEXUS_RESOURCE_EXHAUSTED;
    }
  }
  nexus_writer writer_;
  std::string data_;
};

}  // namespace nexus::sdk
