#include "nexus_aws/endpoint.hpp"

#include <nexus/sdk/error.hpp>

#include <cstdlib>

namespace nexus::plugins::aws {

Endpoint parse_endpoint(const std::string& url, const std::string& where) {
  const auto bad = [&](const std::string& why) {
    return sdk::invalid_argument(where + " '" + url + "' is not an endpoint URL (" + why +
                                 "); write it like http://127.0.0.1:4569 or https://s3.eu-west-1.amazonaws.com");
  };
  const auto sep = url.find("://");
  if (sep == std::string::npos) throw bad("no scheme");
  Endpoint e;
  e.scheme = url.substr(0, sep);
  if (e.scheme != "http" && e.scheme != "https") throw bad("scheme must be http or https");
  std::string rest = url.substr(sep + 3);
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find('/') != std::string::npos || rest.find('?') != std::string::npos)
    throw bad("a path or query is not supported");
  if (rest.find('@') != std::string::npos) throw bad("credentials do not belong in the URL");
  std::string port;
  if (!rest.empty() && rest.front() == '[') {  // [v6]:port
    const auto close = rest.find(']');
    if (close == std::string::npos) throw bad("unterminated IPv6 address");
    e.host = rest.substr(0, close + 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') throw bad("junk after the IPv6 address");
      port = rest.substr(close + 2);
    }
  } else {
    const auto colon = rest.find(':');
    e.host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1);
  }
  if (e.host.empty()) throw bad("no host");
  if (!port.empty()) {
    char* end = nullptr;
    const long p = std::strtol(port.c_str(), &end, 10);
    if (*end != '\0' || p < 1 || p > 65535) throw bad("port must be 1..65535");
    e.port = static_cast<int>(p);
  }
  return e;
}

}  // namespace nexus::plugins::aws
