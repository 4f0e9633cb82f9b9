// The "sql" plugin: its config schema and its descriptor.
#include <nexus/sdk/plugin.hpp>

#include "sql_tools.hpp"

namespace {

constexpr const char* kSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "sql tools",
  "description": "MCP tools to query one SQLite database file; read-only unless writes are configured.",
  "type": "object",
  "additionalProperties": false,
  "required": ["path"],
  "properties": {
    "path": {
      "description": "Path of the SQLite database file. With read_only (the default) it must exist.",
      "type": "string",
      "minLength": 1
    },
    "read_only": {
      "description": "Open the file read-only (SQLITE_OPEN_READONLY and PRAGMA query_only). Set false together with allow_writes to let sql_query change data.",
      "type": "boolean",
      "default": true
    },
    "allow_writes": {
      "description": "Let sql_query run INSERT/UPDATE/DELETE/CREATE...; needs read_only false. A writable instance creates the file if it is missing.",
      "type": "boolean",
      "default": false
    },
    "max_rows": {
      "description": "Most rows one sql_query returns; more are cut off and the result says truncated: true.",
      "type": "integer",
      "minimum": 1,
      "maximum": 100000,
      "default": 1000
    },
    "timeout_ms": {
      "description": "Most milliseconds one statement may run before it is stopped.",
      "type": "integer",
      "minimum": 1,
      "maximum": 600000,
      "default": 5000
    }
  }
})json";

}  // namespace

// SERIAL: one connection per instance, and SqlGuard keeps per-call state.
NEXUS_PLUGIN(nexus::plugins::sql::SqlTools, .id = "sql", .version = "1.0.0",
             .description = "MCP tools to query a SQLite database file (read-only by default)", .license = "Apache-2.0",
             .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_SERIAL)
