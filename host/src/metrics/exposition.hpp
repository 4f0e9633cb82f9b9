// metrics/exposition.hpp — everything GET /metrics serves, in the
// Prometheus text format 0.0.4: plugin calls, HTTP requests, reloads,
// metrics plugins report through nexus_host, and the process's RSS and
// open file descriptors.
#pragma once

#include <string>

namespace nexus::host::metrics {

inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string prometheus_text();

}  // namespace nexus::host::metrics
