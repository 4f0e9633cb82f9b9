// nexusd/invocation.hpp — what the command line asked for.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nexus::nexusd {

enum class Command { serve, check, plugins_list, plugins_describe, help, version };

struct Invocation {
  Command command = Command::serve;
  std::filesystem::path config = "etc/nexus.json";
  bool config_given = false;
  std::string listen;                              // empty: the config's http.listen
  std::vector<std::filesystem::path> plugin_dirs;  // --plugin-dir, in order
  std::optional<std::string> log_level;            // overrides the config's logging.level
  std::optional<std::string> log_format;           // overrides the config's logging.format
  std::string plugin_id;                           // plugins describe ID
  std::string help_text;                           // filled for Command::help
};

// A mistake on the command line: printed with a hint to run --help, exit 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws UsageError.
Invocation parse_command_line(int argc, const char* const argv[]);

}  // namespace nexus::nexusd
