#include "table_setup.hpp"

#include <chrono>
#include <thread>

namespace nexus::plugins::dynamodb {
namespace {

using nlohmann::json;

// How long a created table may stay CREATING before start-up gives up.
constexpr std::chrono::seconds kActiveWait{60};

// The key schema of a DescribeTable answer as "PK HASH, SK RANGE".
std::string describe_schema(const json& table) {
  std::string out;
  if (const auto ks = table.find("KeySchema"); ks != table.end() && ks->is_array())
    for (const auto& k : *ks)
      out += (out.empty() ? "" : ", ") + k.value("AttributeName", "?") + " " + k.value("KeyType", "?");
  return out.empty() ? "none" : out;
}

void check_schema(const json& table, const DdbConfig& c) {
  const std::string want = c.partition_key + " HASH, " + c.sort_key + " RANGE";
  const std::string got = describe_schema(table);
  if (got != want)
    throw sdk::failed_precondition("table '" + c.table + "' has the key schema (" + got +
                                   "), but this instance needs (" + want +
                                   "), both of type S; set config.partition_key / config.sort_key to the table's key "
                                   "names, or use a table made for Nexus");
}

std::string status_of(const json& describe) {
  return describe.value(json::json_pointer("/Table/TableStatus"), std::string());
}

json create_request(const DdbConfig& c) {
  return json{{"AttributeDefinitions", json::array({json{{"AttributeName", c.partition_key}, {"AttributeType", "S"}},
                                                    json{{"AttributeName", c.sort_key}, {"AttributeType", "S"}}})},
              {"KeySchema", json::array({json{{"AttributeName", c.partition_key}, {"KeyType", "HASH"}},
                                         json{{"AttributeName", c.sort_key}, {"KeyType", "RANGE"}}})},
              {"BillingMode", "PAY_PER_REQUEST"}};
}

}  // namespace

void ensure_table(const DdbClient& client, const DdbConfig& config, const sdk::Host& host) {
  const std::string what = "DescribeTable '" + config.table + "'";
  Answer a = client.send(nullptr, "DescribeTable", json::object(), what);
  if (!a.ok() && a.type == "ResourceNotFoundException" && config.create_table) {
    host.info("dynamodb: table '" + config.table +
              "' does not exist; creating it (create_table is on; on-demand billing)");
    const Answer created =
        client.send(nullptr, "CreateTable", create_request(config), "CreateTable '" + config.table + "'");
    // ResourceInUseException: another instance or replica is creating it.
    if (!created.ok() && created.type != "ResourceInUseException")
      throw client.error(created, "CreateTable '" + config.table + "'");
    const auto until = std::chrono::steady_clock::now() + kActiveWait;
    for (;;) {
      a = client.send(nullptr, "DescribeTable", json::object(), what);
      if (!a.ok() && a.type != "ResourceNotFoundException") throw client.error(a, what);
      if (a.ok() && status_of(a.body) == "ACTIVE") break;
      if (std::chrono::steady_clock::now() >= until)
        throw sdk::unavailable("table '" + config.table + "' was created but did not become ACTIVE within " +
                               std::to_string(kActiveWait.count()) + " s (status " +
                               (a.ok() ? status_of(a.body) : a.type) + "); retry later");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  if (!a.ok()) throw client.error(a, what);
  check_schema(a.body.value("Table", json::object()), config);
}

}  // namespace nexus::plugins::dynamodb
