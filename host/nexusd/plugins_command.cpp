// nexusd/plugins_command.cpp — `nexusd plugins list` and
// `nexusd plugins describe ID`: what the plugin folders hold, read from each
// plugin's descriptor without creating anything.
#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "logging.hpp"
#include "nexus/host/runtime.hpp"

namespace nexus::nexusd {

namespace fs = std::filesystem;

namespace {

// The config's plugin_dirs (only with an explicit --config), then the rest.
std::optional<std::vector<fs::path>> dirs_for(const Invocation& inv) {
  std::vector<fs::path> dirs;
  if (inv.config_given) {
    const auto cfg = load_config_or_report(inv);
    if (!cfg) return std::nullopt;
    dirs = cfg->plugin_dirs;
  }
  for (const auto& d : search_plugin_dirs(inv)) dirs.push_back(d);
  return dirs;
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string join_paths(const std::vector<fs::path>& dirs) {
  std::vector<std::string> names;
  for (const auto& d : dirs) names.push_back(d.string());
  return join(names, ", ");
}

// Pretty-printed when it parses; as written otherwise (a broken schema is
// exactly what a plugin author runs `describe` to see).
std::string pretty_schema(const std::string& text) {
  if (text.empty()) return "(none)";
  try {
    return nlohmann::json::parse(text).dump(2);
  } catch (const nlohmann::json::exception&) {
    return text + "\n(warning: this schema is not valid JSON)";
  }
}

std::optional<std::vector<host::PluginSummary>> discover(const Invocation& inv, std::vector<fs::path>& dirs) {
  host::setup_logging(inv.log_level.value_or("warn"), inv.log_format.value_or("text"));
  const auto found_dirs = dirs_for(inv);
  if (!found_dirs) return std::nullopt;
  dirs = *found_dirs;
  try {
    return host::discover_plugins(dirs);
  } catch (const std::exception& e) {
    report_error(e.what());
    return std::nullopt;
  }
}

}  // namespace

int run_plugins_list(const Invocation& inv) {
  std::vector<fs::path> dirs;
  const auto plugins = discover(inv, dirs);
  if (!plugins) return 1;
  if (plugins->empty()) {
    std::cout << "no plugins (libnexus_<id>.so) in: " << join_paths(dirs) << std::endl;
    return 0;
  }
  std::size_t id_width = 2, version_width = 7;
  for (const auto& p : *plugins) {
    id_width = std::max(id_width, p.id.size());
    version_width = std::max(version_width, p.version.size());
  }
  std::cout << std::left << std::setw(static_cast<int>(id_width) + 2) << "ID"
            << std::setw(static_cast<int>(version_width) + 2) << "VERSION"
            << "INTERFACES / FILE\n";
  for (const auto& p : *plugins) {
    std::cout << std::setw(static_cast<int>(id_width) + 2) << p.id << std::setw(static_cast<int>(version_width) + 2)
              << p.version << join(p.interfaces, ", ") << "\n"
              << std::string(id_width + version_width + 4, ' ') << p.file << "\n";
  }
  std::cout << std::flush;
  return 0;
}

int run_plugins_describe(const Invocation& inv) {
  std::vector<fs::path> dirs;
  const auto plugins = discover(inv, dirs);
  if (!plugins) return 1;
  // Search order decides, as it does when the host loads by id.
  for (const auto& p : *plugins) {
    if (p.id != inv.plugin_id) continue;
    std::cout << "id:          " << p.id << "\n"
              << "description: " << p.description << "\n"
              << "version:     " << p.version << "\n"
              << "license:     " << p.license << "\n"
              << "file:        " << p.file << "\n"
              << "sha256:      " << p.sha256 << "\n"
              << "abi:         " << p.abi_major << "." << p.abi_minor << "\n"
              << "concurrency: "
              << (p.parallel ? "parallel (one instance may be called concurrently)"
                             : "serialised (the host serialises calls per instance)")
              << "\n"
              << "interfaces:  " << join(p.interfaces, ", ") << "\n"
              << "config schema:\n"
              << pretty_schema(p.config_schema) << std::endl;
    return 0;
  }
  std::vector<std::string> ids;
  for (const auto& p : *plugins) ids.push_back(p.id);
  report_error("no plugin '" + inv.plugin_id + "' in " + join_paths(dirs) +
               (ids.empty() ? std::string(" (no plugins there)") : " (found: " + join(ids, ", ") + ")") +
               "; add a folder with --plugin-dir DIR");
  return 1;
}

}  // namespace nexus::nexusd
