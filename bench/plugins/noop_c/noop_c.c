/* noop_c — a tools plugin whose tool does nothing: the cost of a call
 * through the C ABI and nothing else. Bench only. */
#include <nexus/nexus.h>

#include <stdlib.h>
#include <string.h>

static const char* const kInterfaces[] = {NEXUS_TOOLS_V1, NULL};
static int instance_token;

static nexus_status on_create(const nexus_host* h, nexus_str n, nexus_str c, void** out, const nexus_writer* e) {
  (void)h, (void)n, (void)c, (void)e;
  *out = &instance_token;
  return NEXUS_OK;
}
static void on_destroy(void* i) { (void)i; }
static nexus_status on_list(void* i, const nexus_call_context* ctx, const nexus_writer* out) {
  (void)i, (void)ctx;
  static const char kTools[] = "[{\"name\":\"noop\",\"inputSchema\":{\"type\":\"object\"}}]";
  return out->callback_write(out->receiver_data, kTools, sizeof kTools - 1);
}
static nexus_status on_call(void* i, const nexus_call_context* ctx, nexus_str name, nexus_str args, const nexus_writer* out) {
  (void)i, (void)ctx, (void)name, (void)args, (void)out;
  return NEXUS_OK;
}
static const nexus_tools_v1 kTools = {sizeof(nexus_tools_v1), on_list, on_call};
static const void* on_get_interface(const char* id) { return strcmp(id, NEXUS_TOOLS_V1) == 0 ? (const void*)&kTools : NULL; }

static const nexus_plugin_descriptor kDescriptor = {
    sizeof(nexus_plugin_descriptor), NEXUS_ABI_MAJOR, NEXUS_ABI_MINOR, NEXUS_BUILD_SIGNATURE_INIT, "noop_c", "1.0.0",
    "A tool that does nothing (benchmarks)", "Apache-2.0", kInterfaces,
    "{\"type\":\"object\",\"additionalProperties\":false}", NEXUS_CONCURRENCY_PARALLEL, NULL, NULL, on_create, on_destroy,
    on_get_interface, NULL};

NEXUS_EXTERN_C NEXUS_EXPORT const nexus_plugin_descriptor* nexus_plugin_entry_v1(void) { return &kDescriptor; }
