// http/health_routes.hpp — GET /health (liveness: the process answers) and
// GET /ready (readiness: every instance healthy and not shutting down).
#pragma once

#include "http/exchange.hpp"
#include "http/route_context.hpp"
#include "http/router.hpp"

namespace nexus::host::http {

Reply handle_health(const RouteContext& ctx, const Route& route);

}  // namespace nexus::host::http
