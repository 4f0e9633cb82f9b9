// mcp/schema_check.hpp — checking tool arguments and structured results
// against a tool's JSON Schema with the host's validator (valijson).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace nexus::host::mcp {

// nullopt when `document` satisfies `schema`; otherwise one line naming
// every problem ("/age: expected integer; ..."). valijson knows drafts 4,
// 6 and 7: a "$schema" naming another draft (2019-09, 2020-12: MCP's
// default) is dropped before validating, so the keywords they share still
// apply; a schema valijson cannot compile at all is not checked (the call
// goes ahead) and nullopt is returned — the plugin still sees only a JSON
// object, and tools.h makes it responsible for its own input.
std::optional<std::string> schema_violation(const nlohmann::json& schema, const nlohmann::json& document);

}  // namespace nexus::host::mcp
