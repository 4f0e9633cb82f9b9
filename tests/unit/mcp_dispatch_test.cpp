// The transport-independent MCP pieces, in process: JSON-RPC parsing,
// signed session ids, name collisions, cursors, schema checks.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mcp/catalog.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/schema_check.hpp"
#include "mcp/session_id.hpp"

namespace nexus::host::mcp {
namespace {

using nlohmann::json;

int error_code(const std::variant<Message, json>& parsed) {
  const json* e = std::get_if<json>(&parsed);
  return e ? (*e)["error"]["code"].get<int>() : 0;
}

TEST(McpJsonRpc, ParsesRequestsNotificationsAndResponses) {
  auto r = parse_message(R"({"jsonrpc":"2.0","id":"a","method":"ping"})");
  ASSERT_TRUE(std::holds_alternative<Message>(r));
  EXPECT_EQ(std::get<Message>(r).kind, Message::Kind::request);
  EXPECT_EQ(std::get<Message>(r).id, "a");
  r = parse_message(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  EXPECT_EQ(std::get<Message>(r).kind, Message::Kind::notification);
  r = parse_message(R"({"jsonrpc":"2.0","id":3,"result":{}})");
  EXPECT_EQ(std::get<Message>(r).kind, Message::Kind::response);
}

TEST(McpJsonRpc, RejectsWhatIsNotOneWellFormedMessage) {
  EXPECT_EQ(error_code(parse_message("{")), kParseError);
  EXPECT_EQ(error_code(parse_message("")), kParseError);
  EXPECT_EQ(error_code(parse_message(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])")), kInvalidRequest);
  EXPECT_EQ(error_code(parse_message("42")), kInvalidRequest);
  EXPECT_EQ(error_code(parse_message(R"({"id":1,"method":"ping"})")), kInvalidRequest);
  EXPECT_EQ(error_code(parse_message(R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})")), kInvalidRequest);
  EXPECT_EQ(error_code(parse_message(R"({"jsonrpc":"2.0","id":1,"method":7})")), kInvalidRequest);
  EXPECT_EQ(error_code(parse_message(R"({"jsonrpc":"2.0","id":1,"method":"x","params":[1]})")), kInvalidRequest);
  EXPECT_EQ(error_code(parse_message(R"({"jsonrpc":"2.0","id":1})")), kInvalidRequest);
}

TEST(McpSessionIds, VerifiesItsOwnAndRejectsForgeries) {
  const SessionIds ids("a-shared-secret-0123456789");
  const std::string id = ids.issue();
  EXPECT_EQ(id.size(), 112u);
  EXPECT_TRUE(ids.verify(id).has_value());
  EXPECT_NE(ids.issue(), id);
  // Another replica with the same key accepts it; one with another key does not.
  EXPECT_TRUE(SessionIds("a-shared-secret-0123456789").verify(id).has_value());
  EXPECT_FALSE(SessionIds("another-secret-0123456789").verify(id).has_value());
  for (std::size_t i : {0u, 40u, 111u}) {
    std::string forged = id;
    forged[i] = forged[i] == '0' ? '1' : '0';
    EXPECT_FALSE(ids.verify(forged).has_value()) << i;
  }
  EXPECT_FALSE(ids.verify(id.substr(1)).has_value());
  EXPECT_FALSE(ids.verify(std::string(112, 'z')).has_value());
  EXPECT_FALSE(ids.verify("").has_value());
}

TEST(McpCatalog, CollisionsArePrefixedForEveryInstanceOfferingTheName) {
  const auto c = build_catalog({{"a", json::array({{{"name", "get"}}, {{"name", "only_a"}}})},
                                {"b", json::array({{{"name", "get"}}, {{"nom", "no name"}}})}});
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].name, "a.get");
  EXPECT_EQ(c[0].original, "get");
  EXPECT_EQ(c[0].item["name"], "a.get");
  EXPECT_EQ(c[1].name, "only_a");
  EXPECT_EQ(c[2].name, "b.get");
  EXPECT_EQ(c[2].instance, "b");
}

TEST(McpCatalog, CursorsPageThroughAndRejectStrangers) {
  Page p = paginate(12, json::object(), 5);
  EXPECT_EQ(p.begin, 0u);
  EXPECT_EQ(p.end, 5u);
  ASSERT_TRUE(p.next_cursor);
  p = paginate(12, {{"cursor", *p.next_cursor}}, 5);
  EXPECT_EQ(p.begin, 5u);
  p = paginate(12, {{"cursor", *p.next_cursor}}, 5);
  EXPECT_EQ(p.end, 12u);
  EXPECT_FALSE(p.next_cursor);
  for (const json& bad : {json("x"), json("o1."), json("o1.99"), json("o1.-1"), json(5)})
    EXPECT_THROW(paginate(12, {{"cursor", bad}}, 5), RpcError) << bad;
}

TEST(McpSchemaCheck, ValidatesAndToleratesNewerDrafts) {
  const json schema = {{"type", "object"}, {"properties", {{"n", {{"type", "integer"}}}}}, {"required", {"n"}}};
  EXPECT_FALSE(schema_violation(schema, {{"n", 1}}));
  const auto problem = schema_violation(schema, {{"n", "one"}});
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("/n"), std::string::npos) << *problem;
  json newer = schema;
  newer["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  EXPECT_TRUE(schema_violation(newer, json::object())) << "shared keywords still apply";
}

}  // namespace
}  // namespace nexus::host::mcp
