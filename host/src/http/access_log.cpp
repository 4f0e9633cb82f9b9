// http/access_log.cpp — see access_log.hpp.
#include "http/access_log.hpp"

#include <spdlog/spdlog.h>

#include <string>

namespace nexus::host::http {
namespace {

// The raw path comes from the client: cap it and replace control bytes so
// one request cannot forge or flood log lines.
std::string printable(std::string_view s) {
  constexpr std::size_t kMax = 512;
  std::string out;
  out.reserve(std::min(s.size(), kMax) + 3);
  for (std::size_t i = 0; i < s.size() && i < kMax; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    out.push_back(c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c));
  }
  if (s.size() > kMax) out += "...";
  return out;
}

}  // namespace

void log_access(std::string_view method, std::string_view path, int status, std::size_t body_bytes, double duration_ms,
                std::string_view request_id) {
  spdlog::info("http {} {} {} {}B {:.1f}ms {}", printable(method), printable(path), status, body_bytes, duration_ms,
               request_id);
}

}  // namespace nexus::host::http
