#include "schema.hpp"

#include <nexus/sdk/error.hpp>

namespace nexus::plugins::sqlite {
namespace {

// A rowid table with a UNIQUE key index, not WITHOUT ROWID: incremental blob
// I/O (sqlite3_blob_open) needs a rowid, and it is what lets a get stream a
// 256 MiB body in 1 MiB chunks instead of materialising it whole (as
// substr(body, ...) or sqlite3_column_blob would). The UNIQUE index on key
// serves lookups and the prefix range scans of list. Keys compare with the
// BINARY collation (memcmp), i.e. byte-wise, as storage.h orders them.
constexpr const char* kCreateSchema = R"sql(
CREATE TABLE objects (
  id           INTEGER PRIMARY KEY,
  key          TEXT    NOT NULL UNIQUE COLLATE BINARY,
  body         BLOB    NOT NULL,
  size         INTEGER NOT NULL,
  content_type TEXT    NOT NULL,
  metadata     TEXT    NOT NULL,  -- flat JSON object of strings
  etag         TEXT    NOT NULL,  -- random 128-bit version id per write, hex
  modified_ns  INTEGER NOT NULL   -- Unix time of the write, nanoseconds
);
)sql";

}  // namespace

std::string enable_wal(Connection& c) {
  return c.query_text("PRAGMA journal_mode = WAL", "switching to WAL mode the database file '" + c.path() + "'");
}

void ensure_schema(Connection& c) {
  const std::string where = "database file '" + c.path() + "'";
  Transaction tx(c, Transaction::Kind::write, "setting up the schema of " + where);
  const int version = std::stoi(c.query_text("PRAGMA user_version", "reading the schema version of " + where));
  if (version > kSchemaVersion)
    throw sdk::failed_precondition(
        where + " has schema version " + std::to_string(version) + ", but this sqlite plugin knows up to " +
        std::to_string(kSchemaVersion) +
        "; it was written by a newer plugin — upgrade the plugin, or point config.path at another file");
  if (version == kSchemaVersion) return;  // nothing to do; tx rolls back its empty transaction

  // Version 0: a new file, or an SQLite database that is not ours. Writing
  // our table into someone else's database would be a surprise, so only an
  // empty one is initialised.
  const std::string tables = c.query_text("SELECT count(*) FROM sqlite_schema", "reading the tables of " + where);
  if (tables != "0")
    throw sdk::failed_precondition(where + " is an SQLite database but not a Nexus object store (no schema version, " +
                                   tables + " existing schema objects); point config.path at a new file");
  c.exec(kCreateSchema, "creating the objects table in " + where);
  c.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion), "setting the schema version of " + where);
  tx.commit();
}

}  // namespace nexus::plugins::sqlite
