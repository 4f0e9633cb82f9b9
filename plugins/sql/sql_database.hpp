// One SQLite database file as the sql tools see it: opened once per
// instance (read-only unless writes are configured), guarded by SqlGuard,
// queried one statement at a time with bound parameters and limits.
#pragma once

#include <nexus/sdk/tool_support.hpp>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <nexus/sdk/context.hpp>

#include "sql_guard.hpp"
#include "sql_handles.hpp"

namespace nexus::plugins::sql {

// The SDK's tool helpers (tool_support, child_context, storage_client) by
// their short names.
using namespace ::nexus::sdk;
using json = nlohmann::json;

struct SqlSettings {
  std::string path;
  bool read_only = true;
  std::size_t max_rows = 1000;
  std::chrono::milliseconds timeout{5000};
  bool allow_writes = false;
  bool writes_allowed() const noexcept { return !read_only && allow_writes; }
};

// A failure of the agent's SQL (syntax, a guard, the time limit): reported
// as a tool result with isError, never as a protocol error.
class SqlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct QueryResult {
  nlohmann::json columns = nlohmann::json::array();
  nlohmann::json rows = nlohmann::json::array();
  bool truncated = false;
  bool wrote = false;        // the statement may change the database
  std::int64_t changes = 0;  // rows changed, when wrote
};

struct ColumnInfo {
  std::string name;
  std::string type;
  bool not_null = false;
  bool primary_key = false;
};
struct TableInfo {
  std::string name;
  std::string type;  // "table" or "view"
  std::vector<ColumnInfo> columns;
};

class Database {
 public:
  // Throws sdk::Error naming the path when the file cannot be opened as a
  // SQLite database in the configured mode.
  explicit Database(SqlSettings settings);

  // Runs exactly one statement. Throws SqlError for what the agent can fix,
  // sdk::Error(CANCELLED / DEADLINE_EXCEEDED) when the caller gave up.
  QueryResult query(const sdk::CallContext& ctx, std::string_view sql, const nlohmann::json& params,
                    std::size_t max_rows);

  std::vector<TableInfo> tables(const sdk::CallContext& ctx);
  bool has_table(const sdk::CallContext& ctx, std::string_view name);
  // The first `limit` rows of a table or view (for resources).
  QueryResult first_rows(const sdk::CallContext& ctx, std::string_view table, std::size_t limit);

  const SqlSettings& settings() const noexcept { return settings_; }

 private:
  StmtPtr prepare_one(std::string_view sql);
  // Steps a prepared statement; the caller holds a SqlGuard::Scope.
  QueryResult run(sqlite3_stmt* stmt, std::size_t max_rows);

  SqlSettings settings_;
  DbPtr db_;
  std::unique_ptr<SqlGuard> guard_;  // heap: SQLite keeps its address
};

}  // namespace nexus::plugins::sql
