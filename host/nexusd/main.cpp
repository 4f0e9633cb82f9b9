// nexusd/main.cpp — the nexusd program: a thin command line over the host
// library (nexus/host/*.hpp). See `nexusd --help`.
#include <nexus/version.h>

#include <iostream>

#include "commands.hpp"
#include "invocation.hpp"

#ifndef NEXUS_VERSION
#define NEXUS_VERSION "unknown"
#endif

int main(int argc, char* argv[]) {
  using namespace nexus::nexusd;
  Invocation inv;
  try {
    inv = parse_command_line(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "nexusd: " << e.what() << "\nRun 'nexusd --help' for usage." << std::endl;
    return 2;
  }
  try {
    switch (inv.command) {
      case Command::help:
        std::cout << inv.help_text;
        return 0;
      case Command::version:
        std::cout << "nexusd " << NEXUS_VERSION << " (plugin ABI " << NEXUS_ABI_MAJOR << "." << NEXUS_ABI_MINOR << ")"
                  << std::endl;
        return 0;
      case Command::check:
        return run_check(inv);
      case Command::plugins_list:
        return run_plugins_list(inv);
      case Command::plugins_describe:
        return run_plugins_describe(inv);
      case Command::serve:
        return run_serve(inv);
    }
  } catch (const std::exception& e) {
    // Anything a command did not handle itself: say so rather than abort.
    report_error(e.what());
    return 1;
  }
  return 1;
}
