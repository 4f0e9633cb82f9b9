// http/health_routes.cpp — see health_routes.hpp.
//
// /ready body: {"status": "ready"|"not_ready"|"stopping",
//               "instances": {"name": {"healthy": true} |
//                                     {"healthy": false, "reason": "..."}}}
// A stopping server reports 503 so a load balancer drains it first.
#include "http/health_routes.hpp"

#include <nlohmann/json.hpp>

#include "http/errors.hpp"
#include "nexus/host/runtime.hpp"

namespace nexus::host::http {

Reply handle_health(const RouteContext& ctx, const Route& route) {
  if (route.kind == RouteKind::health) return json_reply(200, R"({"status":"ok"})");

  nlohmann::json instances = nlohmann::json::object();
  bool all_healthy = true;
  for (const auto& [name, reason] : ctx.runtime.health()) {
    if (reason.empty()) {
      instances[name] = {{"healthy", true}};
    } else {
      all_healthy = false;
      instances[name] = {{"healthy", false}, {"reason", reason}};
    }
  }
  const char* status = ctx.draining ? "stopping" : all_healthy ? "ready" : "not_ready";
  nlohmann::json body = {{"status", status}, {"instances", instances}};
  return json_reply(ctx.draining || !all_healthy ? 503 : 200,
                    body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace nexus::host::http
