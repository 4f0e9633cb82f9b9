/*
 * nexus/tokens.h — interface "nexus.tokens/1": mint short-lived, scoped
 * bearer tokens.
 *
 * Behind POST /v1/tokens: an authenticated principal asks for a token for
 * itself, with a subset of its own scopes, for at most a configured time.
 * The same plugin usually also provides "nexus.auth/1" to verify the tokens
 * it mints (statelessly: signature + claims, plus a revocation list).
 */
#pragma once

#include "nexus/context.h"
#include "nexus/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NEXUS_TOKENS_V1 "nexus.tokens/1"

typedef struct nexus_tokens_v1 {
  uint32_t struct_size; /* sizeof(nexus_tokens_v1) as the plugin compiled it. */

  /* Mint a token for the principal of `ctx` (ctx->principal_json; a call
   * without a principal is NEXUS_UNAUTHENTICATED). `request_json`:
   *   {"scopes": ["storage:recordings:read"],   (required; each must be
   *                                               covered by the principal's)
   *    "ttl_seconds": 300,                       (optional; capped by config)
   *    "audience": "mcp"}                        (optional restriction)
   * Writes {"token": "...", "token_type": "Bearer", "expires_in": 300,
   *         "expires_at": "2026-...Z", "scopes": [...], "token_id": "..."}.
   * Errors: PERMISSION_DENIED (a scope the principal lacks: name it),
   * INVALID_ARGUMENT (bad request shape). The token must never be logged. */
  nexus_status (*on_mint)(void* instance, const nexus_call_context* ctx, nexus_str request_json,
                          const nexus_writer* out);
} nexus_tokens_v1;

#ifdef __cplusplus
}
#endif
