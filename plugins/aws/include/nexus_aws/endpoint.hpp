// endpoint — where an AWS service is reached: the URL of an endpoint
// override (config, AWS_ENDPOINT_URL, LocalStack) or the service default.
#pragma once

#include <string>

namespace nexus::plugins::aws {

struct Endpoint {
  std::string scheme;  // "http" or "https"
  std::string host;    // "127.0.0.1", "s3.us-east-1.amazonaws.com", "[::1]"
  int port = 0;        // 0: the scheme's default
  // "host" or "host:port" as it goes into Host headers and URLs.
  std::string authority() const { return port ? host + ":" + std::to_string(port) : host; }
  std::string url() const { return scheme + "://" + authority(); }
};

// Parses "scheme://host[:port][/]"; Error(INVALID_ARGUMENT) naming `where`
// (e.g. "config.endpoint" or "env AWS_ENDPOINT_URL").
Endpoint parse_endpoint(const std::string& url, const std::string& where);

}  // namespace nexus::plugins::aws
