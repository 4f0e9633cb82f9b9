// http/scopes.hpp — does a granted scope allow a required one?
//
// Grammar (plugin-api/include/nexus/auth.h): colon-separated segments.
//   - "*" alone allows everything;
//   - a "*" segment that is not the last matches exactly one segment
//     ("storage:*:read" allows "storage:recordings:read");
//   - a trailing "*" segment matches one or more remaining segments
//     ("storage:*" allows "storage:recordings:write", not "storage");
//   - every other segment must be equal, byte for byte (case-sensitive).
// An empty granted scope allows nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nexus::host::http {

bool scope_allows(std::string_view granted, std::string_view required);

// True when any of `granted` allows `required`.
bool any_scope_allows(const std::vector<std::string>& granted, std::string_view required);

}  // namespace nexus::host::http
