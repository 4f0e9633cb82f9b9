// s3_config — an instance's settings: the config block, with defaults from
// the environment the way AWS tools take them.
#pragma once

#include <nexus/sdk/config.hpp>

#include <cstdint>
#include <string>

#include "aws.hpp"

namespace nexus::plugins::s3 {

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

}  // namespace nexus::plugins::s3
