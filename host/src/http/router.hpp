// http/router.hpp — which route a method + raw path names.
//
// Hand-written instead of Rest::Router: storage keys contain '/', HEAD must
// work on every GET route, and a wrong method on a known path must be a 405
// with an Allow header, an unknown path a JSON 404.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http/exchange.hpp"

namespace nexus::host::http {

enum class RouteKind {
  health,
  ready,
  plugins,
  instances,
  storage_object,
  storage_list,
  tokens,
  protected_resource,
  reload,             // POST /v1/admin/reload
  metrics,            // GET /metrics (Prometheus)
  transcriptions,     // POST /v1/transcriptions
  transcription_job,  // GET|DELETE /v1/transcriptions/{id}
};

struct Route {
  RouteKind kind;
  std::string group;     // route group in config "routes": "health", "admin", "storage", "tokens"
  std::string instance;  // storage routes: decoded instance name
  std::string key;       // storage_object: decoded key (everything after "/v1/storage/{instance}/"); transcription_job: the id
};

// The route `raw_path` (percent-encoded, no query) names, or the reply to
// send instead: 404 for an unknown path, 400 for a bad percent-encoding.
std::variant<Route, Reply> match_path(std::string_view raw_path);

// A bounded name for metrics labels: the route kind ("storage_object"),
// "mcp", or "unmatched" — never the raw path, whose keys are unbounded.
std::string_view route_label(std::string_view raw_path);

// Methods a route answers, in the order the Allow header lists them.
const std::vector<std::string>& allowed_methods(RouteKind kind);

// 405 with Allow when `method` is not allowed on `route`; nullopt otherwise.
std::optional<Reply> check_method(const Route& route, std::string_view method, std::string_view raw_path);

}  // namespace nexus::host::http
