// Unit tests for validate_against_schema: problems carry JSON pointers into
// the validated document and messages that say what was expected.
#include <functional>

#include <gtest/gtest.h>

#include "nexus/host/config.hpp"

namespace {

using nexus::host::ConfigError;
using nexus::host::SchemaProblem;
using nexus::host::validate_against_schema;
using nlohmann::json;

// A plugin-style schema nested one level down, so paths look like the ones a
// user sees for an instance block ("/config/root").
const std::string kSchema = R"({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "config": {
      "type": "object",
      "additionalProperties": false,
      "required": ["root"],
      "properties": {
        "root": {"type": "string"},
        "mode": {"enum": ["ro", "rw"]},
        "api_key": {"type": "string", "x-nexus-secret": true, "enum": ["only-this"]},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
        "tags": {"type": "array", "items": {"type": "string"}},
        "size": {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+[kMG]$"}]},
        "index": {"x-nexus-instance": "nexus.storage/1", "type": "string"},
        "deep": {"type": "object", "properties": {"x": {"type": "object", "properties": {"y": {"type": "boolean"}}}}}
      }
    }
  }
})";

std::vector<SchemaProblem> check(const std::string& doc) {
  return validate_against_schema(kSchema, json::parse(doc));
}

std::string render(const std::vector<SchemaProblem>& problems) {
  std::string out;
  for (const auto& p : problems) out += p.path + ": " + p.message + "\n";
  return out;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return "";
}

TEST(ValidateAgainstSchema, ValidDocumentHasNoProblems) {
  EXPECT_EQ(render(check(R"({"config": {"root": "/r", "mode": "rw", "port": 80, "tags": ["a"], "size": "10M",
                                         "index": "idx", "deep": {"x": {"y": true}}}})")),
            "");
  EXPECT_EQ(render(check(R"({"config": {"root": "/r", "size": 10}})")), "");
}

TEST(ValidateAgainstSchema, WrongTypeSaysExpectedAndActual) {
  EXPECT_EQ(render(check(R"({"config": {"root": 1}})")), "/config/root: expected string, got integer\n");
}

TEST(ValidateAgainstSchema, MissingRequiredPointsAtTheMissingKey) {
  EXPECT_EQ(render(check(R"({"config": {}})")), "/config/root: required key 'root' is missing\n");
}

TEST(ValidateAgainstSchema, EveryUnknownKeyIsNamedAtItsPath) {
  EXPECT_EQ(render(check(R"({"config": {"root": "r", "extra": 1, "rot": 2}, "top": true})")),
            "/config/extra: unknown key 'extra' (known: api_key, deep, index, mode, port, root, size, tags)\n"
            "/config/rot: unknown key 'rot' (known: api_key, deep, index, mode, port, root, size, tags); "
            "did you mean 'root'?\n"
            "/top: unknown key 'top' (known: config)\n");
}

TEST(ValidateAgainstSchema, NestedPathIsAJsonPointer) {
  EXPECT_EQ(render(check(R"({"config": {"root": "r", "deep": {"x": {"y": 3}}}})")),
            "/config/deep/x/y: expected boolean, got integer\n");
  EXPECT_EQ(render(check(R"({"config": {"root": "r", "tags": ["a", 2]}})")),
            "/config/tags/1: expected string, got integer\n");
}

TEST(ValidateAgainstSchema, EnumListsAllowedValues) {
  EXPECT_EQ(render(check(R"({"config": {"root": "r", "mode": "rx"}})")),
            "/config/mode: expected one of \"ro\", \"rw\", got \"rx\"\n");
}

TEST(ValidateAgainstSchema, SecretValuesAreNeverEchoed) {
  const std::string out = render(check(R"({"config": {"root": "r", "api_key": "hunter2"}})"));
  EXPECT_EQ(out.find("hunter2"), std::string::npos) << out;
  EXPECT_NE(out.find("/config/api_key: "), std::string::npos) << out;
}

TEST(ValidateAgainstSchema, NumericLimitsAreReadable) {
  EXPECT_EQ(render(check(R"({"config": {"root": "r", "port": 70000}})")),
            "/config/port: expected number less than or equal to 65535, got 70000\n");
}

TEST(ValidateAgainstSchema, AnyOfFailureIsShortAndSpecificFirst) {
  EXPECT_EQ(render(check(R"({"config": {"root": "r", "size": "12q"}})")),
            "/config/size: expected a string matching ^[0-9]+[kMG]$, got \"12q\"\n"
            "/config/size: matches none of the alternatives allowed here (anyOf/oneOf); the problems listed before "
            "this say why each failed\n");
  const auto problems = check(R"({"config": {"root": "r", "size": true}})");
  ASSERT_EQ(problems.size(), 2u) << render(problems);
  EXPECT_EQ(problems[0].message, "expected integer or string, got boolean");
}

TEST(ValidateAgainstSchema, DeepestProblemsComeFirstAndNoWrapperNoise) {
  const auto problems = check(R"({"config": {"root": 5, "deep": {"x": {"y": "no"}}}})");
  ASSERT_EQ(problems.size(), 2u) << render(problems);
  EXPECT_EQ(problems[0].path, "/config/deep/x/y");
  EXPECT_EQ(problems[1].path, "/config/root");
  for (const auto& p : problems) EXPECT_EQ(p.message.find("Failed to validate"), std::string::npos) << p.message;
}

TEST(ValidateAgainstSchema, LocalRefsAreFollowedForMessages) {
  const std::string schema = R"({"definitions": {"name": {"type": "string"}},
                                  "properties": {"v": {"$ref": "#/definitions/name"}}})";
  EXPECT_EQ(render(validate_against_schema(schema, json::parse(R"({"v": 1})"))), "/v: expected string, got integer\n");
}

TEST(ValidateAgainstSchema, RootProblemHasEmptyPointer) {
  const auto problems = validate_against_schema(R"({"type": "object"})", json::array());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "");
  EXPECT_EQ(problems[0].message, "expected object, got array");
}

TEST(ValidateAgainstSchema, SchemaThatIsNotJsonIsAConfigError) {
  EXPECT_EQ(error_of([] { validate_against_schema("{", json::object()); }).rfind("config schema is not valid JSON", 0),
            0u);
}

TEST(ValidateAgainstSchema, SchemaThatIsNotAValidSchemaIsAConfigError) {
  EXPECT_EQ(error_of([] { validate_against_schema(R"({"type": "strnig"})", json::object()); }),
            "config schema is not a valid JSON Schema (draft 7): Unrecognised JSON type name 'strnig'");
  EXPECT_EQ(error_of([] {
              validate_against_schema(R"({"type": 5})", json::object());
            }).rfind("config schema is not a valid JSON Schema", 0),
            0u);
  EXPECT_EQ(error_of([] {
              validate_against_schema(R"({"$ref": "#/definitions/nope"})", json::object());
            }).rfind("config schema is not a valid JSON Schema", 0),
            0u);
  EXPECT_EQ(error_of([] { validate_against_schema(R"("abc")", json::object()); }),
            "config schema must be a JSON object (a JSON Schema), got string");
}

}  // namespace
