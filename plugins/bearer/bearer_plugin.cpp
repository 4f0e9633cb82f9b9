// The "bearer" plugin: its config schema and its descriptor.
#include <nexus/sdk/plugin.hpp>

#include "bearer_tokens.hpp"

namespace {

constexpr const char* kSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "bearer tokens",
  "description": "Short-lived, scoped bearer tokens minted by this host (POST /v1/tokens) for an authenticated principal, with a subset of its scopes; HS256 JWTs verified statelessly, with key rotation by kid and a revocation list.",
  "type": "object",
  "additionalProperties": false,
  "required": ["keys"],
  "properties": {
    "issuer": {
      "description": "The \"iss\" of minted tokens; only tokens with this iss are verified here (others are left to the next provider).",
      "type": "string",
      "minLength": 1,
      "default": "nexus"
    },
    "keys": {
      "description": "HMAC-SHA256 keys. The FIRST signs new tokens; all verify. Rotate by adding the new key first, and remove the old one once its tokens have expired.",
      "type": "array",
      "minItems": 1,
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["kid"],
        "oneOf": [{"required": ["secret"]}, {"required": ["secret_env"]}],
        "properties": {
          "kid": {
            "description": "Key id written in the token header. Unique.",
            "type": "string",
            "pattern": "^[A-Za-z0-9._-]{1,64}$"
          },
          "secret": {
            "description": "The HMAC key, at least 32 bytes (openssl rand -base64 48). Prefer secret_env or ${VAR} interpolation. Exactly one of secret and secret_env.",
            "type": "string",
            "minLength": 32,
            "x-nexus-secret": true
          },
          "secret_env": {
            "description": "Name of an environment variable holding the HMAC key (at least 32 bytes), read at create. Exactly one of secret and secret_env.",
            "type": "string",
            "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"
          }
        }
      }
    },
    "max_ttl_seconds": {
      "description": "Longest lifetime of a minted token; longer requests are capped.",
      "type": "integer",
      "minimum": 1,
      "default": 900
    },
    "default_ttl_seconds": {
      "description": "Lifetime when the request names none (at most max_ttl_seconds).",
      "type": "integer",
      "minimum": 1,
      "default": 300
    },
    "revoked_token_ids": {
      "description": "Token ids (jti) that no longer verify.",
      "type": "array",
      "items": {"type": "string", "minLength": 1},
      "default": []
    },
    "revocation_file": {
      "description": "File with one revoked token id per line ('#' comments allowed), re-read whenever it changes. Must exist at create (it may be empty).",
      "type": "string",
      "minLength": 1
    },
    "audience": {
      "description": "Default audience of minted tokens: the route group (\"mcp\", \"storage\", ...) they are restricted to. A request may name its own.",
      "type": "string",
      "pattern": "^[a-z0-9_-]{1,64}$"
    }
  }
})json";

}  // namespace

NEXUS_PLUGIN(nexus::plugins::bearer::BearerTokens, .id = "bearer", .version = "1.0.0",
             .description = "Host-minted short-lived scoped bearer tokens (HS256, key rotation, revocation)",
             .license = "Apache-2.0", .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
