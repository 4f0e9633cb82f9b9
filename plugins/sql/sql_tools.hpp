// The "sql" instance: tools to query one SQLite database (sql_query,
// sql_tables) and its tables as MCP resources (sql://<instance>/<table>).
#pragma once

#include <nexus/sdk/tool_support.hpp>

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <nexus/sdk/instance.hpp>
#include <nexus/sdk/resources.hpp>
#include <nexus/sdk/tools.hpp>

#include "sql_database.hpp"

namespace nexus::plugins::sql {

// The SDK's tool helpers (tool_support, child_context, storage_client) by
// their short names.
using namespace ::nexus::sdk;
using json = nlohmann::json;

// The MCP Tool definitions; `writes_allowed` only changes the descriptions
// and annotations, never the set of tools.
nlohmann::json tool_definitions(bool writes_allowed);

class SqlTools : public sdk::Tools, public sdk::Resources {
 public:
  explicit SqlTools(const sdk::InstanceArgs& args);

  nlohmann::json list_tools(sdk::CallContext& ctx) override;
  nlohmann::json call_tool(sdk::CallContext& ctx, std::string_view name, const nlohmann::json& arguments) override;

  nlohmann::json list_resources(sdk::CallContext& ctx) override;
  nlohmann::json read_resource(sdk::CallContext& ctx, std::string_view uri) override;

 private:
  nlohmann::json query(sdk::CallContext& ctx, const nlohmann::json& args);
  nlohmann::json tables(sdk::CallContext& ctx);
  std::string table_uri(std::string_view table) const;

  std::string instance_;
  Database db_;
  nlohmann::json tools_;
};

}  // namespace nexus::plugins::sql
