// The "apikey" plugin: its config schema and its descriptor.
#include <nexus/sdk/plugin.hpp>

#include "apikey_auth.hpp"

namespace {

constexpr const char* kSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "apikey auth",
  "description": "Static API keys, from 'Authorization: Bearer <key>' or a dedicated header. Keys are configured by their SHA-256 or read from an environment variable; never in plain text.",
  "type": "object",
  "additionalProperties": false,
  "required": ["keys"],
  "properties": {
    "keys": {
      "description": "The accepted keys, each with the scopes its holder gets.",
      "type": "array",
      "minItems": 1,
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "scopes"],
        "oneOf": [{"required": ["sha256"]}, {"required": ["env"]}],
        "properties": {
          "id": {
            "description": "Name of the key; the principal's subject is 'apikey:<id>'. Unique.",
            "type": "string",
            "pattern": "^[a-z0-9_-]{1,64}$"
          },
          "sha256": {
            "description": "Hex SHA-256 of the key (printf %s KEY | sha256sum). Exactly one of sha256 and env.",
            "type": "string",
            "pattern": "^[0-9a-fA-F]{64}$"
          },
          "env": {
            "description": "Name of an environment variable holding the key (at least 16 bytes), read and hashed at create. Exactly one of sha256 and env.",
            "type": "string",
            "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"
          },
          "scopes": {
            "description": "Scopes granted to this key, e.g. [\"storage:*\"] or [\"storage:recordings:read\"].",
            "type": "array",
            "items": {"type": "string", "minLength": 1}
          }
        }
      }
    },
    "header": {
      "description": "Header that carries the key besides 'Authorization: Bearer'.",
      "type": "string",
      "minLength": 1,
      "default": "x-api-key"
    }
  }
})json";

}  // namespace

NEXUS_PLUGIN(nexus::plugins::apikey::ApiKeyAuth, .id = "apikey", .version = "1.0.0",
             .description = "Static API keys, configured by SHA-256 or environment variable", .license = "Apache-2.0",
             .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
