/*
 * nexus/context.h — the context every interface call receives.
 *
 * The host builds one nexus_call_context per call and passes it as the
 * second argument of every interface function. It carries who is calling,
 * until when, how to report progress and logs, how to find out the caller
 * gave up, and where to write the error message that accompanies a non-OK
 * status. Long-running calls poll callback_is_cancelled and the deadline.
 *
 * OWNERSHIP: the context and everything it points to are borrowed for the
 * duration of the call. Do not keep the pointer.
 *
 * Callbacks may be called only from the thread that received the call, or
 * from a thread the plugin started for this call while the call has not
 * returned ([call-thread-or-helper]); never after the call returned.
 * Check `struct_size` (offsetof + sizeof of the member) before reading a
 * member added in a later ABI minor; the SDK does this for you.
 */
#pragma once

#include "nexus/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nexus_call_context {
  /* sizeof(nexus_call_context) as the host compiled it. Since 1.0. */
  uint32_t struct_size;

  /* Opaque host pointer; pass it back as the first argument of every
   * callback below. */
  void* host_data;

  /* Request id for log correlation (e.g. "req-7f3a..."). Never empty. */
  nexus_str request_id;

  /* Absolute deadline in milliseconds since the Unix epoch (CLOCK_REALTIME),
   * or 0 for "no deadline". Past it, return NEXUS_DEADLINE_EXCEEDED. */
  int64_t deadline_unix_ms;

  /* The authenticated principal as JSON text:
   *   {"subject": "...", "scopes": ["..."], "claims": {...}, "auth": "instance"}
   * Empty (size 0) for calls made by the host itself or an embedding
   * application without a principal. */
  nexus_str principal_json;

  /* Non-zero once the caller has cancelled (client disconnected, MCP
   * notifications/cancelled, host shutting down). Cheap; poll it in loops.
   * [call-thread-or-helper] */
  int (*callback_is_cancelled)(void* host_data);

  /* Report progress: `progress` so far out of `total` (total <= 0 means
   * unknown). `message` may be empty. Progress must increase between calls.
   * The host forwards it (MCP notifications/progress) or drops it.
   * [call-thread-or-helper] */
  void (*callback_progress)(void* host_data, double progress, double total, nexus_str message);

  /* Log a line attributed to this call (request id and instance are added
   * by the host). Never put secrets in it. [call-thread-or-helper] */
  void (*callback_log)(void* host_data, nexus_log_level level, nexus_str message);

  /* Set the message that explains a non-OK status, e.g.
   * "key 'a/../b' has a '..' segment; use a key without dot segments".
   * The last call wins. Say what was wrong, where, and how to fix it.
   * [call-thread-or-helper] */
  void (*callback_set_error)(void* host_data, nexus_str message);

  /* Send a request to the client at the other end (MCP server-to-client
   * requests such as "sampling/createMessage" or "elicitation/create") and
   * wait for its result, written as JSON through `result_json`. NULL when the
   * transport has no client that can answer; returns NEXUS_UNIMPLEMENTED
   * when the client does not support the method. Blocks the calling thread.
   * [call-thread-or-helper] */
  nexus_status (*callback_client_request)(void* host_data, nexus_str method, nexus_str params_json,
                                          const nexus_writer* result_json);
} nexus_call_context;

#ifdef __cplusplus
}
#endif
