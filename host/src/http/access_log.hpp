// http/access_log.hpp — one line per request. Never headers (credentials
// live there), never the query (it may carry cursors or tokens).
#pragma once

#include <cstddef>
#include <string_view>

namespace nexus::host::http {

void log_access(std::string_view method, std::string_view path, int status, std::size_t body_bytes, double duration_ms,
                std::string_view request_id);

}  // namespace nexus::host::http
