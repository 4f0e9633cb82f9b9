// Owning handles for a SQLite connection and a prepared statement: each is
// closed exactly once, by its deleter, on every path.
#pragma once

#include <sqlite3.h>

#include <memory>

namespace nexus::plugins::sql {

struct DbCloser {
  // close_v2 defers the close until a straggling statement is finalized
  // instead of failing and leaking the connection.
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};

using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

}  // namespace nexus::plugins::sql
