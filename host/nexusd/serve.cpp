// nexusd/serve.cpp — serve a config over HTTP until SIGTERM or SIGINT;
// SIGHUP re-reads the config file and reloads it (docs/operations.md).
#include <pthread.h>
#include <signal.h>

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "commands.hpp"
#include "config/listen.hpp"
#include "logging.hpp"
#include "nexus/host/http_server.hpp"
#include "nexus/host/runtime.hpp"

namespace nexus::nexusd {

namespace {

sigset_t stop_signal_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

// Blocks SIGTERM, SIGINT and SIGHUP in this thread; threads started
// afterwards inherit the mask, so the signals stay pending until sigwait
// takes them and no worker thread is interrupted at a random point. Must
// run before any thread exists. Returns the set to wait on.
sigset_t block_handled_signals() {
  sigset_t set = stop_signal_set();
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A client that hangs up mid-response must not kill the process.
  signal(SIGPIPE, SIG_IGN);
  return set;
}

// SIGHUP: re-read the --config file and reload. The outcome is logged;
// config errors name paths and variables, never secret values.
void reload_on_sighup(host::Runtime& runtime) {
  spdlog::info("received SIGHUP: reloading the config");
  try {
    const host::ReloadResult result = runtime.reload();
    spdlog::info("reload: {}", result.summary());
    if (!result.restart_required.empty())
      spdlog::warn("reload: restart nexusd to apply the changed setting(s) the reload could not");
  } catch (const std::exception& e) {
    spdlog::error("reload refused, the running config is unchanged: {}", e.what());
  }
}

// "127.0.0.1:0" + actual port 40123 -> "127.0.0.1:40123"; IPv6 keeps brackets.
std::string bound_address(const std::string& listen, std::uint16_t port) {
  std::string why;
  const auto addr = host::config_detail::parse_listen_address(listen, why);
  if (!addr) return listen;
  return (addr->is_ipv6 ? "[" + addr->host + "]" : addr->host) + ":" + std::to_string(port);
}

const char* signal_name(int sig) {
  return sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : sig == SIGHUP ? "SIGHUP" : "signal";
}

// A second signal during the graceful stop means "now": exit at once rather
// than leave the operator waiting out the grace period. A SIGHUP now is
// not a stop signal; it stays pending, unanswered.
void exit_on_second_signal() {
  std::thread([set = stop_signal_set()] {
    int sig = 0;
    if (sigwait(&set, &sig) == 0) {
      spdlog::warn("second {} during shutdown: exiting now", signal_name(sig));
      spdlog::shutdown();
      std::_Exit(1);
    }
  }).detach();
}

}  // namespace

int run_serve(const Invocation& inv) {
  const sigset_t handled_signals = block_handled_signals();

  const auto cfg = load_config_or_report(inv);
  if (!cfg) return 1;
  host::setup_logging(inv.log_level.value_or(cfg->logging.level), inv.log_format.value_or(cfg->logging.format));
  spdlog::info("nexusd {} starting: config {}, {} instance(s)", NEXUS_VERSION, inv.config.string(),
               cfg->instances.size());

  std::unique_ptr<host::Runtime> runtime;
  std::unique_ptr<host::HttpServer> server;
  try {
    runtime = host::Runtime::start(*cfg, {.plugin_dirs = search_plugin_dirs(inv), .check_only = false});
    server = std::make_unique<host::HttpServer>(*runtime, inv.listen);
    server->start();
  } catch (const std::exception& e) {
    spdlog::shutdown();  // flush what was logged before the failure
    report_error(inv.config, e.what());
    return 1;
  }
  spdlog::info("listening on {}", bound_address(inv.listen.empty() ? cfg->http.listen : inv.listen, server->port()));

  int sig = 0;
  while (sigwait(&handled_signals, &sig) == 0 && sig == SIGHUP) reload_on_sighup(*runtime);
  spdlog::info("received {}: stopping; in-flight requests get up to {} s", signal_name(sig),
               cfg->http.shutdown_grace_seconds);
  exit_on_second_signal();
  server->stop();
  if (const unsigned stuck = server->abandoned_calls(); stuck > 0) {
    // Their plugin code is still running: unloading it would crash. The
    // process ends without destroying instances; the OS reclaims the rest.
    spdlog::error("{} plugin call(s) overran their deadline and never returned; exiting without unloading plugins",
                  stuck);
    spdlog::shutdown();
    std::_Exit(0);
  }
  server.reset();
  runtime.reset();  // instances destroyed in reverse creation order
  spdlog::info("stopped");
  spdlog::shutdown();
  return 0;
}

}  // namespace nexus::nexusd
