#include "sql_database.hpp"

#include <nexus/sdk/error.hpp>

#include <nexus/sdk/tool_support.hpp>

namespace nexus::plugins::sql {
namespace {

using json = nlohmann::json;

// True when `tail` holds only whitespace and SQL comments: what may follow
// the one statement a call runs.
bool only_blank(std::string_view tail) {
  std::size_t i = 0;
  while (i < tail.size()) {
    const char c = tail[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == ';') {
      ++i;
    } else if (tail.substr(i, 2) == "--") {
      const auto end = tail.find('\n', i);
      i = end == std::string_view::npos ? tail.size() : end + 1;
    } else if (tail.substr(i, 2) == "/*") {
      const auto end = tail.find("*/", i + 2);
      i = end == std::string_view::npos ? tail.size() : end + 2;
    } else {
      return false;
    }
  }
  return true;
}

// SQLite text need not be UTF-8; JSON must be. Invalid bytes become U+FFFD.
std::string valid_text(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  std::string out;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = nexus_utf8_sequence_length(p + i, s.size() - i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

json column_value(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return sqlite3_column_int64(stmt, i);
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, i);
    case SQLITE_TEXT: {
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      return valid_text(std::string_view(t ? t : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))));
    }
    case SQLITE_BLOB: {
      const auto* b = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      return base64_encode(std::string_view(b ? b : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))));
    }
    default:
      return nullptr;
  }
}

void bind_params(sqlite3_stmt* stmt, const json& params) {
  const int expected = sqlite3_bind_parameter_count(stmt);
  const int given = params.is_array() ? static_cast<int>(params.size()) : 0;
  if (given != expected)
    throw SqlError("the statement has " + std::to_string(expected) +
                   " parameter placeholder(s) (?, ?NNN, :name) but params has " + std::to_string(given) +
                   " value(s); pass exactly one value per placeholder, in order");
  for (int i = 0; i < given; ++i) {
    const json& v = params[static_cast<std::size_t>(i)];
    int rc;
    if (v.is_null())
      rc = sqlite3_bind_null(stmt, i + 1);
    else if (v.is_boolean())
      rc = sqlite3_bind_int(stmt, i + 1, v.get<bool>() ? 1 : 0);
    else if (v.is_number_integer())
      rc = sqlite3_bind_int64(stmt, i + 1, v.get<std::int64_t>());
    else if (v.is_number())
      rc = sqlite3_bind_double(stmt, i + 1, v.get<double>());
    else if (v.is_string()) {
      const auto& s = v.get_ref<const std::string&>();
      rc = sqlite3_bind_text(stmt, i + 1, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    } else
      throw sdk::invalid_argument("params[" + std::to_string(i) + "] is " + v.type_name() +
                                  "; parameters are strings, numbers, booleans or null");
    if (rc != SQLITE_OK) throw SqlError("binding params[" + std::to_string(i) + "] failed: " + sqlite3_errstr(rc));
  }
}

std::string quote_identifier(std::string_view name) {
  std::string q = "\"";
  for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

Database::Database(SqlSettings settings) : settings_(std::move(settings)) {
  if (settings_.read_only && settings_.allow_writes)
    throw sdk::invalid_argument(
        "config.allow_writes is true but config.read_only is true; set read_only to false to allow writes");
  int flags = settings_.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  // A writable instance may start from an empty file; a read-only one must
  // find an existing database (creating one would hide a wrong path).
  if (settings_.writes_allowed()) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(settings_.path.c_str(), &raw, flags, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK)
    throw sdk::invalid_argument("config.path '" + settings_.path + "' cannot be opened as a SQLite database" +
                                (settings_.read_only ? " (read-only; the file must exist)" : "") + ": " +
                                (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  sqlite3_extended_result_codes(db_.get(), 1);
  sqlite3_busy_timeout(db_.get(), static_cast<int>(settings_.timeout.count()));
  sqlite3_db_config(db_.get(), SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_db_config(db_.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_limit(db_.get(), SQLITE_LIMIT_ATTACHED, 0);
  if (!settings_.writes_allowed()) {
    // Belt and braces under the authorizer: the connection itself refuses
    // to change the file.
    char* err = nullptr;
    if (sqlite3_exec(db_.get(), "PRAGMA query_only=1", nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string why = err ? err : "unknown error";
      sqlite3_free(err);
      throw sdk::internal("cannot make '" + settings_.path + "' query-only: " + why);
    }
  }
  // Reading the schema proves the file is a database now, not at the first
  // agent call.
  char* err = nullptr;
  if (sqlite3_exec(db_.get(), "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw sdk::invalid_argument("config.path '" + settings_.path + "' is not a readable SQLite database: " + why);
  }
  guard_ = std::make_unique<SqlGuard>(db_.get(), settings_.writes_allowed());
}

StmtPtr Database::prepare_one(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) {
    if (!guard_->denied_reason().empty()) throw SqlError("refused: " + guard_->denied_reason());
    throw SqlError(std::string("SQL error: ") + sqlite3_errmsg(db_.get()) + "; fix the statement and try again");
  }
  if (!stmt)
    throw SqlError(
        "the SQL contains no statement (only whitespace or comments); pass one statement such as SELECT ...");
  const std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  if (!only_blank(rest))
    throw SqlError(
        "only one statement per call is allowed, but more SQL follows the first one; send each statement in its own "
        "call");
  if (!settings_.writes_allowed() && !sqlite3_stmt_readonly(stmt.get()))
    throw SqlError("refused: this statement would change the database, which is read-only for this tool; use SELECT");
  return stmt;
}

QueryResult Database::run(sqlite3_stmt* stmt, std::size_t max_rows) {
  QueryResult r;
  const int n = sqlite3_column_count(stmt);
  for (int i = 0; i < n; ++i) {
    const char* name = sqlite3_column_name(stmt, i);
    r.columns.push_back(valid_text(name ? name : ""));
  }
  r.wrote = !sqlite3_stmt_readonly(stmt);
  for (;;) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_ROW) {
      if (r.rows.size() >= max_rows) {
        r.truncated = true;
        break;
      }
      json row = json::array();
      for (int i = 0; i < n; ++i) row.push_back(column_value(stmt, i));
      r.rows.push_back(std::move(row));
      continue;
    }
    if ((rc & 0xff) == SQLITE_INTERRUPT) {
      switch (guard_->stop_reason()) {
        case SqlGuard::Stop::cancelled:
          throw sdk::cancelled("the call was cancelled while the query ran");
        case SqlGuard::Stop::deadline:
          throw sdk::deadline_exceeded("the call's deadline passed while the query ran");
        default:
          throw SqlError("the query was stopped after the time limit of " + std::to_string(settings_.timeout.count()) +
                         " ms; make it cheaper (add a WHERE or LIMIT, avoid unbounded recursive CTEs) and try again");
      }
    }
    throw SqlError(std::string("SQL error while running: ") + sqlite3_errmsg(db_.get()));
  }
  if (r.wrote) r.changes = sqlite3_changes64(db_.get());
  return r;
}

QueryResult Database::query(const sdk::CallContext& ctx, std::string_view sql, const json& params,
                            std::size_t max_rows) {
  SqlGuard::Scope scope(*guard_, ctx, settings_.timeout, false);
  StmtPtr stmt = prepare_one(sql);
  bind_params(stmt.get(), params);
  return run(stmt.get(), max_rows);
}

std::vector<TableInfo> Database::tables(const sdk::CallContext& ctx) {
  SqlGuard::Scope scope(*guard_, ctx, settings_.timeout, true);
  std::vector<TableInfo> out;
  {
    StmtPtr list(nullptr);
    sqlite3_stmt* raw = nullptr;
    sqlite3_prepare_v2(
        db_.get(),
        "SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' ORDER BY name",
        -1, &raw, nullptr);
    list.reset(raw);
    if (!list) throw sdk::internal(std::string("listing tables failed: ") + sqlite3_errmsg(db_.get()));
    while (sqlite3_step(list.get()) == SQLITE_ROW)
      out.push_back({valid_text(reinterpret_cast<const char*>(sqlite3_column_text(list.get(), 0))),
                     reinterpret_cast<const char*>(sqlite3_column_text(list.get(), 1)),
                     {}});
  }
  for (auto& t : out) {
    sqlite3_stmt* raw = nullptr;
    sqlite3_prepare_v2(db_.get(), "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1)", -1, &raw, nullptr);
    StmtPtr cols(raw);
    if (!cols) throw sdk::internal(std::string("reading columns failed: ") + sqlite3_errmsg(db_.get()));
    sqlite3_bind_text(cols.get(), 1, t.name.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(cols.get()) == SQLITE_ROW) {
      const auto* type = reinterpret_cast<const char*>(sqlite3_column_text(cols.get(), 1));
      t.columns.push_back({valid_text(reinterpret_cast<const char*>(sqlite3_column_text(cols.get(), 0))),
                           type ? type : "", sqlite3_column_int(cols.get(), 2) != 0,
                           sqlite3_column_int(cols.get(), 3) != 0});
    }
  }
  return out;
}

bool Database::has_table(const sdk::CallContext& ctx, std::string_view name) {
  for (const auto& t : tables(ctx))
    if (t.name == name) return true;
  return false;
}

QueryResult Database::first_rows(const sdk::CallContext& ctx, std::string_view table, std::size_t limit) {
  SqlGuard::Scope scope(*guard_, ctx, settings_.timeout, true);
  const std::string sql = "SELECT * FROM " + quote_identifier(table);
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr);
  StmtPtr stmt(raw);
  if (!stmt) throw sdk::internal("reading table '" + std::string(table) + "' failed: " + sqlite3_errmsg(db_.get()));
  try {
    return run(stmt.get(), limit);
  } catch (const SqlError& e) {
    throw sdk::unavailable(e.what());
  }
}

}  // namespace nexus::plugins::sql
