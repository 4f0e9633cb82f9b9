// Owning handles for the three kinds of SQLite object the plugin holds:
// a connection, a prepared statement, an open blob. Each closes exactly once,
// in its own deleter, so no code path can leak one or close one twice.
#pragma once

#include <sqlite3.h>

#include <memory>

namespace nexus::plugins::sqlite {

struct DbCloser {
  // close_v2 rather than close: if a statement were still alive it defers
  // the close until that statement is finalized instead of failing.
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
struct BlobCloser {
  void operator()(sqlite3_blob* b) const noexcept { sqlite3_blob_close(b); }
};

using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;
using BlobPtr = std::unique_ptr<sqlite3_blob, BlobCloser>;

}  // namespace nexus::plugins::sqlite
