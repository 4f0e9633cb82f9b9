// runtime/sinks.hpp — host-side receivers for plugin outputs. The host owns
// every byte it receives: a plugin only ever calls callback_write.
#pragma once

#include <nexus/types.h>

#include <cstddef>
#include <functional>
#include <limits>
#include <string>

namespace nexus::host {

// Appends into a std::string, refusing past `limit` bytes (a plugin cannot
// make the host allocate without bound).
class StringSink {
 public:
  explicit StringSink(std::size_t limit = std::numeric_limits<std::size_t>::max()) noexcept
      : writer_{sizeof(nexus_writer), this, &StringSink::append}, limit_(limit) {}
  StringSink(const StringSink&) = delete;
  StringSink& operator=(const StringSink&) = delete;

  const nexus_writer* writer() const noexcept { return &writer_; }
  std::string& str() noexcept { return data_; }
  std::string take() noexcept { return std::move(data_); }

 private:
  static nexus_status append(void* self, const void* data, std::size_t size) noexcept;
  nexus_writer writer_;
  std::string data_;
  std::size_t limit_;
};

// Forwards each chunk to a function; the function returns false to stop.
class CallbackSink {
 public:
  explicit CallbackSink(std::function<bool(const void*, std::size_t)> fn) noexcept
      : writer_{sizeof(nexus_writer), this, &CallbackSink::forward}, fn_(std::move(fn)) {}
  CallbackSink(const CallbackSink&) = delete;
  CallbackSink& operator=(const CallbackSink&) = delete;
  const nexus_writer* writer() const noexcept { return &writer_; }

 private:
  static nexus_status forward(void* self, const void* data, std::size_t size) noexcept;
  nexus_writer writer_;
  std::function<bool(const void*, std::size_t)> fn_;
};

}  // namespace nexus::host
