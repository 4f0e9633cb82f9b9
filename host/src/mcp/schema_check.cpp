// mcp/schema_check.cpp — see schema_check.hpp.
#include "mcp/schema_check.hpp"

#include <spdlog/spdlog.h>

#include "nexus/host/config.hpp"

namespace nexus::host::mcp {

std::optional<std::string> schema_violation(const nlohmann::json& schema, const nlohmann::json& document) {
  if (!schema.is_object()) return std::nullopt;
  nlohmann::json s = schema;
  if (s.contains("$schema") && s["$schema"].is_string()) {
    const std::string draft = s["$schema"].get<std::string>();
    const bool known = draft.find("draft-04") != std::string::npos || draft.find("draft-06") != std::string::npos ||
                       draft.find("draft-07") != std::string::npos;
    if (!known) s.erase("$schema");
  }
  std::vector<SchemaProblem> problems;
  try {
    problems = validate_against_schema(s.dump(), document);
  } catch (const std::exception& e) {
    spdlog::debug("mcp: a tool schema could not be compiled, so it is not checked: {}", e.what());
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

}  // namespace nexus::host::mcp
