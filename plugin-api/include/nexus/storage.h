/*
 * nexus/storage.h — interface "nexus.storage/1": an object store.
 *
 * Objects are byte strings named by keys, with a content type and string
 * metadata. Backends: files on disk, memory, S3, DynamoDB, SQLite.
 *
 * Keys (checked by the host before a call, and again by every backend with
 * nexus_storage_key_problem below, so a key can never escape a backend's
 * root whatever the caller):
 *   - 1..1024 bytes of well-formed UTF-8; '/' separates segments;
 *   - no NUL, no control characters (< 0x20, 0x7f), no backslash;
 *   - does not start with '/', no empty segment ("a//b", trailing '/'),
 *     no "." or ".." segment.
 *
 * JSON shapes written by the functions below:
 *   object info: {"key": "a/b.wav", "size": 123, "content_type": "audio/wav",
 *                 "etag": "opaque", "last_modified": "2026-01-02T03:04:05Z",
 *                 "metadata": {"k": "v"}}
 *   listing:     {"objects": [object info without "metadata", ...],
 *                 "next_cursor": "opaque" }   (next_cursor absent at the end)
 * Metadata keys match [a-z0-9-]{1,64}, values are UTF-8 strings; a backend
 * keeps at most 8 KiB of metadata per object.
 *
 * Every function: [any-thread]; concurrent calls on one instance only if the
 * plugin declares NEXUS_CONCURRENCY_PARALLEL. A write must be atomic: a
 * reader sees the old object or the new one, never a mix, even if the
 * process dies mid-write.
 */
#pragma once

#include "nexus/context.h"
#include "nexus/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NEXUS_STORAGE_V1 "nexus.storage/1"

/* Longest key accepted, in bytes. */
#define NEXUS_STORAGE_MAX_KEY_BYTES 1024

/* put flag: fail with NEXUS_ALREADY_EXISTS if the key exists. */
#define NEXUS_PUT_IF_ABSENT 0x1u

typedef struct nexus_put_options {
  /* sizeof(nexus_put_options) as the caller compiled it. Since 1.0. */
  uint32_t struct_size;
  /* MIME type; empty means "application/octet-stream". */
  nexus_str content_type;
  /* Flat JSON object of string values, or empty for none. */
  nexus_str metadata_json;
  /* Bitwise OR of NEXUS_PUT_* flags. */
  uint32_t flags;
  /* If not empty: write only if the current object's etag equals it,
   * otherwise NEXUS_FAILED_PRECONDITION (optimistic concurrency). */
  nexus_str if_match;
} nexus_put_options;

/* A byte range, as in HTTP Range (RFC 9110 §14.1.2):
 *   first >= 0, last >= first : bytes first..last inclusive (clamped to size);
 *   first >= 0, last == -1    : bytes first..end;
 *   first <  0                : the last (-first) bytes (suffix range).
 * A range that selects no byte of the object (first >= size, or size 0)
 * is NEXUS_OUT_OF_RANGE. */
typedef struct nexus_byte_range {
  uint32_t struct_size; /* sizeof(nexus_byte_range). Since 1.0. */
  int64_t first;
  int64_t last;
} nexus_byte_range;

typedef struct nexus_storage_v1 {
  /* sizeof(nexus_storage_v1) as the plugin compiled it. */
  uint32_t struct_size;

  /* Store `body` under `key`, replacing any existing object atomically.
   * Writes the new object's info JSON through `info` (may be NULL).
   * Errors: INVALID_ARGUMENT (bad key, bad metadata), ALREADY_EXISTS
   * (NEXUS_PUT_IF_ABSENT), FAILED_PRECONDITION (if_match), RESOURCE_EXHAUSTED
   * (too large / disk full), UNAVAILABLE (backend down; retry). */
  nexus_status (*on_put)(void* instance, const nexus_call_context* ctx, nexus_str key, nexus_bytes body,
                         const nexus_put_options* options, const nexus_writer* info);

  /* Read `key`. `range` NULL means the whole object. Writes the object info
   * JSON (describing the whole object, "size" is its full size) through
   * `info` BEFORE any byte of the body, then the selected bytes through
   * `body` in one or more chunks. For NEXUS_OUT_OF_RANGE the info is still
   * written (so the caller can report the size). Errors: NOT_FOUND,
   * INVALID_ARGUMENT, OUT_OF_RANGE, UNAVAILABLE. */
  nexus_status (*on_get)(void* instance, const nexus_call_context* ctx, nexus_str key, const nexus_byte_range* range,
                         const nexus_writer* info, const nexus_writer* body);

  /* Object info JSON of `key` through `info`, without the body.
   * Errors: NOT_FOUND, INVALID_ARGUMENT, UNAVAILABLE. */
  nexus_status (*on_head)(void* instance, const nexus_call_context* ctx, nexus_str key, const nexus_writer* info);

  /* Delete `key`. NOT_FOUND if it did not exist (the caller decides whether
   * that matters). */
  nexus_status (*on_delete)(void* instance, const nexus_call_context* ctx, nexus_str key);

  /* List objects whose key starts with `prefix` (may be empty), in byte-wise
   * ascending key order, at most `limit` (1..1000; the plugin may return
   * fewer) per page, starting after the page `cursor` ended (empty for the
   * first page). Writes the listing JSON through `out`. Cursors are opaque,
   * stable across writes (a key added behind the cursor is not seen, one
   * ahead is), and INVALID_ARGUMENT when malformed. */
  nexus_status (*on_list)(void* instance, const nexus_call_context* ctx, nexus_str prefix, nexus_str cursor,
                          uint32_t limit, const nexus_writer* out);

  /* Since 1.1. Optional: NULL, or absent (struct_size does not reach it),
   * for a backend whose objects are not files. Opens `key` so the host can
   * send the whole object itself (sendfile) instead of receiving it through
   * on_get. Writes the object info JSON through `info`, then stores in
   * *out_fd a descriptor open for reading (O_CLOEXEC) whose bytes
   * [*out_offset, *out_offset + size) are the object, size being the info's
   * "size". From NEXUS_OK on, the host owns the descriptor and closes it;
   * on any other status *out_fd is not set and the plugin keeps nothing
   * open. Those bytes must not change while the descriptor is open (a
   * backend that replaces objects by renaming a new file over the old one,
   * as "fs" does, gives the old file). NEXUS_UNIMPLEMENTED: this object
   * cannot be offered as a file; the host calls on_get instead. Other
   * errors as on_get: NOT_FOUND, INVALID_ARGUMENT, UNAVAILABLE. */
  nexus_status (*on_open)(void* instance, const nexus_call_context* ctx, nexus_str key, const nexus_writer* info,
                          int* out_fd, uint64_t* out_offset);
} nexus_storage_v1;

/* Length of the well-formed UTF-8 sequence at s[0..n) (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0. */
static inline size_t nexus_utf8_sequence_length(const unsigned char* s, size_t n) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return (n >= 2 && (s[1] & 0xc0) == 0x80) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80) return 0;
    if (c == 0xe0 && s[1] < 0xa0) return 0; /* overlong */
    if (c == 0xed && s[1] > 0x9f) return 0; /* surrogate */
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80) return 0;
    if (c == 0xf0 && s[1] < 0x90) return 0; /* overlong */
    if (c == 0xf4 && s[1] > 0x8f) return 0; /* above U+10FFFF */
    return 4;
  }
  return 0;
}

/* Why `key` is not a valid storage key, or NULL if it is valid. Static
 * storage. Plain C so the host and every backend apply one rule. */
static inline const char* nexus_storage_key_problem(nexus_str key) {
  size_t i;
  size_t segment_start = 0;
  if (key.size == 0) return "key is empty";
  if (key.size > NEXUS_STORAGE_MAX_KEY_BYTES) return "key is longer than 1024 bytes";
  if (key.data[0] == '/') return "key starts with '/'; keys are relative";
  for (i = 0; i < key.size;) {
    size_t len = nexus_utf8_sequence_length((const unsigned char*)key.data + i, key.size - i);
    if (len == 0) return "key is not valid UTF-8";
    i += len;
  }
  for (i = 0; i <= key.size; ++i) {
    unsigned char c = i < key.size ? (unsigned char)key.data[i] : (unsigned char)'/';
    if (i < key.size) {
      if (c == 0) return "key contains a NUL byte";
      if (c < 0x20 || c == 0x7f) return "key contains a control character";
      if (c == '\\') return "key contains a backslash; use '/' to separate segments";
    }
    if (c == '/') {
      size_t len = i - segment_start;
      const char* seg = key.data + segment_start;
      if (len == 0) return "key has an empty segment ('//' or a trailing '/')";
      if (len == 1 && seg[0] == '.') return "key has a '.' segment";
      if (len == 2 && seg[0] == '.' && seg[1] == '.') return "key has a '..' segment";
      segment_start = i + 1;
    }
  }
  return 0;
}

#ifdef __cplusplus
}
#endif
