#include "support/peers.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace nexus::test {
namespace {

using Clock = std::chrono::steady_clock;

// The child's environment: ours, with `extra` added or replaced.
std::vector<std::string> merged_env(const EnvPairs& extra) {
  std::map<std::string, std::string> m;
  for (char** e = environ; e && *e; ++e) {
    const std::string s(*e);
    const auto eq = s.find('=');
    if (eq != std::string::npos) m[s.substr(0, eq)] = s.substr(eq + 1);
  }
  for (const auto& [k, v] : extra) m[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : m) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Waits up to `timeout` for `pid`; true when it was reaped.
bool wait_exit(pid_t pid, std::chrono::milliseconds timeout, int* status) {
  const auto until = Clock::now() + timeout;
  for (;;) {
    const pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

int free_tcp_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed: " + std::string(std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("cannot bind a free port on 127.0.0.1: " + std::string(std::strerror(errno)));
  }
  const int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

bool wait_for_port(int port, std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  while (Clock::now() < until) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

std::filesystem::path peers_dir() { return std::filesystem::path(NEXUS_SOURCE_DIR) / "tests" / "peers"; }
std::string node_program() { return "node"; }

PeerProcess::Options s3rver_options(const std::filesystem::path& data_dir) {
  PeerProcess::Options o;
  o.name = "s3rver";
  o.port = free_tcp_port();
  o.argv = {node_program(), (peers_dir() / "node_modules/s3rver/bin/s3rver.js").string(), "-d", data_dir.string(), "-a", "127.0.0.1", "-p",
            std::to_string(o.port), "--service-endpoint", "localhost"};
  // Without the legacy provider ListObjectsV2 paging answers 500 (PEERS.md).
  o.env = {{"NODE_OPTIONS", "--openssl-legacy-provider"}};
  return o;
}

PeerProcess::Options dynalite_options() {
  PeerProcess::Options o;
  o.name = "dynalite";
  o.port = free_tcp_port();
  o.argv = {node_program(), (peers_dir() / "node_modules/dynalite/cli.js").string(), "--host", "127.0.0.1", "--port", std::to_string(o.port),
            "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"};
  return o;
}

PeerProcess::Options node_script_options(const std::string& script, EnvPairs env) {
  PeerProcess::Options o;
  o.name = script;
  o.port = free_tcp_port();
  o.argv = {node_program(), (peers_dir() / script).string(), std::to_string(o.port)};
  o.env = std::move(env);
  return o;
}

PeerProcess::PeerProcess(Options options) : options_(std::move(options)) {
  if (options_.argv.empty()) throw std::runtime_error("PeerProcess: no command");
  char tmpl[] = "/tmp/nexus-peer-XXXXXX";
  const int log_fd = mkstemp(tmpl);
  if (log_fd < 0) throw std::runtime_error("PeerProcess: mkstemp failed");
  log_path_ = tmpl;

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, log_fd, 1);
  posix_spawn_file_actions_adddup2(&fa, log_fd, 2);
  posix_spawn_file_actions_addclose(&fa, log_fd);
  std::vector<std::string> argv = options_.argv;
  std::vector<std::string> env = merged_env(options_.env);
  auto cargv = c_strings(argv);
  auto cenv = c_strings(env);
  const int rc = posix_spawnp(&pid_, cargv[0], &fa, nullptr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&fa);
  close(log_fd);
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start " + options_.name + " (" + options_.argv[0] + "): " + std::strerror(rc));
  }
  // Ready when the port accepts connections; fail early if the peer died.
  const auto until = Clock::now() + options_.startup_timeout;
  while (Clock::now() < until) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error(options_.name + " exited during startup; its output:\n" + log());
    }
    if (wait_for_port(options_.port, std::chrono::milliseconds(100))) return;
  }
  const std::string out = log();
  stop();
  throw std::runtime_error(options_.name + " did not listen on 127.0.0.1:" + std::to_string(options_.port) + " within " +
                           std::to_string(options_.startup_timeout.count()) + " ms; its output:\n" + out);
}

PeerProcess::~PeerProcess() {
  stop();
  std::error_code ec;
  std::filesystem::remove(log_path_, ec);
}

void PeerProcess::stop() noexcept {
  if (pid_ <= 0) return;
  int status = 0;
  kill(pid_, SIGTERM);
  if (!wait_exit(pid_, std::chrono::seconds(3), &status)) {
    kill(pid_, SIGKILL);
    wait_exit(pid_, std::chrono::seconds(3), &status);
  }
  pid_ = -1;
}

std::string PeerProcess::log() const {
  std::ifstream in(log_path_);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CommandResult run_command(const std::vector<std::string>& argv_in, const std::string& input, const EnvPairs& env_extra,
                          std::chrono::milliseconds timeout) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) || pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC))
    throw std::runtime_error("pipe2 failed: " + std::string(std::strerror(errno)));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  std::vector<std::string> argv = argv_in;
  std::vector<std::string> env = merged_env(env_extra);
  auto cargv = c_strings(argv);
  auto cenv = c_strings(env);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, cargv[0], &fa, nullptr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&fa);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    throw std::runtime_error("cannot run " + argv_in.at(0) + ": " + std::strerror(rc));
  }
  for (int fd : {in_pipe[1], out_pipe[0], err_pipe[0]}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  signal(SIGPIPE, SIG_IGN);  // a child that exits early must not kill the test

  CommandResult result;
  std::size_t written = 0;
  int in_fd = in_pipe[1];
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  int out_fd = out_pipe[0], err_fd = err_pipe[0];
  const auto until = Clock::now() + timeout;
  bool timed_out = false;
  while (out_fd >= 0 || err_fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[3];
    int n = 0;
    if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
    if (out_fd >= 0) fds[n++] = {out_fd, POLLIN, 0};
    if (err_fd >= 0) fds[n++] = {err_fd, POLLIN, 0};
    if (poll(fds, static_cast<nfds_t>(n), static_cast<int>(std::min<long long>(left, 200))) < 0 && errno != EINTR) break;
    for (int i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == in_fd) {
        const ssize_t w = write(in_fd, input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        if (w < 0 && errno != EAGAIN) written = input.size();
        if (written >= input.size()) {
          close(in_fd);
          in_fd = -1;
        }
      } else {
        char buf[65536];
        const ssize_t r = read(fds[i].fd, buf, sizeof buf);
        std::string& dst = fds[i].fd == out_fd ? result.out : result.err;
        if (r > 0) {
          dst.append(buf, static_cast<std::size_t>(r));
        } else if (r == 0 || errno != EAGAIN) {
          close(fds[i].fd);
          (fds[i].fd == out_fd ? out_fd : err_fd) = -1;
        }
      }
    }
  }
  for (int fd : {in_fd, out_fd, err_fd})
    if (fd >= 0) close(fd);
  int status = 0;
  if (timed_out || !wait_exit(pid, std::chrono::milliseconds(std::max<long long>(
                                           100, std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count())),
                              &status)) {
    kill(pid, SIGKILL);
    wait_exit(pid, std::chrono::seconds(5), &status);
    result.exit_code = -1;
    result.err += "\n[killed after " + std::to_string(timeout.count()) + " ms]";
    return result;
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace nexus::test
