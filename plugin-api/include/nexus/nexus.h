/*
 * nexus/nexus.h — the whole Nexus plugin ABI, version 1.
 *
 * One concept per header; include this one to get them all:
 *   version.h        ABI version, build signature, export macro
 *   status.h         the status enum and its names
 *   types.h          nexus_str, nexus_bytes, nexus_writer, log levels
 *   context.h        nexus_call_context: deadline, cancel, progress, principal
 *   host.h           nexus_host: services the host offers an instance
 *   plugin.h         the descriptor, the entry symbol, instance lifecycle
 *   storage.h        "nexus.storage/1"
 *   auth.h           "nexus.auth/1"
 *   transcription.h  "nexus.transcription/1"
 *   tools.h          "nexus.tools/1"
 *   resources.h      "nexus.resources/1"  (MCP resources)
 *   prompts.h        "nexus.prompts/1"    (MCP prompts)
 *   tokens.h         "nexus.tokens/1"     (mint scoped bearer tokens)
 */
#pragma once

#include "nexus/auth.h"
#include "nexus/context.h"
#include "nexus/host.h"
#include "nexus/plugin.h"
#include "nexus/prompts.h"
#include "nexus/resources.h"
#include "nexus/status.h"
#include "nexus/storage.h"
#include "nexus/tokens.h"
#include "nexus/tools.h"
#include "nexus/transcription.h"
#include "nexus/types.h"
#include "nexus/version.h"
