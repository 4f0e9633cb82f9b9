// ddb_config — a dynamodb instance's settings: the config block, with the
// endpoint, region and credentials defaults AWS tools take from the
// environment.
#pragma once

#include <nexus/sdk/config.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

#include <nexus_aws/credentials.hpp>
#include <nexus_aws/endpoint.hpp>

namespace nexus::plugins::dynamodb {

// How an object key becomes the item's partition key (see key_layout.hpp).
enum class KeyRule {
  prefix,  // partition = partition_prefix + the first partition_depth segments
  single,  // partition = partition_value for every object
};

// DynamoDB's hard limit on one item: names and values together.
inline constexpr std::size_t kMaxItemBytes = 400 * 1024;
// Largest chunk: a chunk item's other attributes (partition and sort key,
// the owning key) take at most ~3.2 KB, so 384 KiB of data always fits.
inline constexpr std::size_t kMaxChunkBytes = 384 * 1024;
inline constexpr std::size_t kMinChunkBytes = 1024;

struct DdbConfig {
  std::string table;
  std::string region;
  aws::Endpoint endpoint;
  std::string endpoint_source;  // "config.endpoint", "env AWS_ENDPOINT_URL", "default" (for messages)
  aws::StaticKeys keys;         // from config only; the chain looks further
  std::string partition_key = "PK";
  std::string sort_key = "SK";
  KeyRule key_rule = KeyRule::prefix;
  int partition_depth = 1;
  std::string partition_prefix;
  std::string partition_value = "objects";
  bool create_table = false;
  std::size_t chunk_bytes = kMaxChunkBytes;
  std::uint64_t max_object_bytes = 64ull << 20;
  int max_retries = 3;
  long timeout_ms = 30000;
};

// Reads and checks the block; Error(INVALID_ARGUMENT) naming the key.
DdbConfig read_config(const sdk::Config& config);

}  // namespace nexus::plugins::dynamodb
