// support/peers — real services on 127.0.0.1 for tests: start a program
// (s3rver, dynalite, a Node script of ours) on a free port, wait until it
// accepts connections, and stop it by PID when the test ends. Also runs a
// short-lived command with stdin/stdout (oracles, cross-check clients).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace nexus::test {

using EnvPairs = std::vector<std::pair<std::string, std::string>>;

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0).
int free_tcp_port();
// True once 127.0.0.1:port accepts a connection, polling until `timeout`.
bool wait_for_port(int port, std::chrono::milliseconds timeout);

// tests/peers in the source tree (node_modules and our scripts live there).
std::filesystem::path peers_dir();
// The Node binary: "node" from PATH.
std::string node_program();

// A long-running peer. Output goes to a log file (shown when start fails).
// Killed (SIGTERM, then SIGKILL after 3 s) and reaped in the destructor.
class PeerProcess {
 public:
  struct Options {
    std::string name;                  // for messages: "s3rver"
    std::vector<std::string> argv;     // argv[0] looked up in PATH
    EnvPairs env;                      // added to / overriding this process's environment
    int port = 0;                      // where it listens on 127.0.0.1
    std::chrono::milliseconds startup_timeout{15000};
  };
  explicit PeerProcess(Options options);  // throws std::runtime_error with the peer's log on failure
  ~PeerProcess();
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  int port() const noexcept { return options_.port; }
  pid_t pid() const noexcept { return pid_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(options_.port); }
  std::string log() const;

 private:
  void stop() noexcept;
  Options options_;
  std::filesystem::path log_path_;
  pid_t pid_ = -1;
};

// s3rver 3.7.1 on a free port with its data in `data_dir` (see PEERS.md).
// Credentials S3RVER / S3RVER; service endpoint "localhost", so
// virtual-host style works with Host "<bucket>.s3.localhost".
PeerProcess::Options s3rver_options(const std::filesystem::path& data_dir);
// dynalite 4.0.0 on a free port, in memory, tables ACTIVE at once (see
// PEERS.md). Accepts any credentials; does not check signatures.
PeerProcess::Options dynalite_options();
// One of our Node scripts under tests/peers, given the port as argv[1].
PeerProcess::Options node_script_options(const std::string& script, EnvPairs env = {});

struct CommandResult {
  int exit_code = -1;  // -1: killed after the timeout or by a signal
  std::string out;
  std::string err;
};
// Runs argv to completion feeding `input` on stdin; kills it after `timeout`.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& input = {}, const EnvPairs& env = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace nexus::test
