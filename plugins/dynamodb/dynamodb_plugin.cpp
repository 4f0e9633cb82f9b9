// The "dynamodb" plugin: its config schema and its descriptor.
#include <nexus/sdk/plugin.hpp>

#include "dynamodb_storage.hpp"

namespace {

constexpr const char* kSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "dynamodb storage",
  "description": "Objects as items of one DynamoDB table (partition key and sort key of type S), signed with SigV4. Objects larger than one 400 KB item are split into chunk items, up to max_object_bytes. Credentials: these keys, else env AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, else AWS_PROFILE in the shared credentials file, else the ECS container endpoint, else EC2 instance metadata (IMDSv2).",
  "type": "object",
  "additionalProperties": false,
  "required": ["table"],
  "properties": {
    "table": {
      "description": "Table that holds the objects, e.g. \"nexus-ai-dev-call-data\". It must exist unless create_table is true.",
      "type": "string",
      "minLength": 3,
      "maxLength": 255,
      "pattern": "^[a-zA-Z0-9_.-]+$"
    },
    "region": {
      "description": "AWS region of the table. Default: env AWS_REGION, else AWS_DEFAULT_REGION, else \"us-east-1\".",
      "type": "string",
      "minLength": 1
    },
    "endpoint": {
      "description": "Endpoint URL override, scheme://host[:port], e.g. \"http://127.0.0.1:8000\" for a local DynamoDB. Default: env AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL, else \"http://localhost:4566\" when USE_LOCALSTACK is \"true\", else https://dynamodb.<region>.amazonaws.com.",
      "type": "string",
      "pattern": "^https?://"
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
    "partition_key": {
      "description": "Name of the table's partition (HASH) key attribute, of type S.",
      "type": "string",
      "default": "PK",
      "minLength": 1,
      "maxLength": 255
    },
    "sort_key": {
      "description": "Name of the table's sort (RANGE) key attribute, of type S. It holds the object key.",
      "type": "string",
      "default": "SK",
      "minLength": 1,
      "maxLength": 255
    },
    "key_rule": {
      "description": "How an object key becomes the partition key. \"prefix\": partition_prefix + the first partition_depth segments of the key (spreads load; a listing must name those segments, e.g. 'recordings/'). \"single\": partition_value for every object (any prefix can be listed; one partition takes all traffic).",
      "type": "string",
      "enum": ["prefix", "single"],
      "default": "prefix"
    },
    "partition_depth": {
      "description": "key_rule \"prefix\": how many leading key segments form the partition key.",
      "type": "integer",
      "minimum": 1,
      "maximum": 8,
      "default": 1
    },
    "partition_prefix": {
      "description": "key_rule \"prefix\": text put before the segments in the partition key, e.g. \"dev#\", so instances can share a table without seeing each other's objects.",
      "type": "string",
      "maxLength": 256,
      "default": ""
    },
    "partition_value": {
      "description": "key_rule \"single\": the partition key of every object.",
      "type": "string",
      "minLength": 1,
      "maxLength": 256,
      "default": "objects"
    },
    "create_table": {
      "description": "For development: create the table at start if it is missing (on-demand billing) and wait until it is ACTIVE. Off: a missing table stops the instance from starting.",
      "type": "boolean",
      "default": false
    },
    "chunk_bytes": {
      "description": "Objects larger than this (or than what is left of a 400 KB item after the key and metadata) are stored as chunk items of this many bytes plus the object's item, written last.",
      "type": "integer",
      "minimum": 1024,
      "maximum": 393216,
      "default": 393216
    },
    "max_object_bytes": {
      "description": "Largest object accepted; larger puts fail with resource_exhausted. DynamoDB bills every 1 KB written, so keep large recordings in s3.",
      "type": "integer",
      "minimum": 0,
      "maximum": 1073741824,
      "default": 67108864
    },
    "max_retries": {
      "description": "Retries of a request that failed with 5xx, throttling (ProvisionedThroughputExceededException, ThrottlingException, RequestLimitExceeded) or a connection error, with exponential backoff and full jitter, within the call's deadline. Other 4xx are never retried.",
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

NEXUS_PLUGIN(
    nexus::plugins::dynamodb::DynamoStorage, .id = "dynamodb", .version = "1.0.0",
    .description = "Objects as items of a DynamoDB table (SigV4, chunked large objects, conditional writes, retries)",
    .license = "Apache-2.0", .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
