// mcp/schema_check.hpp — checking tool arguments and structured results
// against a tool's JSON Schema with the host's validator (valijson).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace nexus::host {
class CompiledSchema;
}

namespace nexus::host::mcp {

// A tool's inputSchema or outputSchema, compiled once (the tool catalog
// keeps one per tool for the life of the runtime snapshot) and checked on
// every call. valijson knows drafts 4, 6 and 7: a "$schema" naming another
// draft (2019-09, 2020-12: MCP's default) is dropped before compiling, so
// the keywords they share still apply; a schema valijson cannot compile at
// all is not checked (the call goes ahead) — the plugin still sees only a
// JSON object, and tools.h makes it responsible for its own input.
class ToolSchema {
 public:
  ToolSchema() = default;  // checks nothing
  explicit ToolSchema(const nlohmann::json& schema);

  // nullopt when `document` satisfies the schema; otherwise one line naming
  // every problem ("/age: expected integer; ..."). [any-thread]
  std::optional<std::string> violation(const nlohmann::json& document) const;

 private:
  std::shared_ptr<const CompiledSchema> compiled_;  // null: not checked
};

// The same for a schema used once (compiles it on each call).
std::optional<std::string> schema_violation(const nlohmann::json& schema, const nlohmann::json& document);

}  // namespace nexus::host::mcp
