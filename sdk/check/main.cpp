// nexus-plugin-check — the conformance kit a plugin author runs on a .so:
// load it as the host does, then check the contract of every kind it
// provides. See `nexus-plugin-check --help`.
#include <algorithm>
#include <iostream>
#include <memory>

#include "check_util.hpp"
#include "checks.hpp"
#include "cli.hpp"
#include "loaded_plugin.hpp"
#include "report.hpp"

namespace nexus::check {

constexpr int kExitPassed = 0, kExitFailed = 1, kExitUsage = 2;

namespace {

// Kinds to check: those asked for with --kind, else every kind listed.
// Reports an asked-for kind the plugin does not list, and listed interfaces
// the kit has no checks for.
std::vector<std::string> kinds_to_check(const Options& options, const LoadedPlugin& plugin, Report& report) {
  std::vector<std::string> kinds;
  for (const auto& [kind, id] : known_kinds()) {
    const bool asked = std::find(options.kinds.begin(), options.kinds.end(), kind) != options.kinds.end();
    if (options.kinds.empty() ? plugin.provides(id) : asked) {
      if (plugin.provides(id))
        kinds.push_back(kind);
      else
        report.fail("common.kind_" + kind,
                    "asked to check " + kind + " (--kind " + kind + "), but the plugin does not list " + id);
    }
  }
  for (auto p = plugin.descriptor().interfaces; p && *p; ++p) {
    const std::string id = *p;
    const bool known =
        std::any_of(known_kinds().begin(), known_kinds().end(), [&](const auto& k) { return k.second == id; });
    if (!known) report.skip("common.interface " + id, "the kit has no checks for this interface");
  }
  return kinds;
}

int run(const Options& options) {
  Report report(std::cout, options.verbose);
  // Declared before the plugin: dependencies are created first and destroyed
  // last, as the host does, so every handle the plugin holds stays valid.
  Dependencies dependencies;
  std::unique_ptr<LoadedPlugin> plugin;
  report.run("common.load", [&](CheckScope& s) {
    try {
      plugin = std::make_unique<LoadedPlugin>(options.plugin);
    } catch (const std::exception& e) {
      s.fail_now(e.what());
    }
  });
  if (!plugin) {
    report.print_summary();
    return kExitFailed;
  }
  const auto& d = plugin->descriptor();
  report.info(std::string("plugin '") + (d.id ? d.id : "?") + "' " + (d.version ? d.version : "?") + " from " +
              options.plugin.string() + (plugin->parallel() ? ", parallel" : ", serial"));

  if (!options.dependencies.empty()) {
    report.run("common.dependencies_created", [&](CheckScope& s) {
      for (const auto& spec : options.dependencies) {
        try {
          dependencies.add(spec);
          s.note("instance '" + spec.name + "' of " + spec.plugin.string());
        } catch (const std::exception& e) {
          s.fail(e.what());
        }
      }
    });
    plugin->use_dependencies(&dependencies);
  }

  CheckEnv env{options, *plugin, report, nullptr, nullptr, false, random_hex(8), &dependencies};
  run_descriptor_checks(env);
  {
    std::unique_ptr<Instance> a, b;
    if (run_lifecycle_checks(env, a, b)) {
      for (const std::string& kind : kinds_to_check(options, *plugin, report)) {
        if (kind == "storage") run_storage_checks(env);
        if (kind == "auth") run_auth_checks(env);
        if (kind == "transcription") run_transcription_checks(env);
        if (kind == "tools") run_tools_checks(env);
        if (kind == "resources") run_resources_checks(env);
        if (kind == "prompts") run_prompts_checks(env);
      }
    }
    // Destroyed in reverse creation order, as the host does.
    b.reset();
    a.reset();
    env.primary = env.secondary = nullptr;
  }
  run_final_checks(env);
  if (options.verbose) {
    const auto logs = plugin->recorder().logs();
    if (!logs.empty()) report.info("the plugin's log lines:");
    for (const auto& line : logs) report.info("  " + line);
  }
  report.print_summary();
  return report.failed() == 0 ? kExitPassed : kExitFailed;
}

}  // namespace

}  // namespace nexus::check

int main(int argc, char** argv) {
  using nexus::check::ParsedCli;
  const ParsedCli cli = nexus::check::parse_cli(argc, argv);
  if (cli.action == ParsedCli::Action::help) {
    std::cout << nexus::check::help_text();
    return 0;
  }
  if (cli.action == ParsedCli::Action::usage_error) {
    std::cerr << "nexus-plugin-check: " << cli.error << "\nrun 'nexus-plugin-check --help' for usage\n";
    return nexus::check::kExitUsage;
  }
  try {
    return nexus::check::run(cli.options);
  } catch (const std::exception& e) {
    // Every check catches its own errors; this is the kit failing itself.
    std::cout << "FAIL  kit: stopped on an unexpected error: " << e.what() << "\n0 passed, 1 failed\n";
    return 1;
  }
}
