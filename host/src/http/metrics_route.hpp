// http/metrics_route.hpp — GET /metrics: the Prometheus text exposition.
// Route group "metrics"; when the group has an auth chain the caller needs
// the scope "metrics:read".
#pragma once

#include "http/route_context.hpp"

namespace nexus::host::http {

Reply handle_metrics(const RouteContext& ctx);

}  // namespace nexus::host::http
