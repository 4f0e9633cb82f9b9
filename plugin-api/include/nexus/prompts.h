/*
 * nexus/prompts.h — interface "nexus.prompts/1": prompt templates.
 *
 * What MCP calls prompts (revision 2025-11-25): named message templates a
 * client shows its user. The host serves them over prompts/list,
 * prompts/get and completion/complete.
 */
#pragma once

#include "nexus/context.h"
#include "nexus/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NEXUS_PROMPTS_V1 "nexus.prompts/1"

typedef struct nexus_prompts_v1 {
  uint32_t struct_size; /* sizeof(nexus_prompts_v1) as the plugin compiled it. */

  /* Write a JSON array of MCP Prompt objects:
   *   [{"name": "summarise_call", "title": "...", "description": "...",
   *     "arguments": [{"name": "task_id", "description": "...",
   *                    "required": true}]}, ...] */
  nexus_status (*on_list_prompts)(void* instance, const nexus_call_context* ctx, const nexus_writer* out);

  /* Render prompt `name` with `arguments_json` (a JSON object of strings)
   * and write an MCP GetPromptResult:
   *   {"description": "...", "messages": [{"role": "user",
   *     "content": {"type": "text", "text": "..."}}, ...]}
   * Errors: NOT_FOUND (no such prompt), INVALID_ARGUMENT (a required
   * argument is missing: name it). */
  nexus_status (*on_get_prompt)(void* instance, const nexus_call_context* ctx, nexus_str name, nexus_str arguments_json,
                                const nexus_writer* out);

  /* Suggest values for argument `argument_name` of prompt `prompt_name`; as
   * nexus_resources_v1.on_complete. May be NULL (no suggestions). */
  nexus_status (*on_complete)(void* instance, const nexus_call_context* ctx, nexus_str prompt_name,
                              nexus_str argument_name, nexus_str partial_value, nexus_str context_json,
                              const nexus_writer* out);
} nexus_prompts_v1;

#ifdef __cplusplus
}
#endif
