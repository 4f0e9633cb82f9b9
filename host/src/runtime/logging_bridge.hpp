// runtime/logging_bridge.hpp — plugin log lines into the host's spdlog.
#pragma once

#include <nexus/types.h>

#include <string_view>

namespace nexus::host {

// Logs `message` attributed to `instance` (and `request_id` when not empty).
// Control characters are escaped so a plugin cannot forge log lines.
void log_from_plugin(std::string_view instance, std::string_view request_id, nexus_log_level level,
                     std::string_view message) noexcept;

}  // namespace nexus::host
