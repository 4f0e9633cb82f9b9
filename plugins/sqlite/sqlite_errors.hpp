// How the sqlite backend turns an SQLite result code into a status and a
// message a caller can act on. Call-time messages name the key and the
// operation, not the database's absolute path (as the fs backend does not
// name its root); create-time messages name the path.
#pragma once

#include <sqlite3.h>

#include <nexus/sdk/error.hpp>

#include <string>
#include <string_view>

namespace nexus::plugins::sqlite {

// Error for result code `rc` (extended codes welcome) while doing `what`
// ("writing 'a/b'"); `db` (may be null) supplies sqlite3_errmsg. Mapping:
//   BUSY / LOCKED         → unavailable (another writer held the lock past busy_timeout_ms)
//   FULL                  → resource_exhausted (disk full)
//   TOOBIG / NOMEM        → resource_exhausted
//   READONLY / PERM / AUTH → permission_denied
//   INTERRUPT             → cancelled
//   CANTOPEN / IOERR      → unavailable
//   CORRUPT / NOTADB      → internal (the file is damaged; needs an operator)
//   anything else         → internal
sdk::Error sqlite_error(int rc, sqlite3* db, std::string_view what);

// Throws sqlite_error(rc, db, what) unless rc is SQLITE_OK, SQLITE_ROW or
// SQLITE_DONE.
inline void check(int rc, sqlite3* db, std::string_view what) {
  if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE) throw sqlite_error(rc, db, what);
}

}  // namespace nexus::plugins::sqlite
