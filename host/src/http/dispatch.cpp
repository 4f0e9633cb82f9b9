// http/dispatch.cpp — see dispatch.hpp.
#include "http/dispatch.hpp"

#include "http/admin_routes.hpp"
#include "http/auth_guard.hpp"
#include "http/health_routes.hpp"
#include "http/protected_resource.hpp"
#include "nexus/host/runtime.hpp"
#include "http/router.hpp"
#include "http/storage_routes.hpp"
#include "http/tokens_routes.hpp"

namespace nexus::host::http {

Reply dispatch(const Runtime& runtime, const HttpRequest& request, const DispatchOptions& options) {
  auto matched = match_path(request.path);
  if (auto* reply = std::get_if<Reply>(&matched)) return std::move(*reply);
  const Route& route = std::get<Route>(matched);

  if (auto wrong_method = check_method(route, request.method, request.path)) return std::move(*wrong_method);
  if (route.kind == RouteKind::protected_resource) return protected_resource_reply(runtime.config().mcp, request.path);

  auto auth = authenticate(runtime, request, route.group);
  if (auto* reply = std::get_if<Reply>(&auth)) return std::move(*reply);
  const Principal& principal = std::get<Principal>(auth);

  RouteContext ctx{runtime, request, principal, {}, options.max_body_bytes, options.draining};
  ctx.call.request_id = request.request_id;
  ctx.call.principal_json = principal.json;
  ctx.call.cancelled = options.cancelled;

  switch (route.kind) {
    case RouteKind::health:
    case RouteKind::ready:
      return handle_health(ctx, route);
    case RouteKind::plugins:
    case RouteKind::instances:
      return handle_admin(ctx, route);
    case RouteKind::storage_object:
    case RouteKind::storage_list:
      return handle_storage(ctx, route);
    case RouteKind::tokens:
      return handle_tokens(ctx, route);
    case RouteKind::protected_resource:
      break;  // answered above, before authentication
  }
  return Reply{};  // unreachable: every RouteKind is handled above
}

}  // namespace nexus::host::http
