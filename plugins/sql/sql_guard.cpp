#include "sql_guard.hpp"

#include <array>
#include <cstring>
#include <string_view>

namespace nexus::plugins::sql {
namespace {

// Pragmas that only read, allowed without an argument.
constexpr std::array<std::string_view, 20> kReadPragmas{
    "table_info",  "table_xinfo",      "table_list",     "index_list",     "index_info",
    "index_xinfo", "foreign_key_list", "collation_list", "function_list",  "pragma_list",
    "module_list", "database_list",    "user_version",   "schema_version", "application_id",
    "page_count",  "page_size",        "encoding",       "freelist_count", "data_version"};
// Of those, the ones whose argument names what to look at (a table, an
// index) rather than a new setting.
constexpr std::array<std::string_view, 7> kLookupPragmas{"table_info", "table_xinfo", "table_list",      "index_list",
                                                         "index_info", "index_xinfo", "foreign_key_list"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, const char* name) {
  if (!name) return false;
  for (auto n : list)
    if (sqlite3_stricmp(std::string(n).c_str(), name) == 0) return true;
  return false;
}

bool is_write(int action) {
  switch (action) {
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_VIEW:
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_TEMP_TRIGGER:
    case SQLITE_DROP_TEMP_VIEW:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_VIEW:
    case SQLITE_ALTER_TABLE:
    case SQLITE_REINDEX:
    case SQLITE_ANALYZE:
    case SQLITE_CREATE_VTABLE:
    case SQLITE_DROP_VTABLE:
      return true;
    default:
      return false;
  }
}

}  // namespace

SqlGuard::SqlGuard(sqlite3* db, bool writes_allowed) : writes_allowed_(writes_allowed) {
  sqlite3_set_authorizer(db, &SqlGuard::on_authorize, this);
  // Every 1000 virtual-machine steps: cheap, and a runaway recursive CTE is
  // noticed within microseconds of its deadline.
  sqlite3_progress_handler(db, 1000, &SqlGuard::on_progress, this);
}

SqlGuard::Scope::Scope(SqlGuard& guard, const sdk::CallContext& ctx, std::chrono::milliseconds timeout, bool internal)
    : guard_(guard) {
  guard_.ctx_ = &ctx;
  guard_.timeout_at_ = std::chrono::steady_clock::now() + timeout;
  guard_.internal_ = internal;
  guard_.denied_.clear();
  guard_.stop_ = Stop::none;
}

SqlGuard::Scope::~Scope() {
  guard_.ctx_ = nullptr;
  guard_.internal_ = false;
}

int SqlGuard::on_authorize(void* self, int action, const char* a3, const char* a4, const char*, const char*) {
  return static_cast<SqlGuard*>(self)->authorize(action, a3, a4);
}

int SqlGuard::authorize(int action, const char* a3, const char* a4) {
  if (internal_) return SQLITE_OK;
  auto deny = [&](std::string why) {
    if (denied_.empty()) denied_ = std::move(why);
    return SQLITE_DENY;
  };
  switch (action) {
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
      return deny("ATTACH and DETACH are not allowed: this tool queries only its configured database");
    case SQLITE_FUNCTION:
      if (a4 && sqlite3_stricmp(a4, "load_extension") == 0) return deny("load_extension() is not allowed");
      return SQLITE_OK;
    case SQLITE_PRAGMA:
      if (contains(kReadPragmas, a3) && (a4 == nullptr || contains(kLookupPragmas, a3))) return SQLITE_OK;
      return deny(
          std::string("PRAGMA ") + (a3 ? a3 : "?") + (a4 ? " with an argument" : "") +
          " is not allowed (only pragmas that read, such as table_info, are); use sql_tables to inspect the schema");
    default:
      break;
  }
  if (!writes_allowed_ && is_write(action))
    return deny(
        "this database is read-only for this tool (config read_only/allow_writes), so statements that change it are "
        "refused; "
        "use SELECT");
  return SQLITE_OK;
}

int SqlGuard::on_progress(void* p) {
  auto& self = *static_cast<SqlGuard*>(p);
  if (self.ctx_) {
    if (self.ctx_->deadline_passed()) {
      self.stop_ = Stop::deadline;
      return 1;
    }
    if (self.ctx_->cancelled()) {
      self.stop_ = Stop::cancelled;
      return 1;
    }
  }
  if (std::chrono::steady_clock::now() >= self.timeout_at_) {
    self.stop_ = Stop::timeout;
    return 1;
  }
  return 0;
}

}  // namespace nexus::plugins::sql
