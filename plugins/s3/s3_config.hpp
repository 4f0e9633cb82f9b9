// s3_config — an instance's settings: the config block, with defaults from
// the environment the way AWS tools take them.
#pragma once

#include <nexus/sdk/config.hpp>

#include <cstdint>
#include <string>

#include "credentials.hpp"

namespace nexus::plugins::s3 {

struct Endpoint {
  std::string scheme;  // "http" or "https"
  std::string host;    // "127.0.0.1", "s3.us-east-1.amazonaws.com", "[::1]"
  int port = 0;        // 0: the scheme's default
  // "host" or "host:port" as it goes into Host headers and URLs.
  std::string authority() const { return port ? host + ":" + std::to_string(port) : host; }
  std::string url() const { return scheme + "://" + authority(); }
};

struct S3Config {
  std::string bucket;
  std::string prefix;  // instance key prefix inside the bucket, "" or e.g. "env/dev/"
  std::string region;
  Endpoint endpoint;
  bool endpoint_overridden = false;  // config, AWS_ENDPOINT_URL or USE_LOCALSTACK
  bool path_style = false;
  StaticKeys keys;  // from config only; the chain looks further
  std::uint64_t multipart_threshold_bytes = 64ull << 20;
  std::uint64_t multipart_part_bytes = 16ull << 20;
  int max_retries = 3;
  long timeout_ms = 30000;
};

inline constexpr std::uint64_t kMinPartBytes = 5ull << 20;  // S3's floor for every part but the last

// Reads and checks the block; Error(INVALID_ARGUMENT) naming the key.
S3Config read_config(const sdk::Config& config);

// Parses "scheme://host[:port][/]"; Error(INVALID_ARGUMENT) naming `where`.
Endpoint parse_endpoint(const std::string& url, const std::string& where);

}  // namespace nexus::plugins::s3
