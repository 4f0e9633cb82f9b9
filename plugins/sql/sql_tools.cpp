#include "sql_tools.hpp"

#include <nexus/sdk/error.hpp>

#include <nexus/sdk/tool_support.hpp>

namespace nexus::plugins::sql {
namespace {

using json = nlohmann::json;

// Rows a resource read shows: enough to see what a table holds.
constexpr std::size_t kResourceRows = 100;

SqlSettings read_settings(const sdk::Config& c) {
  SqlSettings s;
  s.path = c.get<std::string>("path");
  s.read_only = c.get_or<bool>("read_only", true);
  s.allow_writes = c.get_or<bool>("allow_writes", false);
  s.max_rows = c.get_or<std::size_t>("max_rows", 1000);
  s.timeout = std::chrono::milliseconds(c.get_or<std::int64_t>("timeout_ms", 5000));
  if (s.path.empty()) throw sdk::invalid_argument("config.path is empty; give the SQLite database file");
  if (s.max_rows == 0) throw sdk::invalid_argument("config.max_rows must be at least 1");
  if (s.timeout.count() <= 0) throw sdk::invalid_argument("config.timeout_ms must be at least 1");
  return s;
}

json result_json(const QueryResult& r) {
  json out{{"columns", r.columns}, {"rows", r.rows}, {"row_count", r.rows.size()}, {"truncated", r.truncated}};
  if (r.wrote) out["changes"] = r.changes;
  return out;
}

// Percent-encodes everything but RFC 3986 unreserved characters, so any
// table name makes one path segment of a URI.
std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~')
      out += static_cast<char>(c);
    else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes; a '%' not followed by two hex digits stays as is.
std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

SqlTools::SqlTools(const sdk::InstanceArgs& args)
    : instance_(args.name),
      db_(read_settings(args.config)),
      tools_(tool_definitions(db_.settings().writes_allowed())) {}

json SqlTools::list_tools(sdk::CallContext&) {
  return tools_;
}

json SqlTools::call_tool(sdk::CallContext& ctx, std::string_view name, const json& arguments) {
  for (const auto& t : tools_) {
    if (t["name"] != name) continue;
    check_arguments(name, t["inputSchema"], arguments);
    return name == "sql_query" ? query(ctx, arguments) : tables(ctx);
  }
  throw sdk::not_found("no tool '" + std::string(name) + "'; this instance offers sql_query and sql_tables");
}

json SqlTools::query(sdk::CallContext& ctx, const json& args) {
  QueryResult r;
  try {
    r = db_.query(ctx, args["sql"].get<std::string>(), args.value("params", json::array()), db_.settings().max_rows);
  } catch (const SqlError& e) {
    return error_result(e.what());
  }
  const json structured = result_json(r);
  std::string text;
  if (r.truncated)
    text = "Only the first " + std::to_string(r.rows.size()) +
           " rows are shown (max_rows); add a LIMIT/WHERE or aggregate to see the rest.\n";
  if (r.wrote) text += std::to_string(r.changes) + " row(s) changed.\n";
  text += structured.dump();
  return {{"content", json::array({{{"type", "text"}, {"text", text}}})},
          {"structuredContent", structured},
          {"isError", false}};
}

json SqlTools::tables(sdk::CallContext& ctx) {
  json list = json::array();
  for (const auto& t : db_.tables(ctx)) {
    json cols = json::array();
    for (const auto& c : t.columns)
      cols.push_back({{"name", c.name}, {"type", c.type}, {"not_null", c.not_null}, {"primary_key", c.primary_key}});
    list.push_back({{"name", t.name}, {"type", t.type}, {"columns", cols}});
  }
  return sdk::structured_result({{"tables", list}});
}

std::string SqlTools::table_uri(std::string_view table) const {
  return "sql://" + percent_encode(instance_) + "/" + percent_encode(table);
}

json SqlTools::list_resources(sdk::CallContext& ctx) {
  json resources = json::array();
  for (const auto& t : db_.tables(ctx))
    resources.push_back({{"uri", table_uri(t.name)},
                         {"name", t.name},
                         {"title", t.type + " " + t.name},
                         {"description", "The first " + std::to_string(kResourceRows) + " rows of the " + t.type +
                                             " '" + t.name + "' as JSON {columns, rows, row_count, truncated}"},
                         {"mimeType", "application/json"}});
  return {{"resources", resources}, {"resourceTemplates", json::array()}};
}

json SqlTools::read_resource(sdk::CallContext& ctx, std::string_view uri) {
  const std::string base = "sql://" + percent_encode(instance_) + "/";
  if (uri.substr(0, base.size()) != base)
    throw sdk::not_found("resource '" + std::string(uri) + "' is not served here; this instance's tables are " + base +
                         "<table>");
  const std::string table = percent_decode(uri.substr(base.size()));
  if (!db_.has_table(ctx, table))
    throw sdk::not_found("no table or view '" + table +
                         "' in this database; list resources or call sql_tables to see them");
  return sdk::text_resource(uri, "application/json", result_json(db_.first_rows(ctx, table, kResourceRows)).dump());
}

}  // namespace nexus::plugins::sql
