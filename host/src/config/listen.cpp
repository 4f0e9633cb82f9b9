// config/listen.cpp — see listen.hpp.
#include "config/listen.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace nexus::host::config_detail {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// RFC 1123 host name: dot-separated labels of letters, digits and inner
// hyphens, each 1-63 characters, 253 in all.
bool is_hostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) dot = s.size();
    const std::string_view label = s.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (unsigned char c : label) {
      if (!std::isalnum(c) && c != '-') return false;
    }
    start = dot + 1;
  }
  return true;
}

bool looks_like_ipv4(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) || c == '.'; });
}

}  // namespace

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& why) {
  const std::string example = " (e.g. 127.0.0.1:8000, [::1]:8000 or localhost:8000)";
  ListenAddress out;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      why = "expected [IPv6]:PORT" + example;
      return std::nullopt;
    }
    out.host = std::string(text.substr(1, close - 1));
    out.is_ipv6 = true;
    port_text = text.substr(close + 2);
    in6_addr addr{};
    if (inet_pton(AF_INET6, out.host.c_str(), &addr) != 1) {
      why = "'" + out.host + "' is not an IPv6 address" + example;
      return std::nullopt;
    }
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      why = "expected ADDR:PORT, the port is missing" + example;
      return std::nullopt;
    }
    out.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    if (out.host.find(':') != std::string::npos) {
      why = "an IPv6 address needs brackets: [" + out.host + "]:" + std::string(port_text);
      return std::nullopt;
    }
    if (out.host.empty()) {
      why = "the address is missing; use 0.0.0.0 for every interface" + example;
      return std::nullopt;
    }
    if (looks_like_ipv4(out.host)) {
      in_addr addr{};
      if (inet_pton(AF_INET, out.host.c_str(), &addr) != 1) {
        why = "'" + out.host + "' is not an IPv4 address" + example;
        return std::nullopt;
      }
    } else if (!is_hostname(out.host)) {
      why = "'" + out.host + "' is neither an IP address nor a host name" + example;
      return std::nullopt;
    }
  }
  if (!all_digits(port_text) || port_text.size() > 5 || std::stoul(std::string(port_text)) > 65535) {
    why = "port '" + std::string(port_text) + "' is not a number from 0 to 65535" + example;
    return std::nullopt;
  }
  out.port = static_cast<std::uint16_t>(std::stoul(std::string(port_text)));
  return out;
}

}  // namespace nexus::host::config_detail
