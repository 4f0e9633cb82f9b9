/*
 * c_echo — a plugin in plain C11 against the C headers only (no SDK).
 * It provides "nexus.tools/1" with one tool, "echo", and is built several
 * times with different ABI stamps (TEST_ABI_MAJOR / TEST_ABI_MINOR) so the
 * host's compatibility checks can be tested on real files.
 */
#include <nexus/nexus.h>

#include <stdlib.h>
#include <string.h>

#ifndef TEST_ABI_MAJOR
#define TEST_ABI_MAJOR NEXUS_ABI_MAJOR
#endif
#ifndef TEST_ABI_MINOR
#define TEST_ABI_MINOR NEXUS_ABI_MINOR
#endif
#ifndef TEST_PLUGIN_ID
#define TEST_PLUGIN_ID "c_echo"
#endif

static const char* const kInterfaces[] = {NEXUS_TOOLS_V1, NULL};

static const char kSchema[] =
    "{\"type\":\"object\",\"additionalProperties\":false,"
    "\"properties\":{\"prefix\":{\"type\":\"string\",\"description\":\"Text put before every echo\"},"
    "\"uses\":{\"type\":\"string\",\"x-nexus-instance\":\"nexus.tools/1\","
    "\"description\":\"Another tools instance this one looks up at create (tests dependencies)\"}}}";

typedef struct echo_instance {
  char prefix[64];
} echo_instance;

static int module_inits = 0;

static nexus_status on_module_init(void) {
  ++module_inits; /* idempotent: counting is all it does */
  return NEXUS_OK;
}
static void on_module_deinit(void) {}

static nexus_status write_str(const nexus_writer* w, const char* s) {
  return w->callback_write(w->receiver_data, s, strlen(s));
}

/* A tiny config reader for {"key":"value"} strings — enough for a test
 * plugin. Copies the value after `key` into `out`; returns 1 if found. */
static int read_string(nexus_str config, const char* key, char* out, size_t cap) {
  const size_t klen = strlen(key);
  for (size_t i = 0; i + klen < config.size; ++i) {
    if (memcmp(config.data + i, key, klen) == 0) {
      size_t j = i + klen, n = 0;
      while (j < config.size && config.data[j] != '"' && n + 1 < cap) out[n++] = config.data[j++];
      out[n] = 0;
      return 1;
    }
  }
  return 0;
}

static nexus_status on_instance_create(const nexus_host* host, nexus_str name, nexus_str config, void** out,
                                       const nexus_writer* error) {
  (void)name;
  echo_instance* inst = (echo_instance*)calloc(1, sizeof *inst);
  if (!inst) {
    write_str(error, "out of memory");
    return NEXUS_RESOURCE_EXHAUSTED;
  }
  char uses[64] = {0};
  read_string(config, "\"prefix\":\"", inst->prefix, sizeof inst->prefix);
  if (read_string(config, "\"uses\":\"", uses, sizeof uses)) {
    /* Look the dependency up now: the host must have created it first. */
    nexus_interface_ref ref = {sizeof ref, NULL, NULL};
    nexus_str target = {uses, strlen(uses)};
    nexus_status s = host->callback_find_interface(host->host_data, target, NEXUS_TOOLS_V1, &ref, error);
    if (s != NEXUS_OK) {
      free(inst);
      return s;
    }
  }
  *out = inst;
  return NEXUS_OK;
}

static void on_instance_destroy(void* instance) { free(instance); }

static nexus_status on_list_tools(void* instance, const nexus_call_context* ctx, const nexus_writer* out) {
  (void)instance;
  (void)ctx;
  return write_str(out,
                   "[{\"name\":\"echo\",\"description\":\"Returns its text argument\","
                   "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},"
                   "\"required\":[\"text\"]}}]");
}

static nexus_status on_call_tool(void* instance, const nexus_call_context* ctx, nexus_str name, nexus_str args,
                                 const nexus_writer* out) {
  echo_instance* inst = (echo_instance*)instance;
  if (name.size != 4 || memcmp(name.data, "echo", 4) != 0) {
    static const char msg[] = "no such tool; this plugin has 'echo'";
    nexus_str m = {msg, sizeof msg - 1};
    ctx->callback_set_error(ctx->host_data, m);
    return NEXUS_NOT_FOUND;
  }
  /* Echo the raw arguments JSON back inside a text content, after the prefix. */
  nexus_status s = write_str(out, "{\"content\":[{\"type\":\"text\",\"text\":\"");
  if (s == NEXUS_OK) s = write_str(out, inst->prefix);
  for (size_t i = 0; s == NEXUS_OK && i < args.size; ++i) {
    char c = args.data[i];
    if (c == '"' || c == '\\') s = out->callback_write(out->receiver_data, "\\", 1);
    if (s == NEXUS_OK) s = out->callback_write(out->receiver_data, &c, 1);
  }
  if (s == NEXUS_OK) s = write_str(out, "\"}],\"isError\":false}");
  return s;
}

static const nexus_tools_v1 kTools = {sizeof(nexus_tools_v1), on_list_tools, on_call_tool};

static const void* on_get_interface(const char* id) {
  return strcmp(id, NEXUS_TOOLS_V1) == 0 ? (const void*)&kTools : NULL;
}

static const nexus_plugin_descriptor kDescriptor = {
    sizeof(nexus_plugin_descriptor),
    TEST_ABI_MAJOR,
    TEST_ABI_MINOR,
    NEXUS_BUILD_SIGNATURE_INIT,
    TEST_PLUGIN_ID,
    "1.0.0",
    "Echo tool written in plain C (test plugin)",
    "Apache-2.0",
    kInterfaces,
    kSchema,
    NEXUS_CONCURRENCY_SERIAL,
    on_module_init,
    on_module_deinit,
    on_instance_create,
    on_instance_destroy,
    on_get_interface,
    NULL,
};

NEXUS_EXTERN_C NEXUS_EXPORT const nexus_plugin_descriptor* nexus_plugin_entry_v1(void) { return &kDescriptor; }
