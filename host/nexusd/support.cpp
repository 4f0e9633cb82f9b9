// nexusd/support.cpp — helpers shared by the nexusd commands.
#include <algorithm>
#include <iostream>

#include "commands.hpp"

#ifndef NEXUS_BUILD_PLUGIN_DIR
#define NEXUS_BUILD_PLUGIN_DIR ""
#endif
#ifndef NEXUS_INSTALL_PLUGIN_DIR
#define NEXUS_INSTALL_PLUGIN_DIR "/usr/local/lib/nexus/plugins"
#endif

namespace nexus::nexusd {

namespace fs = std::filesystem;

std::vector<fs::path> search_plugin_dirs(const Invocation& inv) {
  if (!inv.plugin_dirs.empty()) return inv.plugin_dirs;
  std::vector<fs::path> dirs;
  std::error_code ec;
  // The build tree's folder is baked in at compile time; an installed binary
  // on another machine will not have it, so only use it when it is there.
  if (const fs::path build = NEXUS_BUILD_PLUGIN_DIR; !build.empty() && fs::is_directory(build, ec)) {
    dirs.push_back(build);
  }
  if (const fs::path install = NEXUS_INSTALL_PLUGIN_DIR; std::find(dirs.begin(), dirs.end(), install) == dirs.end()) {
    dirs.push_back(install);
  }
  return dirs;
}

// Every line prefixed, so a list of problems reads as one block from nexusd.
void report_error(const std::string& message) {
  std::size_t start = 0;
  while (start <= message.size()) {
    const std::size_t nl = message.find('\n', start);
    const std::string line = message.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    std::cerr << "nexusd: " << line << '\n';
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  std::cerr << std::flush;
}

void report_error(const fs::path& file, const std::string& message) {
  const std::string name = file.string();
  if (message.rfind(name + ":", 0) == 0) {
    report_error(message);
  } else {
    report_error(name + ": " + message);
  }
}

std::optional<host::Config> load_config_or_report(const Invocation& inv) {
  std::error_code ec;
  if (!inv.config_given && !fs::exists(inv.config, ec)) {
    report_error("no config at " + inv.config.string() + "; pass --config FILE");
    return std::nullopt;
  }
  try {
    return host::load_config_file(inv.config);
  } catch (const host::ConfigError& e) {
    report_error(inv.config, e.what());
    return std::nullopt;
  }
}

}  // namespace nexus::nexusd
