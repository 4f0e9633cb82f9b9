/*
 * broken_storage_traversal — in-memory storage in plain C that accepts any
 * key, including "../x", "/abs", "a\b" and keys with NUL bytes. Everything
 * else follows storage.h (ranges, metadata, conditions, cursors), so the
 * kit's key check is the one that fails. Objects live in a sorted array;
 * nothing touches the filesystem. A fixture for nexus-plugin-check.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create, for the broken_storage_open build */
#endif
#include <nexus/nexus.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef TEST_PLUGIN_ID
#define TEST_PLUGIN_ID "broken_storage_traversal"
#endif

typedef struct object {
  char* key;
  size_t key_size;
  uint8_t* body;
  size_t size;
  char* content_type; /* NUL-terminated */
  char* metadata;     /* JSON object text, NUL-terminated */
  unsigned long etag;
} object;

typedef struct store {
  object* objects;
  size_t count, capacity;
  unsigned long generation;
} store;

static const char* const kInterfaces[] = {NEXUS_STORAGE_V1, NULL};

static void set_error(const nexus_call_context* ctx, const char* message) {
  nexus_str m = {message, strlen(message)};
  ctx->callback_set_error(ctx->host_data, m);
}

static nexus_status write_bytes(const nexus_writer* w, const void* data, size_t size) {
  if (!w || size == 0) return NEXUS_OK;
  return w->callback_write(w->receiver_data, data, size);
}
static nexus_status write_text(const nexus_writer* w, const char* s) {
  return write_bytes(w, s, strlen(s));
}

/* Byte-wise comparison of two keys (memcmp, then length). */
static int key_cmp(const char* a, size_t an, const char* b, size_t bn) {
  int c = memcmp(a, b, an < bn ? an : bn);
  if (c != 0) return c;
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/* Index of the first object whose key is >= key; *found when equal. */
static size_t lower_bound(const store* s, const char* key, size_t n, int* found) {
  size_t lo = 0, hi = s->count;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (key_cmp(s->objects[mid].key, s->objects[mid].key_size, key, n) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = lo < s->count && key_cmp(s->objects[lo].key, s->objects[lo].key_size, key, n) == 0;
  return lo;
}

/* The key as a JSON string; control bytes as \u00XX. */
static nexus_status write_json_key(const nexus_writer* w, const char* key, size_t n) {
  nexus_status st = write_text(w, "\"");
  for (size_t i = 0; st == NEXUS_OK && i < n; ++i) {
    unsigned char c = (unsigned char)key[i];
    char buf[8];
    if (c < 0x20 || c == 0x7f) {
      snprintf(buf, sizeof buf, "\\u%04x", c);
      st = write_text(w, buf);
    } else if (c == '"' || c == '\\') {
      buf[0] = '\\';
      buf[1] = (char)c;
      st = write_bytes(w, buf, 2);
    } else {
      st = write_bytes(w, &key[i], 1);
    }
  }
  return st == NEXUS_OK ? write_text(w, "\"") : st;
}

static nexus_status write_info(const nexus_writer* w, const object* o, int with_metadata) {
  char buf[128];
  nexus_status st = write_text(w, "{\"key\":");
  if (st == NEXUS_OK) st = write_json_key(w, o->key, o->key_size);
  snprintf(buf, sizeof buf,
           ",\"size\":%zu,\"etag\":\"e%lu\",\"last_modified\":\"2026-01-01T00:00:00Z\",\"content_type\":\"", o->size,
           o->etag);
  if (st == NEXUS_OK) st = write_text(w, buf);
  if (st == NEXUS_OK) st = write_text(w, o->content_type); /* the kit sends plain ASCII types */
  if (st == NEXUS_OK) st = write_text(w, "\"");
  if (st == NEXUS_OK && with_metadata) {
    st = write_text(w, ",\"metadata\":");
    if (st == NEXUS_OK) st = write_text(w, o->metadata);
  }
  return st == NEXUS_OK ? write_text(w, "}") : st;
}

static char* copy_text(nexus_str s, const char* fallback) {
  const char* src = s.size ? s.data : fallback;
  size_t n = s.size ? s.size : strlen(fallback);
  char* out = (char*)malloc(n + 1);
  if (out) {
    memcpy(out, src, n);
    out[n] = 0;
  }
  return out;
}

static void free_object(object* o) {
  free(o->key);
  free(o->body);
  free(o->content_type);
  free(o->metadata);
}

static nexus_status on_put(void* inst, const nexus_call_context* ctx, nexus_str key, nexus_bytes body,
                           const nexus_put_options* options, const nexus_writer* info) {
  store* s = (store*)inst;
  int found;
  size_t at = lower_bound(s, key.data, key.size, &found); /* THE BUG: the key is never checked */
  if (options && (options->flags & NEXUS_PUT_IF_ABSENT) && found) {
    set_error(ctx, "object exists (if_absent)");
    return NEXUS_ALREADY_EXISTS;
  }
  if (options && options->if_match.size) {
    char want[32];
    snprintf(want, sizeof want, "e%lu", found ? s->objects[at].etag : 0ul);
    if (!found || options->if_match.size != strlen(want) || memcmp(options->if_match.data, want, strlen(want)) != 0) {
      set_error(ctx, "etag does not match if_match");
      return NEXUS_FAILED_PRECONDITION;
    }
  }
  object o;
  o.key = (char*)malloc(key.size ? key.size : 1);
  o.body = (uint8_t*)malloc(body.size ? body.size : 1);
  o.content_type = copy_text(options ? options->content_type : (nexus_str){0, 0}, "application/octet-stream");
  o.metadata = copy_text(options ? options->metadata_json : (nexus_str){0, 0}, "{}");
  if (!o.key || !o.body || !o.content_type || !o.metadata) {
    free_object(&o);
    set_error(ctx, "out of memory");
    return NEXUS_RESOURCE_EXHAUSTED;
  }
  if (key.size) memcpy(o.key, key.data, key.size);
  if (body.size) memcpy(o.body, body.data, body.size);
  o.key_size = key.size;
  o.size = body.size;
  o.etag = ++s->generation;
  if (found) {
    free_object(&s->objects[at]);
  } else {
    if (s->count == s->capacity) {
      size_t cap = s->capacity ? s->capacity * 2 : 16;
      object* grown = (object*)realloc(s->objects, cap * sizeof *grown);
      if (!grown) {
        free_object(&o);
        set_error(ctx, "out of memory");
        return NEXUS_RESOURCE_EXHAUSTED;
      }
      s->objects = grown;
      s->capacity = cap;
    }
    memmove(&s->objects[at + 1], &s->objects[at], (s->count - at) * sizeof(object));
    ++s->count;
  }
  s->objects[at] = o;
  return write_info(info, &s->objects[at], 1);
}

static const object* find(store* s, nexus_str key, const nexus_call_context* ctx) {
  int found;
  size_t at = lower_bound(s, key.data, key.size, &found);
  if (!found) {
    set_error(ctx, "no such object");
    return NULL;
  }
  return &s->objects[at];
}

static nexus_status on_get(void* inst, const nexus_call_context* ctx, nexus_str key, const nexus_byte_range* range,
                           const nexus_writer* info, const nexus_writer* body) {
  const object* o = find((store*)inst, key, ctx);
  if (!o) return NEXUS_NOT_FOUND;
  nexus_status st = write_info(info, o, 1);
  if (st != NEXUS_OK) return st;
  size_t first = 0, count = o->size;
  if (range) {
    if (o->size == 0 || (range->first >= 0 && (uint64_t)range->first >= o->size)) {
      set_error(ctx, "range selects no byte of the object");
      return NEXUS_OUT_OF_RANGE;
    }
    if (range->first < 0) {
      size_t n = (size_t)(-range->first);
      count = n < o->size ? n : o->size;
      first = o->size - count;
    } else {
      size_t last = range->last < 0 || (uint64_t)range->last >= o->size ? o->size - 1 : (size_t)range->last;
      first = (size_t)range->first;
      count = last - first + 1;
    }
  }
  return write_bytes(body, o->body + first, count);
}

static nexus_status on_head(void* inst, const nexus_call_context* ctx, nexus_str key, const nexus_writer* info) {
  const object* o = find((store*)inst, key, ctx);
  return o ? write_info(info, o, 1) : NEXUS_NOT_FOUND;
}

static nexus_status on_delete(void* inst, const nexus_call_context* ctx, nexus_str key) {
  store* s = (store*)inst;
  int found;
  size_t at = lower_bound(s, key.data, key.size, &found);
  if (!found) {
    set_error(ctx, "no such object");
    return NEXUS_NOT_FOUND;
  }
  free_object(&s->objects[at]);
  memmove(&s->objects[at], &s->objects[at + 1], (s->count - at - 1) * sizeof(object));
  --s->count;
  return NEXUS_OK;
}

/* Cursor: "i" + the decimal index of the first object of the next page,
 * valid while nothing is inserted — enough for a fixture. */
static nexus_status on_list(void* inst, const nexus_call_context* ctx, nexus_str prefix, nexus_str cursor,
                            uint32_t limit, const nexus_writer* out) {
  store* s = (store*)inst;
  size_t start = 0;
  if (cursor.size) {
    char buf[32];
    char* end = NULL;
    if (cursor.size >= sizeof buf || cursor.data[0] != 'i') {
      set_error(ctx, "malformed cursor");
      return NEXUS_INVALID_ARGUMENT;
    }
    memcpy(buf, cursor.data + 1, cursor.size - 1);
    buf[cursor.size - 1] = 0;
    start = (size_t)strtoul(buf, &end, 10);
    if (!end || *end || end == buf) {
      set_error(ctx, "malformed cursor");
      return NEXUS_INVALID_ARGUMENT;
    }
  }
  nexus_status st = write_text(out, "{\"objects\":[");
  uint32_t n = 0;
  size_t i = start;
  for (; st == NEXUS_OK && i < s->count; ++i) {
    const object* o = &s->objects[i];
    if (o->key_size < prefix.size || memcmp(o->key, prefix.data, prefix.size) != 0) continue;
    if (n == limit) break;
    if (n++) st = write_text(out, ",");
    if (st == NEXUS_OK) st = write_info(out, o, 0);
  }
  if (st == NEXUS_OK) st = write_text(out, "]");
  if (st == NEXUS_OK && i < s->count && n == limit) {
    char buf[48];
    snprintf(buf, sizeof buf, ",\"next_cursor\":\"i%zu\"", i);
    st = write_text(out, buf);
  }
  return st == NEXUS_OK ? write_text(out, "}") : st;
}

#ifdef TEST_STORAGE_TABLE_1_0
/* Built as "storage_abi_1_0": the table as a plugin built against ABI 1.0
 * declares it, its struct_size ending before on_open (1.1). The field is
 * still there in this build and holds a function that aborts, so a host
 * that read on_open past struct_size would crash instead of passing. */
static nexus_status abort_on_open(void* instance, const nexus_call_context* ctx, nexus_str key, const nexus_writer* info,
                                  int* out_fd, uint64_t* out_offset) {
  (void)instance, (void)ctx, (void)key, (void)info, (void)out_fd, (void)out_offset;
  fprintf(stderr, "storage_abi_1_0: the host called on_open past the table's struct_size\n");
  abort();
}
static const nexus_storage_v1 kStorage = {offsetof(nexus_storage_v1, on_open), on_put, on_get, on_head, on_delete,
                                          on_list, abort_on_open};
#elif defined(TEST_STORAGE_BROKEN_OPEN)
/* Built as "broken_storage_open": offers objects as files, with three bugs
 * storage.open_as_file must name: the descriptor is not close-on-exec, the
 * offset it gives is one byte past the object's start, and a missing key
 * comes back NOT_FOUND with a descriptor set anyway. */
static nexus_status broken_on_open(void* instance, const nexus_call_context* ctx, nexus_str key,
                                   const nexus_writer* info, int* out_fd, uint64_t* out_offset) {
  const object* o = find((store*)instance, key, ctx);
  int fd = memfd_create("broken_storage_open", 0); /* bug: no MFD_CLOEXEC */
  if (fd < 0) return NEXUS_INTERNAL;
  if (!o) {
    *out_fd = fd; /* bug: only NEXUS_OK may hand over a descriptor */
    return NEXUS_NOT_FOUND;
  }
  if (o->size > 0 && write(fd, o->body, o->size) != (ssize_t)o->size) {
    close(fd);
    return NEXUS_INTERNAL;
  }
  nexus_status st = write_info(info, o, 1);
  if (st != NEXUS_OK) {
    close(fd);
    return st;
  }
  *out_fd = fd;
  *out_offset = 1; /* bug: the object starts at 0 */
  return NEXUS_OK;
}
static const nexus_storage_v1 kStorage = {sizeof(nexus_storage_v1), on_put, on_get, on_head, on_delete, on_list,
                                          broken_on_open};
#else
static const nexus_storage_v1 kStorage = {sizeof(nexus_storage_v1), on_put, on_get, on_head, on_delete, on_list, NULL};
#endif

static nexus_status on_instance_create(const nexus_host* host, nexus_str name, nexus_str config, void** out,
                                       const nexus_writer* error) {
  (void)host;
  (void)name;
  (void)config;
  store* s = (store*)calloc(1, sizeof *s);
  if (!s) {
    write_text(error, "out of memory");
    return NEXUS_RESOURCE_EXHAUSTED;
  }
  *out = s;
  return NEXUS_OK;
}

static void on_instance_destroy(void* instance) {
  store* s = (store*)instance;
  for (size_t i = 0; i < s->count; ++i) free_object(&s->objects[i]);
  free(s->objects);
  free(s);
}

static const void* on_get_interface(const char* id) {
  return id && strcmp(id, NEXUS_STORAGE_V1) == 0 ? (const void*)&kStorage : NULL;
}

static const nexus_plugin_descriptor kDescriptor = {
    sizeof(nexus_plugin_descriptor),
    NEXUS_ABI_MAJOR,
    NEXUS_ABI_MINOR,
    NEXUS_BUILD_SIGNATURE_INIT,
    TEST_PLUGIN_ID,
    "0.0.1",
    "Test fixture: in-memory storage that accepts unsafe keys",
    "Apache-2.0",
    kInterfaces,
    "{\"type\":\"object\",\"additionalProperties\":false}",
    NEXUS_CONCURRENCY_SERIAL,
    NULL,
    NULL,
    on_instance_create,
    on_instance_destroy,
    on_get_interface,
    NULL,
};

NEXUS_EXTERN_C NEXUS_EXPORT const nexus_plugin_descriptor* nexus_plugin_entry_v1(void) {
  return &kDescriptor;
}
