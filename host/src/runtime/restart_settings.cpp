// runtime/restart_settings.cpp — see restart_settings.hpp.
#include "runtime/restart_settings.hpp"

namespace nexus::host {
namespace {

template <typename T>
void keep(T& next, const T& running, const char* name, std::vector<std::string>& changed) {
  if (next != running) {
    changed.emplace_back(name);
    next = running;
  }
}

}  // namespace

std::vector<std::string> keep_restart_only_settings(Config& next, const Config& running) {
  std::vector<std::string> changed;
  keep(next.http.listen, running.http.listen, "http.listen", changed);
  keep(next.http.threads, running.http.threads, "http.threads", changed);
  keep(next.http.max_body_bytes, running.http.max_body_bytes, "http.max_body_bytes", changed);
  keep(next.logging.level, running.logging.level, "logging.level", changed);
  keep(next.logging.format, running.logging.format, "logging.format", changed);
  keep(next.mcp.session_key, running.mcp.session_key, "mcp.session_key", changed);
  return changed;
}

}  // namespace nexus::host
