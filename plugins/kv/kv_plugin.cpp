// The "kv" plugin: its config schema and its descriptor.
#include <nexus/sdk/plugin.hpp>

#include "kv_tools.hpp"

namespace {

constexpr const char* kSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "kv tools",
  "description": "MCP tools to get, put, delete and list keys in a named storage instance.",
  "type": "object",
  "additionalProperties": false,
  "required": ["storage"],
  "properties": {
    "storage": {
      "description": "Name of the storage instance (nexus.storage/1) that holds the values.",
      "type": "string",
      "minLength": 1,
      "x-nexus-instance": "nexus.storage/1"
    },
    "prefix": {
      "description": "Every key is stored under this prefix (e.g. 'kv/' stores key 'a' as object 'kv/a'); the tools never show it. Empty for none.",
      "type": "string",
      "default": "kv/"
    },
    "max_value_bytes": {
      "description": "Largest value kv_put accepts and kv_get returns, in bytes.",
      "type": "integer",
      "minimum": 1,
      "maximum": 104857600,
      "default": 1048576
    },
    "read_only": {
      "description": "When true only kv_get and kv_list are offered.",
      "type": "boolean",
      "default": false
    }
  }
})json";

}  // namespace

NEXUS_PLUGIN(nexus::plugins::kv::KvTools, .id = "kv", .version = "1.0.0",
             .description = "Key-value MCP tools over a named storage instance", .license = "Apache-2.0",
             .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
