/*
 * nexus/plugin.h — how a plugin is found, checked, and instantiated.
 *
 * A plugin is a shared object that exports exactly one C symbol,
 * NEXUS_PLUGIN_ENTRY_NAME, a function that returns a pointer to a static,
 * const nexus_plugin_descriptor. Calling it must be cheap and run no plugin
 * logic: the host calls it to list and describe plugins it may never use.
 *
 * Load sequence (host side):
 *   1. dlopen the file (from a content-addressed copy), resolve the entry;
 *   2. check abi_major == host major, abi_minor <= host minor, and the build
 *      signature; refuse with a message naming the file, both versions, the fix;
 *   3. on_module_init() — once per load of the library; must be idempotent
 *      and cheap (loading the same library twice must be harmless);
 *   4. for each configured instance: validate its config block against
 *      config_schema, then on_instance_create(...);
 *   5. on_get_interface(id) to obtain each interface's function table;
 *   6. at shutdown or reload: on_instance_destroy for each instance (reverse
 *      creation order), then on_module_deinit() once no call is in flight.
 *
 * Thread tags: [control-thread] = called by the host's control thread only,
 * never concurrently with another [control-thread] call of the same plugin;
 * [any-thread] = may be called from any thread, concurrently if the plugin
 * declares NEXUS_CONCURRENCY_PARALLEL.
 */
#pragma once

#include "nexus/host.h"
#include "nexus/types.h"
#include "nexus/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Name of the single exported symbol. Its type is nexus_plugin_entry_fn. */
#define NEXUS_PLUGIN_ENTRY_NAME "nexus_plugin_entry_v1"

/* How the host may call one instance's interface functions. */
typedef enum nexus_concurrency {
  /* One call at a time per instance: the host serialises calls. */
  NEXUS_CONCURRENCY_SERIAL = 0,
  /* Any number of concurrent calls on one instance. */
  NEXUS_CONCURRENCY_PARALLEL = 1,
  NEXUS_CONCURRENCY_FORCE_32BIT = 0x7fffffff
} nexus_concurrency;

/* The machine the plugin was compiled for; the host refuses a mismatch. The
 * NEXUS_PLUGIN macro of the SDK (or NEXUS_BUILD_SIGNATURE_INIT below) fills
 * it, so a plugin cannot forget or get it wrong. */
typedef struct nexus_build_signature {
  uint8_t pointer_size; /* sizeof(void*) */
  uint8_t size_t_size;  /* sizeof(size_t) */
  uint8_t byte_order;   /* NEXUS_BYTE_ORDER_LITTLE or _BIG */
  uint8_t reserved;     /* 0 */
} nexus_build_signature;

#define NEXUS_BUILD_SIGNATURE_INIT {(uint8_t)sizeof(void*), (uint8_t)sizeof(size_t), NEXUS_BUILD_BYTE_ORDER, 0}

typedef struct nexus_plugin_descriptor {
  /* sizeof(nexus_plugin_descriptor) as the plugin compiled it. Since 1.0. */
  uint32_t struct_size;
  /* NEXUS_ABI_MAJOR / NEXUS_ABI_MINOR the plugin was compiled against. */
  uint16_t abi_major;
  uint16_t abi_minor;
  nexus_build_signature build_signature;

  /* Plugin id: [a-z0-9][a-z0-9_-]{0,62}. Config names plugins by id; the
   * conventional file name is libnexus_<id>.so. Static storage. */
  const char* id;
  /* Plugin version, semantic versioning ("1.4.2"). Static storage. */
  const char* version;
  /* One line saying what the plugin does. Static storage. */
  const char* description;
  /* SPDX license expression ("Apache-2.0"). Static storage. */
  const char* license;

  /* NULL-terminated array of the interface ids the plugin provides, e.g.
   * {"nexus.storage/1", NULL}. A plugin may provide several kinds and several
   * versions of one kind. Static storage. */
  const char* const* interfaces;

  /* JSON Schema (draft 7) of an instance's "config" block, as UTF-8 text.
   * The host validates every instance's block against it before
   * on_instance_create and rejects unknown keys when the schema says
   * "additionalProperties": false (it should). Extensions understood:
   *   "x-nexus-secret": true       value is a secret: never logged, shown as "***";
   *   "x-nexus-instance": "<id>"   value names another instance that must
   *                                provide interface <id>; declares a dependency.
   * Static storage. */
  const char* config_schema;

  /* Whether one instance may be called concurrently. */
  nexus_concurrency concurrency;

  /* Module init. Called once after each load of the library, before any
   * instance is created; must be idempotent. May be NULL.
   * [control-thread] */
  nexus_status (*on_module_init)(void);

  /* Module deinit. Called once before the library is unloaded, after every
   * instance is destroyed and no call is in flight. May be NULL.
   * [control-thread] */
  void (*on_module_deinit)(void);

  /* Create an instance. `config_json` is the instance's validated config
   * block with ${VAR} already interpolated and secrets resolved. On success,
   * write an opaque instance pointer to *out_instance and return NEXUS_OK.
   * On failure, write a message naming the offending config key and the fix
   * through `error` and return the status; *out_instance is ignored.
   * `host` stays valid until on_instance_destroy returns. Two instances of
   * one plugin must share nothing by accident (no mutable globals).
   * [control-thread] */
  nexus_status (*on_instance_create)(const nexus_host* host, nexus_str instance_name, nexus_str config_json,
                                     void** out_instance, const nexus_writer* error);

  /* Destroy an instance. No call on it is in flight and none will follow.
   * Must not fail. [control-thread] */
  void (*on_instance_destroy)(void* instance);

  /* The function table of interface `interface_id` ("nexus.storage/1"), or
   * NULL if not provided. The table is static and const, shared by all
   * instances; its first member is uint32_t struct_size.
   * [any-thread] */
  const void* (*on_get_interface)(const char* interface_id);

  /* Health of an instance: NEXUS_OK when it can serve, otherwise a status
   * and a reason through `detail` (e.g. NEXUS_UNAVAILABLE, "bucket
   * unreachable"). Used by GET /ready; must be quick. May be NULL (healthy).
   * [any-thread] */
  nexus_status (*on_instance_health)(void* instance, const nexus_writer* detail);
} nexus_plugin_descriptor;

/* The entry point's type. The function returns a pointer to static storage
 * and never fails. [any-thread] */
typedef const nexus_plugin_descriptor* (*nexus_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif
