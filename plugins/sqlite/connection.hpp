// Connection — one open SQLite connection to the instance's database file,
// configured the same way every time (extended result codes, busy timeout,
// synchronous), with its prepared statements cached. Used by one thread at a
// time (the pool hands it out), which is why it is opened NOMUTEX.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "sqlite_config.hpp"
#include "sqlite_handles.hpp"
#include "statements.hpp"

namespace nexus::plugins::sqlite {

class Connection {
 public:
  // Opens config.path. `may_create` lets SQLite create the file (only the
  // first connection of an instance, and only when config.create). Errors
  // name the path: this runs while the instance is being created.
  Connection(const SqliteConfig& config, bool may_create);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The cached statement `which`, prepared on first use.
  Statement statement(Sql which);
  // Runs `sql` (no parameters, may be several statements); throws the
  // mapped error with `what` on failure.
  void exec(const std::string& sql, std::string_view what);
  // The first column of the first row of `sql` as text ("" when no row).
  std::string query_text(const std::string& sql, std::string_view what);
  // Opens the body of row `rowid` for incremental, read-only blob I/O.
  BlobPtr open_body(std::int64_t rowid, std::string_view what);

  sqlite3* db() const noexcept { return db_.get(); }
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  DbPtr db_;
  // Declared after db_ so they are finalized before the connection closes.
  std::array<StmtPtr, static_cast<std::size_t>(Sql::count_)> stmts_;
};

// A transaction on one connection: BEGIN (read snapshot) or BEGIN IMMEDIATE
// (write lock taken up front, so a write never fails half-way on a lock
// upgrade, and the busy timeout applies to the wait). Rolled back by the
// destructor unless committed, so an exception anywhere leaves no change.
class Transaction {
 public:
  enum class Kind { read, write };
  Transaction(Connection& c, Kind kind, std::string_view what);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Connection& c_;
  std::string what_;
  bool open_ = false;
};

}  // namespace nexus::plugins::sqlite
