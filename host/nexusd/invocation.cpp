// nexusd/invocation.cpp — the command line, parsed with Boost.Program_options.
#include "invocation.hpp"

#include <boost/program_options.hpp>

#include <sstream>

#include "config/listen.hpp"

namespace nexus::nexusd {

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage = R"(Usage:
  nexusd [--config FILE] [--listen ADDR:PORT] [--plugin-dir DIR]... [--log-level L] [--log-format F]
  nexusd --check [--config FILE] [--plugin-dir DIR]...
  nexusd plugins list [--plugin-dir DIR]... [--config FILE]
  nexusd plugins describe ID [--plugin-dir DIR]... [--config FILE]

Serves the plugins and instances named in a config file over HTTP until
SIGTERM or SIGINT, then stops gracefully (in-flight requests finish).
SIGHUP re-reads the config file and reloads it without dropping requests:
changed instances are re-created, unchanged ones kept; an invalid config is
refused and the running one stays (see docs/operations.md).

Commands:
  (none)                   serve
  plugins list             list every plugin found in the plugin folders
  plugins describe ID      print one plugin's description, version, license,
                           file, sha256, interfaces and config schema

)";

constexpr const char* kExamples = R"(
Plugin folders are searched in order: the config's "plugin_dirs", then each
--plugin-dir, or (without --plugin-dir) the folder that came with this
binary (<prefix>/lib/nexus/plugins as installed; build/plugins for
build/bin/nexusd) and the install prefix's it was configured with.

Examples:
  nexusd --config etc/nexus.json                serve as configured
  nexusd --config prod.json --check             validate config and every
                                                plugin block, like nginx -t
  nexusd --listen 0.0.0.0:9000                  serve on another address
  nexusd --listen 127.0.0.1:0                   any free port (logged)
  nexusd --plugin-dir ./build/plugins           search this folder too
  nexusd --log-level debug --log-format json    one JSON object per log line
  nexusd plugins list --plugin-dir ./build/plugins
  nexusd plugins describe fs

Exit status: 0 ok, 1 bad config or startup failure, 2 bad command line.
)";

po::options_description visible_options() {
  po::options_description opts("Options");
  opts.add_options()("config,c", po::value<std::string>()->value_name("FILE"),
                     "config file (default etc/nexus.json), e.g. --config /etc/nexus/nexus.json")(
      "listen,l", po::value<std::string>()->value_name("ADDR:PORT"),
      "address to serve on instead of the config's http.listen, e.g. --listen [::1]:8000")(
      "plugin-dir,p", po::value<std::vector<std::string>>()->composing()->value_name("DIR"),
      "also search DIR for libnexus_<id>.so; repeatable, e.g. --plugin-dir /opt/nexus/plugins")(
      "check", "validate the config and every instance block against its plugin's schema, then exit")(
      "log-level", po::value<std::string>()->value_name("L"),
      "trace|debug|info|warn|error; overrides the config's logging.level, e.g. --log-level debug")(
      "log-format", po::value<std::string>()->value_name("F"),
      "text|json; overrides the config's logging.format, e.g. --log-format json")(
      "version", "print the version and the plugin ABI this host speaks")("help,h", "print this help");
  return opts;
}

std::string help_text(const po::options_description& opts) {
  std::ostringstream out;
  out << kUsage << opts << kExamples;
  return out.str();
}

void require_one_of(const std::string& option, const std::string& value, std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* a : allowed) {
    if (value == a) return;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  throw UsageError("--" + option + " '" + value + "' is not one of " + list);
}

}  // namespace

Invocation parse_command_line(int argc, const char* const argv[]) {
  const po::options_description visible = visible_options();
  po::options_description all;
  all.add(visible).add_options()("args", po::value<std::vector<std::string>>(), "");
  po::positional_options_description positional;
  positional.add("args", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }

  Invocation inv;
  if (vm.count("help")) {
    inv.command = Command::help;
    inv.help_text = help_text(visible);
    return inv;
  }
  if (vm.count("version")) {
    inv.command = Command::version;
    return inv;
  }
  if (vm.count("config")) {
    inv.config = vm["config"].as<std::string>();
    inv.config_given = true;
  }
  if (vm.count("plugin-dir")) {
    for (const auto& d : vm["plugin-dir"].as<std::vector<std::string>>()) inv.plugin_dirs.emplace_back(d);
  }
  if (vm.count("log-level")) {
    inv.log_level = vm["log-level"].as<std::string>();
    require_one_of("log-level", *inv.log_level, {"trace", "debug", "info", "warn", "error"});
  }
  if (vm.count("log-format")) {
    inv.log_format = vm["log-format"].as<std::string>();
    require_one_of("log-format", *inv.log_format, {"text", "json"});
  }
  if (vm.count("listen")) {
    inv.listen = vm["listen"].as<std::string>();
    std::string why;
    if (!host::config_detail::parse_listen_address(inv.listen, why)) {
      throw UsageError("--listen '" + inv.listen + "': " + why);
    }
  }

  const auto args = vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (args.empty()) {
    inv.command = vm.count("check") ? Command::check : Command::serve;
    return inv;
  }
  if (args[0] != "plugins") {
    throw UsageError("unknown command '" + args[0] + "' (commands: plugins list, plugins describe ID)");
  }
  if (vm.count("check") || vm.count("listen")) {
    throw UsageError("--check and --listen do not apply to 'plugins'");
  }
  if (args.size() == 2 && args[1] == "list") {
    inv.command = Command::plugins_list;
  } else if (args.size() == 3 && args[1] == "describe") {
    inv.command = Command::plugins_describe;
    inv.plugin_id = args[2];
  } else if (args.size() == 2 && args[1] == "describe") {
    throw UsageError("'plugins describe' needs a plugin id, e.g. nexusd plugins describe fs");
  } else {
    std::string got;
    for (std::size_t i = 1; i < args.size(); ++i) got += (got.empty() ? "" : " ") + args[i];
    throw UsageError("unknown plugins command '" + got + "' (expected: plugins list, plugins describe ID)");
  }
  return inv;
}

}  // namespace nexus::nexusd
