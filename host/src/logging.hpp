// logging.hpp — process-wide logging for nexusd and for embedders.
//
// Everything logs through spdlog; this sets the default logger (to stderr)
// and the format every logger created afterwards inherits.
#pragma once

#include <chrono>
#include <string>

namespace nexus::host {

// level: trace|debug|info|warn|error. format: "text" (human, coloured on a
// terminal) or "json" (one object per line: ts, level, logger when named,
// msg). Throws std::invalid_argument naming the bad value and the choices.
// Call it before starting threads that log. Never pass secrets to a log call:
// nothing here can tell them apart.
void setup_logging(const std::string& level, const std::string& format);

// "2025-01-31T12:00:00.123Z": UTC with milliseconds, so lines (and job
// timestamps) from several hosts sort together.
std::string utc_timestamp(std::chrono::system_clock::time_point t);

}  // namespace nexus::host
