#include "sqlite_errors.hpp"

namespace nexus::plugins::sqlite {

sdk::Error sqlite_error(int rc, sqlite3* db, std::string_view what) {
  // sqlite3_errmsg describes the most recent failure on `db`, which is this
  // one: every connection is used by one thread at a time (the pool's rule).
  const char* detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string m = std::string(what) + " failed: " + (detail ? detail : sqlite3_errstr(rc)) + " (SQLite code " +
                  std::to_string(rc) + ")";
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return sdk::unavailable(m +
                              "; another writer held the database lock longer than config.busy_timeout_ms — retry, "
                              "or raise busy_timeout_ms");
    case SQLITE_FULL:
      return sdk::resource_exhausted(m + "; the disk holding the database is full — free space and retry");
    case SQLITE_TOOBIG:
      return sdk::resource_exhausted(m + "; the value is larger than SQLite accepts — lower config.max_object_bytes");
    case SQLITE_NOMEM:
      return sdk::resource_exhausted(m);
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return sdk::permission_denied(m + "; give the nexusd user write access to the database file and its directory");
    case SQLITE_INTERRUPT:
      return sdk::cancelled(m);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return sdk::unavailable(m + "; the database file could not be read or written — check the disk and retry");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return sdk::internal(m + "; the database file is damaged — restore it from a backup");
    default:
      return sdk::internal(m);
  }
}

}  // namespace nexus::plugins::sqlite
