/* echo_c — a tools plugin with one tool, "echo", that answers its "text"
 * argument as a text content: the same tool as bench/mcp_echo_server.mjs
 * registers on the TypeScript SDK, so bench/run compares the servers and
 * not the tools. Bench only. */
#include <nexus/nexus.h>

#include <string.h>

static const char* const kInterfaces[] = {NEXUS_TOOLS_V1, NULL};
static int instance_token;

static nexus_status write_str(const nexus_writer* out, const char* s) {
  return out->callback_write(out->receiver_data, s, strlen(s));
}

static nexus_status on_create(const nexus_host* h, nexus_str n, nexus_str c, void** out, const nexus_writer* e) {
  (void)h, (void)n, (void)c, (void)e;
  *out = &instance_token;
  return NEXUS_OK;
}
static void on_destroy(void* i) { (void)i; }

/* Two names for the same tool: "echo" is declared "x-nexus-inline" (it is a
 * copy of its argument: it never waits), so nexusd answers it on the thread
 * that read the request; "echo_worker" is not, so it runs as any other tool
 * does, on a worker thread with a stream. bench/run measures both. */
#define ECHO_SCHEMA                                                                    \
  "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}," \
  "\"required\":[\"text\"],\"additionalProperties\":false}"
static nexus_status on_list(void* i, const nexus_call_context* ctx, const nexus_writer* out) {
  (void)i, (void)ctx;
  return write_str(out,
                   "[{\"name\":\"echo\",\"description\":\"Returns its text argument\"," ECHO_SCHEMA
                   ",\"x-nexus-inline\":true},"
                   "{\"name\":\"echo_worker\",\"description\":\"Returns its text argument\"," ECHO_SCHEMA "}]");
}

/* The host has validated args against the schema above, so they are one
 * object whose only member is "text" with a string value. That value is
 * already a valid JSON string literal: find it and copy it verbatim, escapes
 * and all, instead of decoding and re-encoding it. */
static int find_text_literal(nexus_str args, size_t* begin, size_t* end) {
  static const char kKey[] = "\"text\"";
  const size_t key_len = sizeof kKey - 1;
  size_t i = 0;
  while (i + key_len <= args.size && memcmp(args.data + i, kKey, key_len) != 0) ++i;
  if (i + key_len > args.size) return 0;
  i += key_len;
  while (i < args.size && (args.data[i] == ' ' || args.data[i] == ':' || args.data[i] == '\t' ||
                           args.data[i] == '\n' || args.data[i] == '\r'))
    ++i;
  if (i >= args.size || args.data[i] != '"') return 0;
  *begin = i;
  for (++i; i < args.size; ++i) {
    if (args.data[i] == '\\') {
      ++i;
    } else if (args.data[i] == '"') {
      *end = i + 1;
      return 1;
    }
  }
  return 0;
}

static nexus_status on_call(void* i, const nexus_call_context* ctx, nexus_str name, nexus_str args,
                            const nexus_writer* out) {
  (void)i;
  size_t begin = 0, end = 0;
  if (!(name.size == 4 && memcmp(name.data, "echo", 4) == 0) &&
      !(name.size == 11 && memcmp(name.data, "echo_worker", 11) == 0)) {
    static const char msg[] = "no such tool: this plugin has 'echo' and 'echo_worker'";
    ctx->callback_set_error(ctx->host_data, (nexus_str){msg, sizeof msg - 1});
    return NEXUS_NOT_FOUND;
  }
  if (!find_text_literal(args, &begin, &end)) {
    static const char msg[] = "echo needs a string argument 'text', e.g. {\"text\": \"hi\"}";
    ctx->callback_set_error(ctx->host_data, (nexus_str){msg, sizeof msg - 1});
    return NEXUS_INVALID_ARGUMENT;
  }
  nexus_status s = write_str(out, "{\"content\":[{\"type\":\"text\",\"text\":");
  if (s == NEXUS_OK) s = out->callback_write(out->receiver_data, args.data + begin, end - begin);
  if (s == NEXUS_OK) s = write_str(out, "}]}");
  return s;
}

static const nexus_tools_v1 kTools = {sizeof(nexus_tools_v1), on_list, on_call};
static const void* on_get_interface(const char* id) {
  return strcmp(id, NEXUS_TOOLS_V1) == 0 ? (const void*)&kTools : NULL;
}

static const nexus_plugin_descriptor kDescriptor = {
    sizeof(nexus_plugin_descriptor), NEXUS_ABI_MAJOR, NEXUS_ABI_MINOR, NEXUS_BUILD_SIGNATURE_INIT, "echo_c", "1.0.0",
    "An echo tool (benchmarks)", "Apache-2.0", kInterfaces,
    "{\"type\":\"object\",\"additionalProperties\":false}", NEXUS_CONCURRENCY_PARALLEL, NULL, NULL, on_create,
    on_destroy, on_get_interface, NULL};

NEXUS_EXTERN_C NEXUS_EXPORT const nexus_plugin_descriptor* nexus_plugin_entry_v1(void) { return &kDescriptor; }
