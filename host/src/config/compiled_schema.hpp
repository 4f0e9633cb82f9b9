// config/compiled_schema.hpp — a JSON Schema parsed and compiled once, to
// validate many documents against it (an MCP tool's inputSchema: every
// tools/call). validate_against_schema() compiles on each call.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nexus/host/config.hpp"

namespace nexus::host {

class CompiledSchema {
 public:
  // Throws ConfigError when `schema_text` is not valid JSON or not a JSON
  // Schema valijson can compile (draft 7 rules).
  explicit CompiledSchema(const std::string& schema_text);
  ~CompiledSchema();
  CompiledSchema(const CompiledSchema&) = delete;
  CompiledSchema& operator=(const CompiledSchema&) = delete;

  // The problems of `document`, as validate_against_schema reports them.
  // The compiled schema is never modified: [any-thread], concurrently.
  std::vector<SchemaProblem> validate(const nlohmann::json& document) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nexus::host
