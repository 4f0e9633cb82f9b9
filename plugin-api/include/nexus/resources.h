/*
 * nexus/resources.h — interface "nexus.resources/1": readable resources.
 *
 * What MCP calls resources (revision 2025-11-25): data a client can list and
 * read by URI — a storage instance's objects, a database's tables, fixed
 * texts. The host serves them over MCP resources/list, resources/templates/
 * list, resources/read, resources/subscribe and completion/complete.
 */
#pragma once

#include "nexus/context.h"
#include "nexus/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NEXUS_RESOURCES_V1 "nexus.resources/1"

typedef struct nexus_resources_v1 {
  uint32_t struct_size; /* sizeof(nexus_resources_v1) as the plugin compiled it. */

  /* Write, through `out`, a JSON object:
   *   {"resources": [{"uri": "test://static-text", "name": "static-text",
   *                   "title": "...", "description": "...",
   *                   "mimeType": "text/plain", "size": 42}, ...],
   *    "resourceTemplates": [{"uriTemplate": "test://template/{id}/data",
   *                   "name": "...", "title": "...", "description": "...",
   *                   "mimeType": "application/json"}, ...]}
   * Either array may be empty. URIs are unique within the instance. */
  nexus_status (*on_list_resources)(void* instance, const nexus_call_context* ctx, const nexus_writer* out);

  /* Read the resource `uri` (a listed URI, or one matching a template) and
   * write an MCP ReadResourceResult:
   *   {"contents": [{"uri": "...", "mimeType": "...", "text": "..."} |
   *                 {"uri": "...", "mimeType": "...", "blob": "<base64>"}]}
   * Errors: NOT_FOUND (no such resource), INVALID_ARGUMENT. */
  nexus_status (*on_read_resource)(void* instance, const nexus_call_context* ctx, nexus_str uri,
                                   const nexus_writer* out);

  /* Suggest values for argument `argument_name` of the template
   * `uri_template`, given what the user typed so far (`partial_value`) and
   * the values of the other arguments (`context_json`, a JSON object of
   * strings, or empty). Write {"values": ["..."], "total": N,
   * "hasMore": false} (at most 100 values). May be NULL (no suggestions). */
  nexus_status (*on_complete)(void* instance, const nexus_call_context* ctx, nexus_str uri_template,
                              nexus_str argument_name, nexus_str partial_value, nexus_str context_json,
                              const nexus_writer* out);
} nexus_resources_v1;

#ifdef __cplusplus
}
#endif
