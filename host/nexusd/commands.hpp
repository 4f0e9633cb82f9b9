// nexusd/commands.hpp — one function per thing nexusd can do; each returns
// the process exit status (0 ok, 1 failure).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "invocation.hpp"
#include "nexus/host/config.hpp"

namespace nexus::nexusd {

int run_serve(const Invocation& inv);
int run_check(const Invocation& inv);
int run_plugins_list(const Invocation& inv);
int run_plugins_describe(const Invocation& inv);

// --- shared by the commands (support.cpp) ---------------------------------

// Folders searched after the config's plugin_dirs: --plugin-dir if given,
// else the build tree's plugin folder (when it exists) and the install one.
std::vector<std::filesystem::path> search_plugin_dirs(const Invocation& inv);

// Loads inv.config; prints the error and returns nullopt on failure (a
// missing default config gets a hint to pass --config).
std::optional<host::Config> load_config_or_report(const Invocation& inv);

// "nexusd: FILE: message" on stderr, without repeating FILE when the message
// already starts with it (ConfigError messages do).
void report_error(const std::filesystem::path& file, const std::string& message);
void report_error(const std::string& message);

}  // namespace nexus::nexusd
