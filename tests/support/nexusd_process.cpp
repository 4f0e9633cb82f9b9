// support/nexusd_process.cpp — see nexusd_process.hpp.
#include "support/nexusd_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/http_client.hpp"

namespace nexus::test {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// fork + exec NEXUSD_PATH with stdout/stderr to files. The child dies with
// the test process (PR_SET_PDEATHSIG), so a crashed test leaves no server.
pid_t spawn(const std::vector<std::string>& args, const EnvVars& env, const std::filesystem::path& out,
            const std::filesystem::path& err) {
  std::vector<std::string> argv_storage{NEXUSD_PATH};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0 || e < 0) _exit(126);
    dup2(o, 1);
    dup2(e, 2);
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    execv(argv[0], argv.data());
    _exit(125);
  }
  return pid;
}

// Waits for `pid` up to `timeout`; fills `result` and returns true if it ended.
bool wait_for(pid_t pid, std::chrono::milliseconds timeout, ProcessResult& result) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
      if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
      return true;
    }
    if (r < 0) return true;  // already reaped
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

std::uint16_t pick_free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("could not bind 127.0.0.1:0");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

ProcessResult run_nexusd(const std::vector<std::string>& args, const EnvVars& env, std::chrono::seconds timeout) {
  TempDir dir;
  const auto out = dir / "stdout.txt";
  const auto err = dir / "stderr.txt";
  const pid_t pid = spawn(args, env, out, err);
  ProcessResult result;
  if (!wait_for(pid, timeout, result)) {
    ::kill(pid, SIGKILL);
    wait_for(pid, std::chrono::seconds(5), result);
    result.timed_out = true;
  }
  result.out = read_file(out);
  result.err = read_file(err);
  return result;
}

NexusdProcess::NexusdProcess(nlohmann::json config, const EnvVars& env, std::vector<std::string> extra_args,
                             std::vector<std::pair<std::string, std::string>> health_headers)
    : extra_args_(std::move(extra_args)), env_(env), health_headers_(std::move(health_headers)) {
  port_ = pick_free_port();
  config["http"]["listen"] = "127.0.0.1:" + std::to_string(port_);
  if (!config.contains("plugin_dirs")) config["plugin_dirs"] = nlohmann::json::array();
  config["plugin_dirs"].push_back(NEXUS_PLUGIN_DIR);
  config_path_ = dir_ / "nexus.json";
  std::ofstream(config_path_) << config.dump(2);
  spawn_and_wait();
}

void NexusdProcess::restart() {
  if (pid_ > 0) terminate();
  spawn_and_wait();
}

void NexusdProcess::spawn_and_wait() {
  ++generation_;
  out_path_ = dir_ / ("stdout-" + std::to_string(generation_) + ".txt");
  err_path_ = dir_ / ("stderr-" + std::to_string(generation_) + ".txt");
  std::vector<std::string> args{"--config", config_path_.string(), "--plugin-dir", NEXUS_PLUGIN_DIR};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  pid_ = spawn(args, env_, out_path_, err_path_);

  const HttpClient client(port_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (true) {
    ProcessResult ended;
    if (wait_for(pid_, std::chrono::milliseconds(0), ended)) {
      pid_ = -1;
      throw std::runtime_error("nexusd exited (code " + std::to_string(ended.exit_code) + ", signal " +
                               std::to_string(ended.signal) + ") before answering /health; stderr:\n" + stderr_text());
    }
    if (client.request("GET", "/health", health_headers_, {}, 1).status == 200) return;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill();
      throw std::runtime_error("nexusd did not answer GET /health on 127.0.0.1:" + std::to_string(port_) +
                               " within 10 s; stderr:\n" + stderr_text());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

NexusdProcess::~NexusdProcess() {
  if (pid_ > 0) terminate(std::chrono::seconds(10));
}

ProcessResult NexusdProcess::terminate(std::chrono::milliseconds timeout) {
  send_signal(SIGTERM);
  return wait_exit(timeout);
}

void NexusdProcess::send_signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

ProcessResult NexusdProcess::wait_exit(std::chrono::milliseconds timeout) {
  ProcessResult result;
  if (pid_ <= 0) return result;
  if (!wait_for(pid_, timeout, result)) {
    ::kill(pid_, SIGKILL);
    wait_for(pid_, std::chrono::seconds(5), result);
    result.timed_out = true;
  }
  pid_ = -1;
  result.out = stdout_text();
  result.err = stderr_text();
  return result;
}

void NexusdProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ProcessResult ignored;
  wait_for(pid_, std::chrono::seconds(5), ignored);
  pid_ = -1;
}

bool NexusdProcess::running() {
  if (pid_ <= 0) return false;
  ProcessResult ended;
  if (wait_for(pid_, std::chrono::milliseconds(0), ended)) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::string NexusdProcess::stdout_text() const {
  return read_file(out_path_);
}
std::string NexusdProcess::stderr_text() const {
  return read_file(err_path_);
}

}  // namespace nexus::test

#include <openssl/evp.h>

namespace nexus::test {

std::string sha256_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

}  // namespace nexus::test
