// nexusd/serve.cpp — serve a config over HTTP until SIGTERM or SIGINT.
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

// Blocks SIGTERM and SIGINT in this thread; threads started afterwards
// inherit the mask, so the signals stay pending until sigwait takes them and
// no worker thread is interrupted at a random point. Must run before any
// thread exists.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A client that hangs up mid-response must not kill the process.
  signal(SIGPIPE, SIG_IGN);
  return set;
}

// "127.0.0.1:0" + actual port 40123 -> "127.0.0.1:40123"; IPv6 keeps brackets.
std::string bound_address(const std::string& listen, std::uint16_t port) {
  std::string why;
  const auto addr = host::config_detail::parse_listen_address(listen, why);
  if (!addr) return listen;
  return (addr->is_ipv6 ? "[" + addr->host + "]" : addr->host) + ":" + std::to_string(port);
}

const char* signal_name(int sig) {
  return sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "signal";
}

// A second signal during the graceful stop means "now": exit at once rather
// than leave the operator waiting out the grace period.
void exit_on_second_signal(sigset_t set) {
  std::thread([set] {
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
  const sigset_t stop_signals = block_stop_signals();

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
  sigwait(&stop_signals, &sig);
  spdlog::info("received {}: stopping; in-flight requests get up to {} s", signal_name(sig),
               cfg->http.shutdown_grace_seconds);
  exit_on_second_signal(stop_signals);
  server->stop();
  server.reset();
  runtime.reset();  // instances destroyed in reverse creation order
  spdlog::info("stopped");
  spdlog::shutdown();
  return 0;
}

}  // namespace nexus::nexusd
