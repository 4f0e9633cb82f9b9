// A nexus_call_context for calling another instance (a storage dependency)
// on behalf of the call this instance is serving.
//
// The child forwards what belongs to the caller — cancellation, deadline,
// principal, request id, logs, client requests — so a storage call stops
// when the agent gives up and its logs correlate with the tool call. It
// keeps its own error message: the dependency's explanation is reported by
// this plugin in its own words, and must not overwrite the parent's.
// Progress is not forwarded by default: the parent's progress sequence
// belongs to the tool, and a dependency's own numbers would make it go
// backwards. A tool whose work *is* one long dependency call (transcribing a
// recording) opts in with ChildProgress::forwarded, and then reports no
// progress of its own, so the sequence the caller sees stays increasing.
#pragma once

#include <nexus/context.h>

#include <string>

#include <nexus/sdk/context.hpp>
#include <nexus/sdk/io.hpp>

namespace nexus::sdk {

// What happens to the progress a dependency reports through a ChildContext.
enum class ChildProgress {
  dropped,    // the default: the parent's caller never sees it
  forwarded,  // passed to the parent's caller unchanged (done, total, message)
};

class ChildContext {
 public:
  explicit ChildContext(const CallContext& parent, ChildProgress progress = ChildProgress::dropped) noexcept
      : parent_(parent.raw()) {
    ctx_.struct_size = sizeof(nexus_call_context);
    ctx_.host_data = this;
    if (parent_) {
      ctx_.request_id = parent_->request_id;
      if (NEXUS_SDK_HAS_MEMBER(parent_, nexus_call_context, deadline_unix_ms))
        ctx_.deadline_unix_ms = parent_->deadline_unix_ms;
      if (NEXUS_SDK_HAS_MEMBER(parent_, nexus_call_context, principal_json))
        ctx_.principal_json = parent_->principal_json;
    }
    ctx_.callback_is_cancelled = &on_is_cancelled;
    if (progress == ChildProgress::forwarded)
      ctx_.callback_progress = &on_progress;
    else
      ctx_.callback_progress = [](void*, double, double, nexus_str) {};
    ctx_.callback_log = &on_log;
    ctx_.callback_set_error = &on_set_error;
    ctx_.callback_client_request = &on_client_request;
  }
  ChildContext(const ChildContext&) = delete;
  ChildContext& operator=(const ChildContext&) = delete;

  const nexus_call_context* get() const noexcept { return &ctx_; }
  // The message the dependency set with callback_set_error, if any.
  const std::string& error() const noexcept { return error_; }

 private:
  static ChildContext& self(void* p) noexcept { return *static_cast<ChildContext*>(p); }
  static int on_is_cancelled(void* p) noexcept { return CallContext(self(p).parent_).cancelled() ? 1 : 0; }
  static void on_progress(void* p, double done, double total, nexus_str message) noexcept {
    CallContext(self(p).parent_).progress(done, total, view(message));
  }
  static void on_log(void* p, nexus_log_level level, nexus_str message) noexcept {
    CallContext(self(p).parent_).log(level, view(message));
  }
  static void on_set_error(void* p, nexus_str message) noexcept {
    try {
      self(p).error_.assign(view(message));
    } catch (...) {
    }
  }
  static nexus_status on_client_request(void* p, nexus_str method, nexus_str params,
                                        const nexus_writer* result) noexcept {
    const nexus_call_context* parent = self(p).parent_;
    if (!parent || !NEXUS_SDK_HAS_MEMBER(parent, nexus_call_context, callback_client_request) ||
        !parent->callback_client_request)
      return NEXUS_UNIMPLEMENTED;
    return parent->callback_client_request(parent->host_data, method, params, result);
  }

  const nexus_call_context* parent_;
  nexus_call_context ctx_{};
  std::string error_;
};

}  // namespace nexus::sdk
