// mcp/schema_check.cpp — see schema_check.hpp.
#include "mcp/schema_check.hpp"

#include <spdlog/spdlog.h>

#include "config/compiled_schema.hpp"
#include "nexus/host/config.hpp"

namespace nexus::host::mcp {

ToolSchema::ToolSchema(const nlohmann::json& schema) {
  if (!schema.is_object()) return;
  nlohmann::json s = schema;
  if (s.contains("$schema") && s["$schema"].is_string()) {
    const std::string draft = s["$schema"].get<std::string>();
    const bool known = draft.find("draft-04") != std::string::npos || draft.find("draft-06") != std::string::npos ||
                       draft.find("draft-07") != std::string::npos;
    if (!known) s.erase("$schema");
  }
  try {
    compiled_ = std::make_shared<const CompiledSchema>(s.dump());
  } catch (const std::exception& e) {
    spdlog::debug("mcp: a tool schema could not be compiled, so it is not checked: {}", e.what());
  }
}

std::optional<std::string> ToolSchema::violation(const nlohmann::json& document) const {
  if (!compiled_) return std::nullopt;
  std::vector<SchemaProblem> problems;
  try {
    problems = compiled_->validate(document);
  } catch (const std::exception& e) {
    // valijson compiles "pattern" regexes while validating.
    spdlog::debug("mcp: a tool schema could not be applied, so it is not checked: {}", e.what());
    return std::nullopt;
  }
  if (problems.empty()) return std::nullopt;
  std::string text;
  for (const auto& p : problems) {
    if (!text.empty()) text += "; ";
    text += (p.path.empty() ? std::string("/") : p.path) + ": " + p.message;
  }
  return text;
}

std::optional<std::string> schema_violation(const nlohmann::json& schema, const nlohmann::json& document) {
  return ToolSchema(schema).violation(document);
}

}  // namespace nexus::host::mcp
