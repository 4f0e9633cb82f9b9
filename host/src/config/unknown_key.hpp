// config/unknown_key.hpp — the one message for a key nobody declared, used
// for the host's own sections and for plugin blocks alike.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nexus::host::config_detail {

// "unknown key 'listne' (known: listen, threads); did you mean 'listen'?"
// The suggestion appears when a known key is within two edits.
std::string unknown_key_message(std::string_view key, std::vector<std::string> known);

}  // namespace nexus::host::config_detail
