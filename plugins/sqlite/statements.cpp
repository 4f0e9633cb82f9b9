#include "statements.hpp"

#include "sqlite_errors.hpp"

namespace nexus::plugins::sqlite {

const char* sql_text(Sql s) noexcept {
  switch (s) {
    case Sql::begin_read:
      return "BEGIN";
    case Sql::begin_write:
      return "BEGIN IMMEDIATE";
    case Sql::commit:
      return "COMMIT";
    case Sql::rollback:
      return "ROLLBACK";
    case Sql::select_info:
      return "SELECT id, size, content_type, metadata, etag, modified_ns FROM objects WHERE key = ?1";
    case Sql::select_etag:
      return "SELECT etag FROM objects WHERE key = ?1";
    // An upsert keeps the row's id (rowid), so the UNIQUE key index is not
    // touched on overwrite; readers on other connections keep their own
    // snapshot of the old row (WAL), so none sees a mix.
    case Sql::upsert:
      return "INSERT INTO objects(key, body, size, content_type, metadata, etag, modified_ns) "
             "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) "
             "ON CONFLICT(key) DO UPDATE SET body = excluded.body, size = excluded.size, "
             "content_type = excluded.content_type, metadata = excluded.metadata, etag = excluded.etag, "
             "modified_ns = excluded.modified_ns";
    case Sql::delete_key:
      return "DELETE FROM objects WHERE key = ?1";
    // Both bounds are plain comparisons on the key column, so SQLite walks
    // the key index from the first candidate and stops at LIMIT or the upper
    // bound. BINARY collation compares with memcmp: unsigned byte order, the
    // order storage.h promises. key > ?2 is the cursor ('' on the first page,
    // which every non-empty key is greater than).
    case Sql::list_bounded:
      return "SELECT key, size, content_type, etag, modified_ns FROM objects "
             "WHERE key >= ?1 AND key > ?2 AND key < ?3 ORDER BY key LIMIT ?4";
    case Sql::list_unbounded:
      return "SELECT key, size, content_type, etag, modified_ns FROM objects "
             "WHERE key >= ?1 AND key > ?2 ORDER BY key LIMIT ?3";
    // Reads the schema and a page of the table: proves the file is readable
    // and still ours, where a bare SELECT 1 would not touch the file at all.
    case Sql::health:
      return "SELECT 1 FROM objects LIMIT 1";
    case Sql::count_:
      break;
  }
  return "";
}

void Statement::check_bind(int rc, int index) {
  if (rc != SQLITE_OK)
    throw sqlite_error(rc, db_, "binding parameter " + std::to_string(index) + " of \"" + sql_text(which_) + "\"");
}

Statement& Statement::bind_text(int index, std::string_view text) {
  // Keys are bound as TEXT (never BLOB): SQLite orders a BLOB after every
  // TEXT, so mixing the two would break range comparisons.
  check_bind(
      sqlite3_bind_text64(stmt_, index, text.empty() ? "" : text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8),
      index);
  return *this;
}

Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> bytes) {
  check_bind(bytes.empty() ? sqlite3_bind_zeroblob(stmt_, index, 0)
                           : sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC),
             index);
  return *this;
}

Statement& Statement::bind_int64(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

bool Statement::step(std::string_view what) {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw sqlite_error(rc, db_, what);
}

std::string Statement::column_text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  const int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace nexus::plugins::sqlite
