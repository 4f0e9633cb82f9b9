// http/admin_routes.hpp — GET /v1/plugins and GET /v1/instances (scope
// "admin:read").
#pragma once

#include "http/exchange.hpp"
#include "http/route_context.hpp"
#include "http/router.hpp"

namespace nexus::host::http {

Reply handle_admin(const RouteContext& ctx, const Route& route);

}  // namespace nexus::host::http
