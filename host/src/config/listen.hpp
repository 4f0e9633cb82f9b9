// config/listen.hpp — "ADDR:PORT" as written in http.listen and --listen.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nexus::host::config_detail {

struct ListenAddress {
  std::string host;  // IPv4 dotted quad, IPv6 without brackets, or a hostname
  std::uint16_t port = 0;
  bool is_ipv6 = false;
};

// Parses "127.0.0.1:8000", "[::1]:8000", "localhost:0". Returns nullopt and
// sets `why` when it is not one of those.
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& why);

}  // namespace nexus::host::config_detail
