// The "memory" plugin: its config schema and its descriptor.
#include <nexus/sdk/plugin.hpp>

#include "memory_storage.hpp"

namespace {

constexpr const char* kSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "memory storage",
  "description": "Objects kept in process memory; lost when the instance is destroyed. For tests and caches.",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "max_bytes": {
      "description": "Most bytes of object bodies the instance holds in total; a put that would exceed it fails with resource_exhausted.",
      "type": "integer",
      "minimum": 0,
      "default": 268435456
    }
  }
})json";

}  // namespace

NEXUS_PLUGIN(nexus::plugins::memory::MemoryStorage, .id = "memory", .version = "1.0.0",
             .description = "Objects in process memory (tests, caches)", .license = "Apache-2.0",
             .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
