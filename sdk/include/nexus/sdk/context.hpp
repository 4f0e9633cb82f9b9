// nexus/sdk/context.hpp — the call context as a small class.
#pragma once

#include <nexus/context.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nexus/sdk/io.hpp"

namespace nexus::sdk {

// True if the struct the other side compiled is large enough to contain
// `member` (a member added in a later ABI minor may be absent).
#define NEXUS_SDK_HAS_MEMBER(ptr, type, member) \
  ((ptr) != nullptr && offsetof(type, member) + sizeof(((type*)nullptr)->member) <= (ptr)->struct_size)

class CallContext {
 public:
  explicit CallContext(const nexus_call_context* c) noexcept : c_(c) {}

  std::string_view request_id() const noexcept { return c_ ? view(c_->request_id) : std::string_view(); }

  // True once the caller cancelled or the deadline passed.
  bool cancelled() const noexcept {
    if (c_ && NEXUS_SDK_HAS_MEMBER(c_, nexus_call_context, callback_is_cancelled) && c_->callback_is_cancelled &&
        c_->callback_is_cancelled(c_->host_data) != 0)
      return true;
    return deadline_passed();
  }
  // Throws Error(CANCELLED / DEADLINE_EXCEEDED) when the call should stop.
  void check() const {
    if (deadline_passed()) throw Error(NEXUS_DEADLINE_EXCEEDED, "the call's deadline passed");
    if (cancelled()) throw Error(NEXUS_CANCELLED, "the call was cancelled");
  }

  // Absolute deadline, or time_point::max() when there is none.
  std::chrono::system_clock::time_point deadline() const noexcept {
    if (!c_ || !NEXUS_SDK_HAS_MEMBER(c_, nexus_call_context, deadline_unix_ms) || c_->deadline_unix_ms <= 0)
      return std::chrono::system_clock::time_point::max();
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(c_->deadline_unix_ms));
  }
  bool deadline_passed() const noexcept { return std::chrono::system_clock::now() >= deadline(); }

  void progress(double done, double total = 0, std::string_view message = {}) const noexcept {
    if (c_ && NEXUS_SDK_HAS_MEMBER(c_, nexus_call_context, callback_progress) && c_->callback_progress)
      c_->callback_progress(c_->host_data, done, total, to_nexus_str(message));
  }
  void log(nexus_log_level level, std::string_view message) const noexcept {
    if (c_ && NEXUS_SDK_HAS_MEMBER(c_, nexus_call_context, callback_log) && c_->callback_log)
      c_->callback_log(c_->host_data, level, to_nexus_str(message));
  }
  void set_error(std::string_view message) const noexcept {
    if (c_ && NEXUS_SDK_HAS_MEMBER(c_, nexus_call_context, callback_set_error) && c_->callback_set_error)
      c_->callback_set_error(c_->host_data, to_nexus_str(message));
  }

  // The principal JSON, or null for an anonymous/host call.
  nlohmann::json principal() const {
    if (!c_ || c_->principal_json.size == 0) return nullptr;
    return nlohmann::json::parse(view(c_->principal_json), nullptr, false);
  }

  // Server-to-client request (MCP sampling/elicitation). Throws Error on failure.
  nlohmann::json client_request(std::string_view method, const nlohmann::json& params) const {
    if (!c_ || !NEXUS_SDK_HAS_MEMBER(c_, nexus_call_context, callback_client_request) || !c_->callback_client_request)
      throw Error(NEXUS_UNIMPLEMENTED, "this transport cannot send requests to the client");
    StringSink sink;
    const std::string p = params.dump();
    const nexus_status s = c_->callback_client_request(c_->host_data, to_nexus_str(method), to_nexus_str(p), sink.writer());
    if (s != NEXUS_OK) throw Error(s, "client request '" + std::string(method) + "' failed: " + sink.str());
    return nlohmann::json::parse(sink.str());
  }

  const nexus_call_context* raw() const noexcept { return c_; }

 private:
  const nexus_call_context* c_;
};

}  // namespace nexus::sdk
