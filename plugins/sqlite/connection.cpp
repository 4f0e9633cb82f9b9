#include "connection.hpp"

#include <nexus/sdk/error.hpp>

#include "sqlite_errors.hpp"

namespace nexus::plugins::sqlite {
namespace {

// Errors while opening and configuring a connection: they name the file, and
// "not a database" gets its own message because the fix is different.
sdk::Error open_error(int rc, sqlite3* db, const SqliteConfig& config, std::string_view step) {
  const std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int primary = rc & 0xff;
  if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT)
    return sdk::failed_precondition("database file '" + config.path + "' is not an SQLite database or is corrupt (" +
                                    detail + " while " + std::string(step) +
                                    "); point config.path at a new file, or restore this one from a backup");
  if (primary == SQLITE_CANTOPEN && !config.create)
    return sdk::invalid_argument(
        "cannot open database file '" + config.path + "' (" + detail +
        "); config.create is false, so the file must already exist — create it or set create to true");
  return sqlite_error(rc, db, std::string(step) + " database file '" + config.path + "'");
}

}  // namespace

Connection::Connection(const SqliteConfig& config, bool may_create) : path_(config.path) {
  // NOMUTEX: the pool guarantees one thread at a time per connection, so
  // SQLite's per-connection mutex would be pure cost. No URI filenames: a
  // '?' in config.path is part of the name, not a query string.
  const int flags = SQLITE_OPEN_READWRITE | (may_create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX |
                    SQLITE_OPEN_PRIVATECACHE | SQLITE_OPEN_EXRESCODE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path_.c_str(), &raw, flags, nullptr);
  db_.reset(raw);  // owned even on failure: open_v2 may allocate a handle that must be closed
  if (rc != SQLITE_OK) throw open_error(rc, db_.get(), config, "opening");
  sqlite3_extended_result_codes(db_.get(), 1);
  sqlite3_busy_timeout(db_.get(), config.busy_timeout_ms);

  // The first statement that reads the file: a file that is not a database
  // is found here, so say so with the path.
  const char* sync =
      config.synchronous == Synchronous::full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL";
  if (const int r = sqlite3_exec(db_.get(), "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
      r != SQLITE_OK)
    throw open_error(r, db_.get(), config, "reading");
  if (const int r = sqlite3_exec(db_.get(), sync, nullptr, nullptr, nullptr); r != SQLITE_OK)
    throw open_error(r, db_.get(), config, "configuring");
}

Statement Connection::statement(Sql which) {
  StmtPtr& slot = stmts_[static_cast<std::size_t>(which)];
  if (!slot) {
    sqlite3_stmt* raw = nullptr;
    // PERSISTENT: these live as long as the connection and are reused for
    // every call.
    const int rc = sqlite3_prepare_v3(db_.get(), sql_text(which), -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    slot.reset(raw);
    if (rc != SQLITE_OK) throw sqlite_error(rc, db_.get(), std::string("preparing \"") + sql_text(which) + "\"");
  }
  return Statement(db_.get(), slot.get(), which);
}

void Connection::exec(const std::string& sql, std::string_view what) {
  check(sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr), db_.get(), what);
}

std::string Connection::query_text(const std::string& sql, std::string_view what) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr);
  const StmtPtr stmt(raw);
  check(rc, db_.get(), what);
  const int step = sqlite3_step(stmt.get());
  check(step, db_.get(), what);
  if (step != SQLITE_ROW) return {};
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt.get(), 0))) : std::string();
}

BlobPtr Connection::open_body(std::int64_t rowid, std::string_view what) {
  sqlite3_blob* raw = nullptr;
  const int rc = sqlite3_blob_open(db_.get(), "main", "objects", "body", rowid, 0, &raw);
  BlobPtr blob(raw);
  check(rc, db_.get(), what);
  return blob;
}

Transaction::Transaction(Connection& c, Kind kind, std::string_view what) : c_(c), what_(what) {
  c_.statement(kind == Kind::write ? Sql::begin_write : Sql::begin_read).step(what_);
  open_ = true;
}

Transaction::~Transaction() {
  if (!open_) return;
  // A failed statement may already have rolled the transaction back
  // (SQLITE_FULL, SQLITE_IOERR ...); only roll back what is still open.
  if (sqlite3_get_autocommit(c_.db()) == 0) {
    try {
      c_.statement(Sql::rollback).step(what_);
    } catch (...) {
      // Last resort without the statement cache. Should even this fail, the
      // next BEGIN on this connection fails with "cannot start a transaction
      // within a transaction" and reports it, rather than writing into a
      // stranger's transaction.
      sqlite3_exec(c_.db(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }
}

void Transaction::commit() {
  c_.statement(Sql::commit).step(what_);
  open_ = false;
}

}  // namespace nexus::plugins::sqlite
