/*
 * nexus/types.h — the value types every other header uses: borrowed spans
 * of text and bytes, the output writer, and log levels.
 *
 * OWNERSHIP, everywhere in this ABI:
 *   - every pointer a function receives is BORROWED for the duration of that
 *     call only; copy what you need to keep;
 *   - every output is written through a nexus_writer the caller provides,
 *     so the receiving side owns (allocates and frees) every byte it gets.
 *   Nothing allocated on one side is ever freed on the other.
 *
 * nexus_str and nexus_bytes are frozen value types (two fields, passed by
 * value) and have no size field; every struct that may grow starts with
 * `uint32_t struct_size`.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "nexus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* UTF-8 text, `size` bytes at `data`. NOT necessarily NUL-terminated, and
 * may contain NUL bytes (a key with an embedded NUL must reach the plugin
 * intact so it can refuse it). data may be NULL when size is 0.
 * OWNERSHIP: borrowed. */
typedef struct nexus_str {
  const char* data;
  size_t size;
} nexus_str;

/* Raw bytes, `size` bytes at `data`. data may be NULL when size is 0.
 * OWNERSHIP: borrowed. */
typedef struct nexus_bytes {
  const uint8_t* data;
  size_t size;
} nexus_bytes;

/* An output channel owned by the receiving side. The producer calls
 * callback_write zero or more times; chunks are appended in order. A writer
 * returns NEXUS_OK, or NEXUS_RESOURCE_EXHAUSTED when the receiver's limit is
 * hit, or NEXUS_CANCELLED when the receiver went away; the producer must then
 * stop and return that status.
 * OWNERSHIP: the writer struct is borrowed for the call it was passed to;
 * `data` passed to callback_write is borrowed by the receiver for that
 * callback only (it copies). */
typedef struct nexus_writer {
  uint32_t struct_size; /* sizeof(nexus_writer) as the creator compiled it */
  void* receiver_data;  /* opaque; passed back as the first argument */
  /* Append `size` bytes. [same thread as the call that received the writer] */
  nexus_status (*callback_write)(void* receiver_data, const void* data, size_t size);
} nexus_writer;

typedef enum nexus_log_level {
  NEXUS_LOG_TRACE = 0,
  NEXUS_LOG_DEBUG = 1,
  NEXUS_LOG_INFO = 2,
  NEXUS_LOG_WARN = 3,
  NEXUS_LOG_ERROR = 4,
  NEXUS_LOG_LEVEL_FORCE_32BIT = 0x7fffffff
} nexus_log_level;

#ifdef __cplusplus
}
#endif
