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
#ifndef NEXUS_INSTALL_PLUGIN_RELDIR
#define NEXUS_INSTALL_PLUGIN_RELDIR "lib/nexus/plugins"
#endif

namespace nexus::nexusd {

namespace fs = std::filesystem;

std::vector<fs::path> search_plugin_dirs(const Invocation& inv) {
  if (!inv.plugin_dirs.empty()) return inv.plugin_dirs;
  std::vector<fs::path> dirs;
  std::error_code ec;
  const auto add = [&](const fs::path& dir) {
    if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
  };
  // Where this binary runs from: <prefix>/bin/nexusd finds
  // <prefix>/lib/nexus/plugins whatever --prefix it was installed with, and
  // build/bin/nexusd finds build/plugins. An installed binary never searches
  // the build tree it came from (its plugins may be newer or gone).
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path root = exe.parent_path().parent_path();
    if (const fs::path installed = (root / NEXUS_INSTALL_PLUGIN_RELDIR).lexically_normal(); fs::is_directory(installed, ec))
      add(installed);
    if (const fs::path build = NEXUS_BUILD_PLUGIN_DIR;
        !build.empty() && fs::is_directory(build, ec) && fs::equivalent(root / "plugins", build, ec))
      add(build);
  }
  add(NEXUS_INSTALL_PLUGIN_DIR);
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
