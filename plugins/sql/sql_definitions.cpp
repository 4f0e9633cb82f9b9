// The MCP Tool definitions of the sql plugin; call_tool checks arguments
// against these same inputSchemas.
#include "sql_tools.hpp"

namespace nexus::plugins::sql {

using json = nlohmann::json;

json tool_definitions(bool writes_allowed) {
  const json value_types = json::array({"string", "number", "integer", "boolean", "null"});
  json query{
      {"name", "sql_query"},
      {"title", "Run a SQL query"},
      {"description",
       std::string(
           "Run one SQLite statement against the database and get the rows back as columns and rows. Use sql_tables "
           "first "
           "to see the tables and columns. Pass values as params bound to ? placeholders instead of pasting them into "
           "the SQL. One statement per call; ATTACH, load_extension and pragmas that change settings are refused; "
           "results are cut at the configured row limit (truncated: true) and slow statements are stopped. ") +
           (writes_allowed
                ? "This database accepts writes (INSERT, UPDATE, DELETE, CREATE)."
                : "This database is read-only: only statements that read (SELECT, WITH ..., read pragmas) run.")},
      {"inputSchema",
       {{"type", "object"},
        {"additionalProperties", false},
        {"properties",
         {{"sql",
           {{"type", "string"},
            {"minLength", 1},
            {"description", "Exactly one SQLite statement, e.g. SELECT * FROM calls WHERE id = ?"}}},
          {"params",
           {{"type", "array"},
            {"items", {{"type", value_types}}},
            {"description",
             "Values bound to the statement's placeholders, in order (strings, numbers, booleans, null)."}}}}},
        {"required", {"sql"}}}},
      {"outputSchema",
       {{"type", "object"},
        {"properties",
         {{"columns", {{"type", "array"}, {"items", {{"type", "string"}}}}},
          {"rows", {{"type", "array"}, {"items", {{"type", "array"}}}}},
          {"row_count", {{"type", "integer"}}},
          {"truncated", {{"type", "boolean"}}},
          {"changes", {{"type", "integer"}}}}},
        {"required", {"columns", "rows", "row_count", "truncated"}}}},
      {"annotations",
       {{"readOnlyHint", !writes_allowed},
        {"destructiveHint", writes_allowed},
        {"idempotentHint", !writes_allowed},
        {"openWorldHint", false}}}};
  json tables{
      {"name", "sql_tables"},
      {"title", "List tables and columns"},
      {"description",
       "List the database's tables and views with their columns (name, declared type, NOT NULL, primary key). "
       "Use it before writing a sql_query."},
      {"inputSchema", {{"type", "object"}, {"additionalProperties", false}, {"properties", json::object()}}},
      {"outputSchema",
       {{"type", "object"},
        {"properties",
         {{"tables",
           {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"properties",
               {{"name", {{"type", "string"}}},
                {"type", {{"type", "string"}}},
                {"columns", {{"type", "array"}, {"items", {{"type", "object"}}}}}}},
              {"required", {"name", "type", "columns"}}}}}}}},
        {"required", {"tables"}}}},
      {"annotations",
       {{"readOnlyHint", true}, {"destructiveHint", false}, {"idempotentHint", true}, {"openWorldHint", false}}}};
  return json::array({query, tables});
}

}  // namespace nexus::plugins::sql
