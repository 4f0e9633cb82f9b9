// support/nexusd_process.hpp — a real nexusd for integration tests: writes
// the config to a private temp folder, runs NEXUSD_PATH on a free loopback
// port with stdout/stderr captured to files there, waits until GET /health
// answers, and stops it (SIGTERM, then SIGKILL) when destroyed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/temp_dir.hpp"

namespace nexus::test {

using EnvVars = std::map<std::string, std::string>;

// A loopback port that was free a moment ago (bind 127.0.0.1:0, close).
std::uint16_t pick_free_port();

// What a finished process did.
struct ProcessResult {
  int exit_code = -1;      // exit status, or -1 when killed by a signal
  int signal = 0;          // the signal that ended it, or 0
  bool timed_out = false;  // killed by us after the timeout
  std::string out, err;    // captured stdout and stderr
};

// Runs nexusd with `args` to completion (nexusd --check ..., config errors),
// killing it after `timeout`.
ProcessResult run_nexusd(const std::vector<std::string>& args, const EnvVars& env = {},
                         std::chrono::seconds timeout = std::chrono::seconds(30));

class NexusdProcess {
 public:
  // `config` is the config document; "http.listen" is set to the chosen
  // port and NEXUS_PLUGIN_DIR is added to "plugin_dirs". Throws
  // std::runtime_error (with nexusd's stderr) when /health does not answer
  // within 10 s or the process exits first.
  // `health_headers` go with the readiness probe (a config may guard /health).
  explicit NexusdProcess(nlohmann::json config, const EnvVars& env = {}, std::vector<std::string> extra_args = {},
                         std::vector<std::pair<std::string, std::string>> health_headers = {});
  // Restarts on the same config file and port (after kill() or terminate()).
  void restart();
  ~NexusdProcess();
  NexusdProcess(const NexusdProcess&) = delete;
  NexusdProcess& operator=(const NexusdProcess&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  pid_t pid() const noexcept { return pid_; }
  const std::filesystem::path& dir() const noexcept { return dir_.path(); }
  const std::filesystem::path& config_path() const noexcept { return config_path_; }

  // SIGTERM, then wait up to `timeout` (SIGKILL after it). Returns how it ended.
  ProcessResult terminate(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // SIGKILL now and reap.
  void kill();
  // Sends `sig` without waiting (see wait_exit).
  void send_signal(int sig);
  // Waits up to `timeout` for the process to end (SIGKILL after it).
  ProcessResult wait_exit(std::chrono::milliseconds timeout);
  bool running();

  std::string stdout_text() const;
  std::string stderr_text() const;

 private:
  void spawn_and_wait();

  TempDir dir_;
  std::filesystem::path config_path_;
  std::vector<std::string> extra_args_;
  EnvVars env_;
  std::vector<std::pair<std::string, std::string>> health_headers_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  int generation_ = 0;  // restarts get fresh log files
  std::filesystem::path out_path_, err_path_;
};

}  // namespace nexus::test

namespace nexus::test {

// Lower-case hex SHA-256 of `text` (apikey configs store key hashes).
std::string sha256_hex(const std::string& text);

}  // namespace nexus::test
