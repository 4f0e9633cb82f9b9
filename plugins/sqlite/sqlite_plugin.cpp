// The "sqlite" plugin: objects in one SQLite database file per instance —
// "SQLite locally, DynamoDB in the cloud".
//
// Config (JSON Schema below; the host validates it, read_config checks again):
//   path              database file (required); created with its parent
//                     directories when missing, unless create is false
//   create            create the file when missing (default true)
//   busy_timeout_ms   how long a write waits for another instance or
//                     process holding the file's write lock (default 5000);
//                     past it the call fails with unavailable (retry)
//   synchronous       "full" (default: an acknowledged put survives power
//                     loss) or "normal" (WAL-safe against crashes, may lose
//                     the last commits on power loss; faster)
//   max_object_bytes  largest body a put accepts (default 256 MiB; at most
//                     SQLite's 1 GB value limit); larger → resource_exhausted
//
// Behaviour:
//   - One table, objects(id rowid, key UNIQUE, body, size, content_type,
//     metadata JSON, etag, modified_ns); schema version in PRAGMA
//     user_version (a newer version, or another application's database, is
//     refused at create with a message naming the file). WAL journal mode.
//   - Keys that are not valid UTF-8 are refused by put (invalid_argument):
//     JSON object info could never describe them.
//   - put is one BEGIN IMMEDIATE transaction (if_absent / if_match checked
//     inside it). etag = 128 random bits in hex, new on every write.
//   - get reads in one snapshot and streams the body with incremental blob
//     I/O in 1 MiB chunks, polling cancellation between chunks.
//   - list scans the key index over [prefix, prefix+1) after the cursor, in
//     byte order; cursors are the SDK's shared "v1:" format.
//   - Concurrency: one writer connection (in-process writers queue on a
//     mutex) and four reader connections, so gets and lists run in parallel
//     with a write. Two instances on one file are safe (WAL + busy timeout);
//     they see each other's committed writes.
//   - Errors: SQLITE_BUSY past the timeout → unavailable, SQLITE_FULL →
//     resource_exhausted, a file that is not a database → create fails
//     naming the path.
#include <nexus/sdk/plugin.hpp>

#include "sqlite_storage.hpp"

namespace {

constexpr const char* kSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "sqlite storage",
  "description": "Objects as rows of one SQLite database file (WAL mode); safe for concurrent requests and for several instances or processes sharing the file.",
  "type": "object",
  "additionalProperties": false,
  "required": ["path"],
  "properties": {
    "path": {
      "description": "Database file, e.g. \"data/objects.db\". Created (with its parent directories) when missing unless create is false. SQLite keeps <path>-wal and <path>-shm next to it.",
      "type": "string",
      "minLength": 1
    },
    "create": {
      "description": "Create the database file and its parent directories when they do not exist; when false, a missing file fails instance creation.",
      "type": "boolean",
      "default": true
    },
    "busy_timeout_ms": {
      "description": "How long, in milliseconds, a write waits for another instance or process holding the file's write lock before failing with unavailable (retry).",
      "type": "integer",
      "minimum": 0,
      "maximum": 2147483647,
      "default": 5000
    },
    "synchronous": {
      "description": "SQLite's PRAGMA synchronous: \"full\" makes every acknowledged put survive power loss; \"normal\" is faster and still crash-safe in WAL mode, but may lose the last writes on power loss.",
      "type": "string",
      "enum": ["full", "normal"],
      "default": "full"
    },
    "max_object_bytes": {
      "description": "Largest object body a put accepts, in bytes (at most SQLite's 1 GB value limit); a larger put fails with resource_exhausted.",
      "type": "integer",
      "minimum": 0,
      "default": 268435456
    }
  }
})json";

}  // namespace

NEXUS_PLUGIN(nexus::plugins::sqlite::SqliteStorage, .id = "sqlite", .version = "1.0.0",
             .description = "Objects in one SQLite database file", .license = "Apache-2.0", .config_schema = kSchema,
             .concurrency = NEXUS_CONCURRENCY_PARALLEL)
