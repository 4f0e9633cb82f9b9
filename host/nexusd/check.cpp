// nexusd/check.cpp — `nexusd --check`: validate the config and every
// instance block against its plugin's schema without serving (like nginx -t).
#include <iostream>

#include "commands.hpp"
#include "logging.hpp"
#include "nexus/host/runtime.hpp"

namespace nexus::nexusd {

int run_check(const Invocation& inv) {
  // Quiet unless asked: the verdict below is the output.
  host::setup_logging(inv.log_level.value_or("warn"), inv.log_format.value_or("text"));
  const auto cfg = load_config_or_report(inv);
  if (!cfg) return 1;
  try {
    host::Runtime::start(*cfg, {.plugin_dirs = search_plugin_dirs(inv), .check_only = true});
  } catch (const std::exception& e) {  // ConfigError or runtime_error
    report_error(inv.config, e.what());
    return 1;
  }
  std::string names;
  for (const auto& instance : cfg->instances) names += (names.empty() ? "" : ", ") + instance.name;
  std::cout << "config " << inv.config.string() << " is valid: " << cfg->instances.size()
            << (cfg->instances.size() == 1 ? " instance" : " instances") << " (" << names << ")" << std::endl;
  return 0;
}

}  // namespace nexus::nexusd
