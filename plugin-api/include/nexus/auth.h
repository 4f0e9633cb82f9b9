/*
 * nexus/auth.h — interface "nexus.auth/1": decide who is calling.
 *
 * The host runs each route group's chain of auth instances in order on every
 * request: the first ALLOW wins and its principal is attached to the call;
 * a DENY stops the chain (401); if every instance ABSTAINs (none recognises
 * the credentials), the request is unauthenticated (401). Authorization —
 * whether the principal's scopes allow the operation — is the host's job.
 *
 * Principal JSON written on ALLOW:
 *   {"subject": "key:ops", "scopes": ["storage:recordings:read", ...],
 *    "claims": { ... any extra facts, no secrets ... }}
 * Scopes are colon-separated; '*' as a whole segment matches any segment,
 * and a trailing '*' segment matches the rest ("storage:*" allows all of
 * storage, "*" allows everything).
 */
#pragma once

#include "nexus/context.h"
#include "nexus/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NEXUS_AUTH_V1 "nexus.auth/1"

typedef enum nexus_auth_decision {
  /* These credentials are not mine (no header I understand): ask the next. */
  NEXUS_AUTH_ABSTAIN = 0,
  /* Authenticated; the principal JSON was written. */
  NEXUS_AUTH_ALLOW = 1,
  /* Credentials of mine, but wrong (bad key, expired token): stop here.
   * Say why with callback_set_error (never echo the credential). */
  NEXUS_AUTH_DENY = 2,
  NEXUS_AUTH_DECISION_FORCE_32BIT = 0x7fffffff
} nexus_auth_decision;

/* One HTTP header. `name` is lower-case. OWNERSHIP: borrowed. */
typedef struct nexus_http_header {
  nexus_str name;
  nexus_str value;
} nexus_http_header;

/* What an auth plugin sees of a request. The body is not included.
 * OWNERSHIP: borrowed for the call. */
typedef struct nexus_request_view {
  uint32_t struct_size;          /* sizeof(nexus_request_view). Since 1.0. */
  nexus_str method;              /* "GET" */
  nexus_str path;                /* "/v1/storage/recordings/a.wav", not decoded */
  nexus_str query;               /* "prefix=a&limit=10", without '?'; may be empty */
  const nexus_http_header* headers;
  size_t header_count;
  nexus_str remote_address;      /* "127.0.0.1" */
  nexus_str route_group;         /* "storage", "admin", "mcp", "transcription", "tokens" */
} nexus_request_view;

typedef struct nexus_auth_v1 {
  uint32_t struct_size; /* sizeof(nexus_auth_v1) as the plugin compiled it. */

  /* Look at `request` and decide. On ALLOW write the principal JSON through
   * `principal_json`. Return NEXUS_OK with the decision; return another
   * status only when the instance could not decide (NEXUS_UNAVAILABLE: key
   * server down and nothing cached) — the host then answers 503, not 401.
   * Must be constant-time in any secret it compares. */
  nexus_status (*on_authenticate)(void* instance, const nexus_call_context* ctx, const nexus_request_view* request,
                                  nexus_auth_decision* out_decision, const nexus_writer* principal_json);
} nexus_auth_v1;

#ifdef __cplusplus
}
#endif
