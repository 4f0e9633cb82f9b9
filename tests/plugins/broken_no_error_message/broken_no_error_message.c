/*
 * broken_no_error_message — one tool, "ping", and NEXUS_NOT_FOUND for any
 * other name without calling callback_set_error, so the caller learns
 * nothing. A fixture for nexus-plugin-check.
 */
#include <nexus/nexus.h>

#include <stdlib.h>
#include <string.h>

static const char* const kInterfaces[] = {NEXUS_TOOLS_V1, NULL};

static nexus_status write_text(const nexus_writer* w, const char* s) {
  return w->callback_write(w->receiver_data, s, strlen(s));
}

static nexus_status on_list_tools(void* instance, const nexus_call_context* ctx, const nexus_writer* out) {
  (void)instance;
  (void)ctx;
  return write_text(out,
                    "[{\"name\":\"ping\",\"description\":\"Answers pong\","
                    "\"inputSchema\":{\"type\":\"object\",\"additionalProperties\":false}}]");
}

static nexus_status on_call_tool(void* instance, const nexus_call_context* ctx, nexus_str name, nexus_str args,
                                 const nexus_writer* out) {
  (void)instance;
  (void)ctx;
  if (name.size != 4 || memcmp(name.data, "ping", 4) != 0) return NEXUS_NOT_FOUND; /* THE BUG: no message */
  if (args.size > 2)
    return write_text(out, "{\"content\":[{\"type\":\"text\",\"text\":\"ping takes no arguments\"}],\"isError\":true}");
  return write_text(out, "{\"content\":[{\"type\":\"text\",\"text\":\"pong\"}],\"isError\":false}");
}

static const nexus_tools_v1 kTools = {sizeof(nexus_tools_v1), on_list_tools, on_call_tool};

static nexus_status on_instance_create(const nexus_host* host, nexus_str name, nexus_str config, void** out,
                                       const nexus_writer* error) {
  (void)host;
  (void)name;
  (void)config;
  (void)error;
  *out = malloc(1);
  return NEXUS_OK;
}

static void on_instance_destroy(void* instance) {
  free(instance);
}

static const void* on_get_interface(const char* id) {
  return id && strcmp(id, NEXUS_TOOLS_V1) == 0 ? (const void*)&kTools : NULL;
}

static const nexus_plugin_descriptor kDescriptor = {
    sizeof(nexus_plugin_descriptor),
    NEXUS_ABI_MAJOR,
    NEXUS_ABI_MINOR,
    NEXUS_BUILD_SIGNATURE_INIT,
    "broken_no_error_message",
    "0.0.1",
    "Test fixture: returns not_found without a message",
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
