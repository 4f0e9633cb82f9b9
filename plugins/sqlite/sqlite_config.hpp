// The sqlite plugin's config block, read and checked.
#pragma once

#include <cstdint>
#include <string>

#include <nexus/sdk/config.hpp>

namespace nexus::plugins::sqlite {

enum class Synchronous { full, normal };

struct SqliteConfig {
  std::string path;                             // database file, as written in the config
  bool create = true;                           // create the file (and parent directories) when missing
  int busy_timeout_ms = 5000;                   // how long a write waits for another writer's lock
  Synchronous synchronous = Synchronous::full;  // PRAGMA synchronous
  std::uint64_t max_object_bytes = 268435456;   // largest body a put accepts (256 MiB)
};

// Throws Error(INVALID_ARGUMENT) naming the config key on a bad block. The
// host validates against the schema first; this repeats the checks for
// embedders and tests that create instances without a host, so a bad block
// fails cleanly whoever passes it.
SqliteConfig read_config(const sdk::Config& config);

}  // namespace nexus::plugins::sqlite
