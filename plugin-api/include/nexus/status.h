/*
 * nexus/status.h — the one status enum every call returns.
 *
 * A plugin never throws and never sets errno across the ABI: it returns one
 * of these and, for anything but NEXUS_OK, writes a human-readable message
 * through the error callback of the call (see context.h) or the error writer
 * it was given (instance creation). The host maps each code once:
 *
 *   code                        HTTP   JSON-RPC (MCP)   meaning
 *   NEXUS_OK                    200    result           success
 *   NEXUS_INVALID_ARGUMENT      400    -32602           the caller's input is wrong
 *   NEXUS_NOT_FOUND             404    -32002           no such key / tool / object
 *   NEXUS_ALREADY_EXISTS        409    -32603           create-only write hit an existing object
 *   NEXUS_FAILED_PRECONDITION   412    -32603           state does not allow it (version mismatch ...)
 *   NEXUS_PERMISSION_DENIED     403    -32603           authenticated but not allowed
 *   NEXUS_UNAUTHENTICATED       401    -32603           no or bad credentials
 *   NEXUS_RESOURCE_EXHAUSTED    413/429 -32603          too large, quota, queue full
 *   NEXUS_UNAVAILABLE           503    -32603           transient; the caller may retry
 *   NEXUS_DEADLINE_EXCEEDED     504    -32603           the call's deadline passed
 *   NEXUS_CANCELLED             499    -32603           the caller went away / cancelled
 *   NEXUS_UNIMPLEMENTED         501    -32601           the operation is not provided
 *   NEXUS_INTERNAL              500    -32603           a bug; details in the log
 *   NEXUS_OUT_OF_RANGE          416    -32602           a byte range outside the object
 *
 * Values are fixed forever; new codes are only appended. A host that meets
 * an unknown code treats it as NEXUS_INTERNAL.
 */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nexus_status {
  NEXUS_OK = 0,
  NEXUS_INVALID_ARGUMENT = 1,
  NEXUS_NOT_FOUND = 2,
  NEXUS_ALREADY_EXISTS = 3,
  NEXUS_FAILED_PRECONDITION = 4,
  NEXUS_PERMISSION_DENIED = 5,
  NEXUS_UNAUTHENTICATED = 6,
  NEXUS_RESOURCE_EXHAUSTED = 7,
  NEXUS_UNAVAILABLE = 8,
  NEXUS_DEADLINE_EXCEEDED = 9,
  NEXUS_CANCELLED = 10,
  NEXUS_UNIMPLEMENTED = 11,
  NEXUS_INTERNAL = 12,
  NEXUS_OUT_OF_RANGE = 13,
  /* Keeps the enum 32 bits wide on every compiler. */
  NEXUS_STATUS_FORCE_32BIT = 0x7fffffff
} nexus_status;

/* Stable lower-case name of a status ("not_found"), or "unknown". Static
 * storage, never freed. Plain C so the host and plugins print the same. */
static inline const char* nexus_status_name(nexus_status s) {
  switch (s) {
    case NEXUS_OK: return "ok";
    case NEXUS_INVALID_ARGUMENT: return "invalid_argument";
    case NEXUS_NOT_FOUND: return "not_found";
    case NEXUS_ALREADY_EXISTS: return "already_exists";
    case NEXUS_FAILED_PRECONDITION: return "failed_precondition";
    case NEXUS_PERMISSION_DENIED: return "permission_denied";
    case NEXUS_UNAUTHENTICATED: return "unauthenticated";
    case NEXUS_RESOURCE_EXHAUSTED: return "resource_exhausted";
    case NEXUS_UNAVAILABLE: return "unavailable";
    case NEXUS_DEADLINE_EXCEEDED: return "deadline_exceeded";
    case NEXUS_CANCELLED: return "cancelled";
    case NEXUS_UNIMPLEMENTED: return "unimplemented";
    case NEXUS_INTERNAL: return "internal";
    case NEXUS_OUT_OF_RANGE: return "out_of_range";
    default: return "unknown";
  }
}

#ifdef __cplusplus
}
#endif
