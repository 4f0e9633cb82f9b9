// The SQL the backend runs, in one place, and Statement: a borrowed,
// cached prepared statement that binds, steps, and resets itself when the
// caller is done with it.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace nexus::plugins::sqlite {

// Every statement a connection prepares (once, lazily; see Connection).
enum class Sql : std::size_t {
  begin_read,   // BEGIN (deferred): a read snapshot for a get
  begin_write,  // BEGIN IMMEDIATE: take the write lock up front
  commit,
  rollback,
  select_info,     // ?1 key → id, size, content_type, metadata, etag, modified_ns
  select_etag,     // ?1 key → etag
  upsert,          // ?1 key ?2 body ?3 size ?4 content_type ?5 metadata ?6 etag ?7 modified_ns
  delete_key,      // ?1 key
  list_bounded,    // ?1 prefix ?2 after ?3 prefix upper bound ?4 limit
  list_unbounded,  // ?1 prefix ?2 after ?3 limit (prefix empty or all 0xFF)
  health,
  count_
};

// The SQL text of `s`.
const char* sql_text(Sql s) noexcept;

// A prepared statement borrowed from a connection's cache for one use. The
// destructor resets it and clears its bindings, so the next user starts
// clean whatever happened (an exception mid-step included).
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt, Sql which) noexcept : db_(db), stmt_(stmt), which_(which) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  // Bind helpers (1-based indexes). Text and blobs are SQLITE_STATIC: the
  // caller keeps them alive until the statement is reset, which the
  // Statement's scope guarantees. An empty value binds an empty text/blob,
  // never NULL (SQLite binds NULL for a null data pointer).
  Statement& bind_text(int index, std::string_view text);
  Statement& bind_blob(int index, std::span<const std::uint8_t> bytes);
  Statement& bind_int64(int index, std::int64_t value);

  // sqlite3_step; true for a row, false when done; throws the mapped error
  // with `what` ("reading 'a/b'") otherwise.
  bool step(std::string_view what);

  std::int64_t column_int64(int col) const noexcept { return sqlite3_column_int64(stmt_, col); }
  std::string column_text(int col) const;
  sqlite3* db() const noexcept { return db_; }

 private:
  void check_bind(int rc, int index);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  Sql which_;
};

}  // namespace nexus::plugins::sqlite
