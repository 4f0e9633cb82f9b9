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

// A logfmt value: bare when it is a plain token, else quoted with '"' and
// '\' escaped.
std::string logfmt(std::string_view v) {
  const std::string p = printable(v.empty() ? std::string_view("-") : v);
  if (p.find_first_of(" \"=\\") == std::string::npos) return p;
  std::string out = "\"";
  for (char c : p) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

void log_access(const AccessRecord& r) {
  spdlog::info("http method={} path={} route={} status={} bytes={} ms={:.1f} request_id={} principal={}",
               logfmt(r.method), logfmt(r.path), logfmt(r.route), r.status, r.body_bytes, r.duration_ms,
               logfmt(r.request_id), logfmt(r.principal));
}

}  // namespace nexus::host::http
