/*
 * nexus/host.h — the services the host offers a plugin instance.
 *
 * One append-only struct of function pointers, in the manner of SQLite's
 * sqlite3_api_routines: entries are only ever added at the end, each marked
 * with the ABI minor that added it. Before calling an entry added after 1.0,
 * check that `struct_size` covers it:
 *     offsetof(nexus_host, callback_x) + sizeof(void*) <= host->struct_size
 * (the SDK's host wrapper does this and reports NEXUS_UNIMPLEMENTED).
 *
 * The host gives each instance its own nexus_host (host_data identifies the
 * instance, so logs and metrics are labelled with it).
 * OWNERSHIP: the struct is owned by the host and stays valid from
 * on_instance_create until on_instance_destroy returns; keep the pointer.
 */
#pragma once

#include "nexus/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A handle on another instance's interface, filled by callback_find_interface.
 * `vtable` points to the interface struct named by the id that was asked for
 * (e.g. const nexus_storage_v1*), `instance` is the first argument to pass
 * to its functions. Valid until the instance that asked is destroyed: the
 * host creates dependencies first and destroys them last. */
typedef struct nexus_interface_ref {
  uint32_t struct_size;
  const void* vtable;
  void* instance;
} nexus_interface_ref;

typedef struct nexus_host {
  /* sizeof(nexus_host) as the host compiled it. Since 1.0. */
  uint32_t struct_size;
  /* The host's ABI version. Since 1.0. */
  uint16_t abi_major;
  uint16_t abi_minor;
  /* Opaque; pass back as the first argument of every callback. Since 1.0. */
  void* host_data;

  /* Write a log line attributed to this instance. Secrets must never be
   * logged. [any-thread] Since 1.0. */
  void (*callback_log)(void* host_data, nexus_log_level level, nexus_str message);

  /* Find the interface `interface_id` (e.g. "nexus.storage/1") of the
   * instance called `instance_name`. Only instances this instance depends on
   * can be found: a config property whose schema carries
   * "x-nexus-instance": "<interface id>" declares the dependency, so the host
   * creates the target first. Returns NEXUS_NOT_FOUND (no such instance),
   * NEXUS_UNIMPLEMENTED (it does not provide that interface) or
   * NEXUS_FAILED_PRECONDITION (not a declared dependency), with an
   * explanation through `error` (may be NULL).
   * Callable from on_instance_create onwards. [any-thread] Since 1.0. */
  nexus_status (*callback_find_interface)(void* host_data, nexus_str instance_name, const char* interface_id,
                                          nexus_interface_ref* out, const nexus_writer* error);

  /* Metrics, exported by the host in Prometheus text format with the label
   * instance="<name>" added. `name` must match [a-z_][a-z0-9_]*; the host
   * prefixes it with "nexus_plugin_". `labels_json` is a flat JSON object of
   * string values, or empty. Unknown or malformed input is dropped, never
   * fatal. [any-thread] Since 1.0. */
  void (*callback_counter_add)(void* host_data, nexus_str name, nexus_str labels_json, double delta);
  void (*callback_gauge_set)(void* host_data, nexus_str name, nexus_str labels_json, double value);
  void (*callback_histogram_observe)(void* host_data, nexus_str name, nexus_str labels_json, double value);

  /* Tell the host that resource `uri` of this instance changed (a
   * "nexus.resources/1" provider), so subscribed MCP clients get
   * notifications/resources/updated. Cheap; drops when nobody listens.
   * [any-thread] Since 1.0. */
  void (*callback_resource_updated)(void* host_data, nexus_str uri);
} nexus_host;

#ifdef __cplusplus
}
#endif
