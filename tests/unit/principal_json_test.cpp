// The principal JSON a route hands to plugins: the auth plugin's own object
// with "auth": <instance> added by splicing (http/auth_guard.hpp). Every case
// must equal what parsing, setting "auth" and serialising would give.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/auth_guard.hpp"

namespace nexus::host::http {
namespace {

using nlohmann::json;

json spliced(const std::string& text, const std::string& auth) {
  json parsed = json::parse(text);
  const std::string out = principal_json_with_auth(text, parsed, auth);
  json result = json::parse(out);  // throws (fails the test) if the splice broke the JSON
  return result;
}

json expected(const std::string& text, const std::string& auth) {
  json j = json::parse(text);
  j["auth"] = auth;
  return j;
}

TEST(PrincipalJson, AddsTheAuthInstanceToATypicalPrincipal) {
  const std::string text = R"({"subject":"apikey:ops","scopes":["storage:*"],"claims":{"key_id":"ops"}})";
  EXPECT_EQ(spliced(text, "keys"), expected(text, "keys"));
}

TEST(PrincipalJson, AnEmptyObjectGetsNoStrayComma) {
  EXPECT_EQ(spliced("{}", "keys"), expected("{}", "keys"));
  EXPECT_EQ(spliced("  { \n }  ", "keys"), expected("{}", "keys"));
}

TEST(PrincipalJson, WhitespaceAroundThePluginsObjectIsKept) {
  const std::string text = "\n  {\"subject\": \"u\"}  ";
  EXPECT_EQ(spliced(text, "sso"), expected(text, "sso"));
}

TEST(PrincipalJson, AnAuthMemberThePluginWroteIsReplacedNotDuplicated) {
  const std::string text = R"({"subject":"u","auth":"forged"})";
  json parsed = json::parse(text);
  const std::string out = principal_json_with_auth(text, parsed, "sso");
  EXPECT_EQ(out.find("forged"), std::string::npos) << out;
  EXPECT_EQ(json::parse(out), expected(text, "sso"));
}

TEST(PrincipalJson, EscapesAndUnicodeInClaimsSurviveUnchanged) {
  const std::string text = R"({"subject":"caf\u00e9 \"quoted\" \\ {brace}","claims":{"name":"Zoë","nested":{"a":[1,{"b":"}"}]}}})";
  EXPECT_EQ(spliced(text, "sso"), expected(text, "sso"));
}

TEST(PrincipalJson, TheInstanceNameIsEncodedAsAJsonString) {
  const std::string text = R"({"subject":"u"})";
  EXPECT_EQ(spliced(text, "we\"ird"), expected(text, "we\"ird"));
}

}  // namespace
}  // namespace nexus::host::http
