// http/dispatch.cpp — see dispatch.hpp.
#include "http/dispatch.hpp"

#include "http/admin_routes.hpp"
#include "http/auth_guard.hpp"
#include "http/health_routes.hpp"
#include "http/metrics_route.hpp"
#include "http/protected_resource.hpp"
#include "nexus/host/runtime.hpp"
#include "http/router.hpp"
#include "http/storage_routes.hpp"
#include "http/tokens_routes.hpp"
#include "http/transcription_routes.hpp"

namespace nexus::host::http {

namespace {

Reply run_route(const RouteContext& ctx, const Route& route) {
  switch (route.kind) {
    case RouteKind::health:
    case RouteKind::ready:
      return handle_health(ctx, route);
    case RouteKind::plugins:
    case RouteKind::instances:
    case RouteKind::reload:
      return handle_admin(ctx, route);
    case RouteKind::storage_object:
    case RouteKind::storage_list:
      return handle_storage(ctx, route);
    case RouteKind::tokens:
      return handle_tokens(ctx, route);
    case RouteKind::metrics:
      return handle_metrics(ctx);
    case RouteKind::transcriptions:
    case RouteKind::transcription_job:
      return handle_transcriptions(ctx, route);
    case RouteKind::protected_resource:
      break;  // answered above, before authentication
  }
  return Reply{};  // unreachable: every RouteKind is handled above
}

}  // namespace

Reply dispatch(Runtime& runtime, const HttpRequest& request, const DispatchOptions& options) {
  auto matched = match_path(request.path);
  if (auto* reply = std::get_if<Reply>(&matched)) return std::move(*reply);
  const Route& route = std::get<Route>(matched);

  if (auto wrong_method = check_method(route, request.method, request.path)) return std::move(*wrong_method);
  if (route.kind == RouteKind::protected_resource) return protected_resource_reply(runtime.config()->mcp, request.path);

  auto auth = authenticate(runtime, request, route.group, options.deadline_unix_ms);
  if (auto* reply = std::get_if<Reply>(&auth)) return std::move(*reply);
  const Principal& principal = std::get<Principal>(auth);

  RouteContext ctx{runtime, request, principal, {}, options.max_body_bytes, options.draining, options.transcription,
                   options.stream};
  ctx.call.request_id = request.request_id;
  ctx.call.principal_json = principal.json;
  ctx.call.cancelled = options.cancelled;
  ctx.call.deadline_unix_ms = options.deadline_unix_ms;

  Reply reply = run_route(ctx, route);
  reply.log_subject = principal.subject;
  return reply;
}

}  // namespace nexus::host::http
