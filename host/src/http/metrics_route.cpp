// http/metrics_route.cpp — see metrics_route.hpp.
#include "http/metrics_route.hpp"

#include "metrics/exposition.hpp"

namespace nexus::host::http {

Reply handle_metrics(const RouteContext& ctx) {
  if (auto denied = require_scope(ctx.principal, "metrics:read", ctx.request)) return *denied;
  Reply r;
  r.status = 200;
  r.body = metrics::prometheus_text();
  r.header("Content-Type", metrics::kContentType).header("Cache-Control", "no-store");
  return r;
}

}  // namespace nexus::host::http
