// What an agent's SQL may do, enforced inside SQLite rather than by reading
// the SQL text: an authorizer (consulted for every action while a statement
// is prepared) denies ATTACH/DETACH, load_extension, pragmas that change
// anything and — unless writes are allowed — every write; a progress
// handler stops a statement at its deadline or when the caller cancels.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <string>

#include <nexus/sdk/context.hpp>

namespace nexus::plugins::sql {

class SqlGuard {
 public:
  // Installs the authorizer and progress handler on `db`; `db` must outlive
  // the guard, which must not move afterwards (SQLite keeps its address).
  SqlGuard(sqlite3* db, bool writes_allowed);
  SqlGuard(const SqlGuard&) = delete;
  SqlGuard& operator=(const SqlGuard&) = delete;

  enum class Stop { none, timeout, cancelled, deadline };

  // For the duration of one statement: who is calling and until when.
  class Scope {
   public:
    Scope(SqlGuard& guard, const sdk::CallContext& ctx, std::chrono::milliseconds timeout, bool internal);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    SqlGuard& guard_;
  };

  // Why the last prepare was denied ("" if it was not), and why the last
  // step was interrupted.
  const std::string& denied_reason() const noexcept { return denied_; }
  Stop stop_reason() const noexcept { return stop_; }

 private:
  static int on_authorize(void* self, int action, const char* a3, const char* a4, const char* db_name,
                          const char* trigger);
  static int on_progress(void* self);
  int authorize(int action, const char* a3, const char* a4);

  bool writes_allowed_;
  bool internal_ = false;  // the plugin's own queries (sql_tables, resources)
  const sdk::CallContext* ctx_ = nullptr;
  std::chrono::steady_clock::time_point timeout_at_{};
  std::string denied_;
  Stop stop_ = Stop::none;
};

}  // namespace nexus::plugins::sql
