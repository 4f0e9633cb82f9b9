// The fs plugin's config block, read and checked.
#pragma once

#include <string>

#include <nexus/sdk/config.hpp>

namespace nexus::plugins::fs {

struct FsConfig {
  std::string root;    // as written in the config
  bool create = true;  // create root (and parents) when missing
  bool fsync = true;   // fsync files and directories on every write
};

// Throws Error(INVALID_ARGUMENT) naming the config key on a bad block.
FsConfig read_config(const sdk::Config& config);

}  // namespace nexus::plugins::fs
