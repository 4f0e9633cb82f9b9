// cli.hpp — the command line of nexus-plugin-check.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nexus::check {

// One --tool-call 'name {json args}'.
struct ToolCall {
  std::string name;
  nlohmann::json arguments = nlohmann::json::object();
};

// One --auth-allow-header 'Name: value'; name lower-cased as the host passes it.
struct Header {
  std::string name;
  std::string value;
};

// One --dependency NAME=PLUGIN.so[:CONFIG_JSON]: an instance the plugin
// under test may depend on, created before it.
struct DependencySpec {
  std::string name;
  std::filesystem::path plugin;
  nlohmann::json config = nlohmann::json::object();
};

struct Options {
  std::filesystem::path plugin;
  nlohmann::json instance_config;
  std::optional<nlohmann::json> second_config;
  std::vector<std::string> kinds;  // "storage", "auth", ...; empty: every kind the plugin lists
  std::optional<Header> auth_allow_header;
  std::optional<std::filesystem::path> audio;
  std::vector<ToolCall> tool_calls;
  std::vector<DependencySpec> dependencies;
  bool verbose = false;
  // Listings may come in any order (a local peer that does not sort, such as
  // s3rver 3.7); every other listing check still applies.
  bool unsorted_listing = false;
};

// What parsing decided: run with options, print help, or a usage error.
struct ParsedCli {
  enum class Action { run, help, usage_error } action = Action::usage_error;
  Options options;
  std::string error;  // for usage_error: what was wrong, in plain words
};

ParsedCli parse_cli(int argc, const char* const* argv);
std::string help_text();

// The kinds the kit knows, as given to --kind, and their interface ids.
const std::vector<std::pair<std::string, std::string>>& known_kinds();

}  // namespace nexus::check
