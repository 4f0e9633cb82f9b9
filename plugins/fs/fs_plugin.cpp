// The "fs" plugin: its config schema and its descriptor.
#include <nexus/sdk/plugin.hpp>

#include "fs_storage.hpp"

namespace {

constexpr const char* kSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "fs storage",
  "description": "Objects as files under a root directory; content type and metadata in root/.nexus-meta.",
  "type": "object",
  "additionalProperties": false,
  "required": ["root"],
  "properties": {
    "root": {
      "description": "Directory that holds the objects; key 'a/b.wav' is the file <root>/a/b.wav. Names starting with '.nexus-' inside it are the backend's own.",
      "type": "string",
      "minLength": 1
    },
    "create": {
      "description": "Create the root directory (and its parents) when it does not exist.",
      "type": "boolean",
      "default": true
    },
    "fsync": {
      "description": "fsync each written file and its directory before a put returns, so an acknowledged write survives power loss. Turn off only for scratch data.",
      "type": "boolean",
      "default": true
    }
  }
})json";

}  // namespace

NEXUS_PLUGIN(nexus::plugins::fs::FsStorage, .id = "fs", .version = "1.0.0",
             .description = "Objects as files under a root directory", .license = "Apache-2.0",
             .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
