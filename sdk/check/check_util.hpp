// check_util.hpp — small helpers every group of checks uses.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <nexus/status.h>
#include <nexus/types.h>

#include <nlohmann/json.hpp>

#include "report.hpp"

namespace nexus::check {

// What one call into the plugin returned (see Call::outcome).
struct CallOutcome {
  nexus_status status = NEXUS_INTERNAL;
  std::string error;   // the message it set ("" if none)
  std::string output;  // what it wrote to its output writer
  // "ok", or e.g. "not_found (message: '...')".
  std::string status_text() const;
};

// A borrowed view of `s` for an argument of a plugin call.
inline nexus_str as_nexus_str(const std::string& s) noexcept {
  return nexus_str{s.data(), s.size()};
}

// `text` quoted for a message: at most `max` bytes, control bytes escaped.
std::string excerpt(std::string_view text, std::size_t max = 120);

// Parses what a plugin wrote; fails the check (naming `what`) when it is not JSON.
nlohmann::json parse_plugin_json(std::string_view text, const std::string& what, CheckScope& scope);

// Random lower-case hex of `bytes` random bytes.
std::string random_hex(std::size_t bytes);

// Milliseconds since the Unix epoch (CLOCK_REALTIME), as the ABI's deadlines.
std::int64_t now_unix_ms();

// Runs body(0..threads-1) on `threads` threads at once, released together;
// returns the failures they reported through the given function.
std::vector<std::string> run_in_threads(int threads,
                                        const std::function<void(int, const std::function<void(std::string)>&)>& body);

// " (message: '...')" or " (no message)" for a non-OK status.
std::string message_part(const std::string& error);

// Joins the first `max` items and says how many more there were.
std::string first_few(const std::vector<std::string>& items, std::size_t max = 3);

}  // namespace nexus::check
