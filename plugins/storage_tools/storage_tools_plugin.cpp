// The "storage_tools" plugin: its config schema and its descriptor.
#include <nexus/sdk/plugin.hpp>

#include "storage_tools.hpp"

namespace {

constexpr const char* kSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "storage tools",
  "description": "MCP tools to list, read, write and delete objects of named storage instances.",
  "type": "object",
  "additionalProperties": false,
  "required": ["storages"],
  "properties": {
    "storages": {
      "description": "Names of the storage instances (nexus.storage/1) the tools may reach, e.g. [\"recordings\", \"transcripts\"].",
      "type": "array",
      "minItems": 1,
      "uniqueItems": true,
      "items": {"type": "string", "minLength": 1, "x-nexus-instance": "nexus.storage/1"}
    },
    "max_read_bytes": {
      "description": "Largest number of bytes storage_read (and a resource read) returns; larger objects must be read by range.",
      "type": "integer",
      "minimum": 1,
      "maximum": 104857600,
      "default": 10485760
    },
    "read_only": {
      "description": "When true, storage_write and storage_delete are not offered.",
      "type": "boolean",
      "default": false
    }
  }
})json";

}  // namespace

NEXUS_PLUGIN(nexus::plugins::storage_tools::StorageTools, .id = "storage_tools", .version = "1.0.0",
             .description = "MCP tools and resources over named storage instances (list, read, write, delete)",
             .license = "Apache-2.0", .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
