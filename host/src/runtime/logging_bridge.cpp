#include "runtime/logging_bridge.hpp"

#include <spdlog/spdlog.h>

#include <string>

namespace nexus::host {
namespace {

spdlog::level::level_enum to_spdlog(nexus_log_level l) {
  switch (l) {
    case NEXUS_LOG_TRACE: return spdlog::level::trace;
    case NEXUS_LOG_DEBUG: return spdlog::level::debug;
    case NEXUS_LOG_INFO: return spdlog::level::info;
    case NEXUS_LOG_WARN: return spdlog::level::warn;
    default: return spdlog::level::err;
  }
}

std::string escape_controls(std::string_view s) {
  constexpr std::size_t kMaxLine = 8192;
  std::string out;
  out.reserve(s.size() < kMaxLine ? s.size() : kMaxLine);
  for (char c : s.substr(0, kMaxLine)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

void log_from_plugin(std::string_view instance, std::string_view request_id, nexus_log_level level,
                     std::string_view message) noexcept {
  try {
    const auto lvl = to_spdlog(level);
    if (!spdlog::should_log(lvl)) return;
    if (request_id.empty())
      spdlog::log(lvl, "[{}] {}", instance, escape_controls(message));
    else
      spdlog::log(lvl, "[{}] {} (request {})", instance, escape_controls(message), request_id);
  } catch (...) {
  }
}

}  // namespace nexus::host
