// http/admin_routes.hpp — GET /v1/plugins and GET /v1/instances (scope
// "admin:read"); POST /v1/admin/reload (scope "admin:reload"): re-read the
// config file and reload the runtime (docs/operations.md, "Reload").
//
// Reload answers: 200 with the ReloadResult as JSON
//   {"generation": 4, "created": [], "replaced": ["data"], "kept": ["keys"],
//    "removed": [], "restart_required": ["http.listen"]}
// 422 {"error": {"code": "invalid_config", "message": "<file>: <path>: ..."}}
// when the new config is invalid or an instance refuses to create, 500 when
// something else failed; in both cases the running set is unchanged.
#pragma once

#include "http/exchange.hpp"
#include "http/route_context.hpp"
#include "http/router.hpp"

namespace nexus::host::http {

Reply handle_admin(const RouteContext& ctx, const Route& route);

}  // namespace nexus::host::http
