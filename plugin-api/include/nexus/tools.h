/*
 * nexus/tools.h — interface "nexus.tools/1": MCP-style tools.
 *
 * A tools instance offers named tools in the shape of the Model Context
 * Protocol (revision 2025-11-25): the host lists them over MCP `tools/list`
 * (prefixing names with "<instance>." when two instances collide) and calls
 * them for `tools/call` after validating the arguments against the tool's
 * inputSchema. Progress, logs, cancellation and server-to-client requests
 * (sampling, elicitation) go through the call context.
 */
#pragma once

#include "nexus/context.h"
#include "nexus/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NEXUS_TOOLS_V1 "nexus.tools/1"

typedef struct nexus_tools_v1 {
  uint32_t struct_size; /* sizeof(nexus_tools_v1) as the plugin compiled it. */

  /* Write a JSON array of MCP Tool objects through `tools_json`:
   *   [{"name": "kv_get", "title": "...", "description": "...",
   *     "inputSchema": {"type": "object", ...},
   *     "outputSchema": {...},            (optional)
   *     "annotations": {...},             (optional)
   *     "x-nexus-inline": true}, ...]     (optional; see below)
   * Names match [A-Za-z0-9_.-]{1,64}. The list may depend on the instance's
   * config but must not change while the instance lives.
   *
   * "x-nexus-inline": true promises that every call of this tool is a short
   * computation (microseconds) that never waits: no I/O, no sleeping, no
   * lock another call can hold for long, no progress, logs or client
   * requests through the context. The host may then run the call on the
   * thread that read the request, saving two thread hand-offs per call. A
   * call that breaks the promise stalls other clients' requests meanwhile,
   * and its progress and logs are dropped, its client requests refused
   * (UNIMPLEMENTED). Leave the key out (or false) for anything else: such
   * calls run on a worker thread with a stream to the client. The key is
   * the host's and never shown to clients; a host that does not know it
   * runs the call on a worker, so it needs no newer ABI version. */
  nexus_status (*on_list_tools)(void* instance, const nexus_call_context* ctx, const nexus_writer* tools_json);

  /* Call tool `name` with `arguments_json` (a JSON object, already valid
   * against its inputSchema) and write an MCP CallToolResult through
   * `result_json`:
   *   {"content": [{"type": "text", "text": "..."} | {"type": "image",
   *     "data": "<base64>", "mimeType": "image/png"} | {"type": "audio", ...} |
   *     {"type": "resource", "resource": {...}}, ...],
   *    "structuredContent": {...},        (when the tool has an outputSchema)
   *    "isError": false}
   * A failure of the tool's own work (query error, object missing) is
   * NEXUS_OK with "isError": true and a text content saying what went wrong,
   * so the model can see it. Return a non-OK status only for protocol-level
   * failures: NOT_FOUND (no such tool), INVALID_ARGUMENT, CANCELLED,
   * DEADLINE_EXCEEDED, INTERNAL. */
  nexus_status (*on_call_tool)(void* instance, const nexus_call_context* ctx, nexus_str name,
                               nexus_str arguments_json, const nexus_writer* result_json);
} nexus_tools_v1;

#ifdef __cplusplus
}
#endif
