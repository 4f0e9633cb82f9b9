// The "s3" plugin: its config schema and its descriptor.
#include <nexus/sdk/plugin.hpp>

#include "s3_storage.hpp"

namespace {

constexpr const char* kSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "s3 storage",
  "description": "Objects in an S3 bucket (AWS S3 or an S3-compatible endpoint), signed with SigV4. Credentials: these keys, else env AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, else AWS_PROFILE in the shared credentials file, else the ECS container endpoint, else EC2 instance metadata (IMDSv2).",
  "type": "object",
  "additionalProperties": false,
  "required": ["bucket"],
  "properties": {
    "bucket": {
      "description": "Bucket that holds the objects, e.g. \"nexus-ai-dev-call-data\". It must exist.",
      "type": "string",
      "minLength": 3,
      "maxLength": 63
    },
    "prefix": {
      "description": "Key prefix inside the bucket, e.g. \"env/dev/\": key 'a.wav' is stored as 'env/dev/a.wav'. Instances with different prefixes on one bucket do not see each other's objects.",
      "type": "string",
      "default": ""
    },
    "region": {
      "description": "AWS region of the bucket. Default: env AWS_REGION, else AWS_DEFAULT_REGION, else \"us-east-1\".",
      "type": "string",
      "minLength": 1
    },
    "endpoint": {
      "description": "Endpoint URL override, scheme://host[:port], e.g. \"http://127.0.0.1:4569\" for a local S3. Default: env AWS_ENDPOINT_URL, else \"http://localhost:4566\" when USE_LOCALSTACK is \"true\", else https://s3.<region>.amazonaws.com.",
      "type": "string",
      "pattern": "^https?://"
    },
    "path_style": {
      "description": "Address the bucket in the path (http://host/bucket/key) instead of the host name (http://bucket.host/key). Default: true when an endpoint override is in effect, else false.",
      "type": "boolean"
    },
    "access_key_id": {
      "description": "AWS access key id. Leave unset to use the credentials chain (env, profile, ECS, EC2).",
      "type": "string",
      "x-nexus-secret": true
    },
    "secret_access_key": {
      "description": "AWS secret access key; set together with access_key_id.",
      "type": "string",
      "x-nexus-secret": true
    },
    "session_token": {
      "description": "Session token for temporary credentials (optional).",
      "type": "string",
      "x-nexus-secret": true
    },
    "multipart_threshold_bytes": {
      "description": "Objects of at least this many bytes are uploaded in parts (multipart upload).",
      "type": "integer",
      "minimum": 5242880,
      "default": 67108864
    },
    "multipart_part_bytes": {
      "description": "Size of each part of a multipart upload (the last may be smaller); S3's minimum is 5 MiB.",
      "type": "integer",
      "minimum": 5242880,
      "maximum": 5368709120,
      "default": 16777216
    },
    "max_retries": {
      "description": "Retries of a request that failed with 5xx, 429/SlowDown or a connection error, with exponential backoff and full jitter, within the call's deadline. Other 4xx are never retried.",
      "type": "integer",
      "minimum": 0,
      "maximum": 20,
      "default": 3
    },
    "timeout_ms": {
      "description": "Timeout of one HTTP request in milliseconds (the call's deadline, when shorter, wins).",
      "type": "integer",
      "minimum": 100,
      "default": 30000
    }
  }
})json";

}  // namespace

NEXUS_PLUGIN(nexus::plugins::s3::S3Storage, .id = "s3", .version = "1.0.0",
             .description = "Objects in an S3 bucket (SigV4, multipart, retries)", .license = "Apache-2.0",
             .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
