// The "jwt" plugin: its config schema and its descriptor.
#include <nexus/sdk/plugin.hpp>

#include "jwt_auth.hpp"

namespace {

constexpr const char* kSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "jwt auth",
  "description": "JWTs from one OpenID Connect issuer (Amazon Cognito user pools or any OIDC provider), read from 'Authorization: Bearer', verified against the issuer's JWKS (RS256, PS256, ES256). Tokens of other issuers are left to the next provider in the chain.",
  "type": "object",
  "additionalProperties": false,
  "required": ["issuer"],
  "properties": {
    "issuer": {
      "description": "Issuer URL, exactly as in the tokens' \"iss\" (Cognito: https://cognito-idp.<region>.amazonaws.com/<user-pool-id>). Discovery is read from <issuer>/.well-known/openid-configuration.",
      "type": "string",
      "pattern": "^https?://"
    },
    "audience": {
      "description": "Accepted audience(s): \"aud\" must contain one. For Cognito access tokens (no \"aud\") use client_id and token_use instead. At least one of audience and client_id is required.",
      "oneOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}
      ]
    },
    "client_id": {
      "description": "Cognito app client id: accepted when the token's \"client_id\" claim (access tokens) or \"aud\" (id tokens) equals it.",
      "type": "string",
      "minLength": 1
    },
    "token_use": {
      "description": "Cognito: the required \"token_use\" claim.",
      "type": "string",
      "enum": ["access", "id"]
    },
    "jwks_uri": {
      "description": "JWKS URL, overriding the discovery document's jwks_uri (discovery is then not fetched).",
      "type": "string",
      "pattern": "^https?://"
    },
    "algorithms": {
      "description": "Allowed signature algorithms. HMAC (HS*) and 'none' are always refused.",
      "type": "array",
      "items": {"type": "string", "enum": ["RS256", "PS256", "ES256"]},
      "minItems": 1,
      "default": ["RS256", "PS256", "ES256"]
    },
    "leeway_seconds": {
      "description": "Allowed clock skew for exp, nbf and iat, in seconds.",
      "type": "integer",
      "minimum": 0,
      "maximum": 600,
      "default": 60
    },
    "jwks_refresh_min_interval_seconds": {
      "description": "Least time between two fetches of the JWKS: an unknown kid triggers a refresh at most this often, so bad tokens cannot cause a fetch storm.",
      "type": "integer",
      "minimum": 1,
      "default": 60
    },
    "jwks_cache_seconds": {
      "description": "How long fetched keys are used before they are refreshed. If the JWKS is unreachable then, the cached keys keep verifying.",
      "type": "integer",
      "minimum": 1,
      "default": 3600
    },
    "scope_claims": {
      "description": "Claims that carry scopes, in order; each a space-separated string or an array of strings.",
      "type": "array",
      "items": {"type": "string", "minLength": 1},
      "default": ["scope", "scp", "cognito:groups"]
    },
    "scope_map": {
      "description": "Claim value → Nexus scopes, e.g. {\"admins\": [\"*\"], \"agents\": [\"tools:*\"]}. Values not mapped pass through as scopes unless map_only is true.",
      "type": "object",
      "additionalProperties": {"type": "array", "items": {"type": "string", "minLength": 1}}
    },
    "map_only": {
      "description": "When true, only values listed in scope_map grant scopes; others are dropped.",
      "type": "boolean",
      "default": false
    },
    "subject_claim": {
      "description": "Claim that becomes the principal's subject.",
      "type": "string",
      "minLength": 1,
      "default": "sub"
    },
    "ca_file": {
      "description": "PEM file of the CA certificates trusted for the issuer's HTTPS (discovery and JWKS) instead of the system's, for an issuer behind a private CA. The certificate and host name are always verified.",
      "type": "string",
      "minLength": 1
    },
    "timeout_ms": {
      "description": "Timeout of each discovery or JWKS request, in milliseconds.",
      "type": "integer",
      "minimum": 1,
      "default": 5000
    }
  }
})json";

}  // namespace

NEXUS_PLUGIN(nexus::plugins::jwt::JwtAuth, .id = "jwt", .version = "1.0.0",
             .description = "OIDC / Amazon Cognito JWTs verified against the issuer's JWKS", .license = "Apache-2.0",
             .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
