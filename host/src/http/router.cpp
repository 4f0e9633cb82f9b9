// http/router.cpp — see router.hpp.
#include "http/router.hpp"

#include <algorithm>

#include "http/errors.hpp"
#include "http/url.hpp"

namespace nexus::host::http {
namespace {

constexpr std::string_view kStoragePrefix = "/v1/storage/";
constexpr std::string_view kTranscriptionsPrefix = "/v1/transcriptions/";

Reply not_found_path(std::string_view raw_path) {
  return error_reply(NEXUS_NOT_FOUND, "no route for path '" + std::string(raw_path) +
                                          "'; routes are /health, /ready, /metrics, /v1/plugins, /v1/instances, /v1/admin/reload, /v1/tokens, /mcp, "
                                          "/v1/storage/{instance}, /v1/storage/{instance}/{key}, /v1/transcriptions and "
                                          "/v1/transcriptions/{id}");
}

std::variant<Route, Reply> match_storage(std::string_view raw_path) {
  const std::string_view rest = raw_path.substr(kStoragePrefix.size());
  const std::size_t slash = rest.find('/');
  const std::string_view raw_instance = rest.substr(0, slash);
  if (raw_instance.empty()) return not_found_path(raw_path);
  std::string why;
  auto instance = percent_decode(raw_instance, false, why);
  if (!instance)
    return error_reply(NEXUS_INVALID_ARGUMENT, "instance name in path '" + std::string(raw_path) + "': " + why);
  if (slash == std::string_view::npos) return Route{RouteKind::storage_list, "storage", std::move(*instance), {}};

  const std::string_view raw_key = rest.substr(slash + 1);
  if (raw_key.empty()) {
    return error_reply(NEXUS_INVALID_ARGUMENT, "path '" + std::string(raw_path) +
                                                   "' has an empty key; to list objects use GET /v1/storage/" +
                                                   std::string(raw_instance) + " (no trailing '/')");
  }
  auto key = percent_decode(raw_key, false, why);
  if (!key) return error_reply(NEXUS_INVALID_ARGUMENT, "key in path '" + std::string(raw_path) + "': " + why);
  return Route{RouteKind::storage_object, "storage", std::move(*instance), std::move(*key)};
}

}  // namespace

std::variant<Route, Reply> match_path(std::string_view raw_path) {
  if (raw_path == "/health") return Route{RouteKind::health, "health", {}, {}};
  if (raw_path == "/ready") return Route{RouteKind::ready, "health", {}, {}};
  if (raw_path == "/metrics") return Route{RouteKind::metrics, "metrics", {}, {}};
  if (raw_path == "/v1/plugins") return Route{RouteKind::plugins, "admin", {}, {}};
  if (raw_path == "/v1/instances") return Route{RouteKind::instances, "admin", {}, {}};
  if (raw_path == "/v1/admin/reload") return Route{RouteKind::reload, "admin", {}, {}};
  if (raw_path == "/v1/tokens") return Route{RouteKind::tokens, "tokens", {}, {}};
  // RFC 9728 metadata is public by definition: clients read it before they
  // have credentials. No route group, no auth.
  if (raw_path.starts_with("/.well-known/oauth-protected-resource"))
    return Route{RouteKind::protected_resource, "", {}, {}};
  if (raw_path.starts_with(kStoragePrefix)) return match_storage(raw_path);
  if (raw_path == "/v1/transcriptions") return Route{RouteKind::transcriptions, "transcription", {}, {}};
  if (raw_path.starts_with(kTranscriptionsPrefix)) {
    const std::string_view id = raw_path.substr(kTranscriptionsPrefix.size());
    // Job ids are plain ("tj_" + hex): nothing to decode, nothing nested.
    if (!id.empty() && id.find('/') == std::string_view::npos)
      return Route{RouteKind::transcription_job, "transcription", {}, std::string(id)};
  }
  return not_found_path(raw_path);
}

std::string_view route_label(std::string_view raw_path) {
  if (raw_path == "/mcp") return "mcp";
  const auto matched = match_path(raw_path);
  const Route* route = std::get_if<Route>(&matched);
  if (!route) return "unmatched";
  switch (route->kind) {
    case RouteKind::health: return "health";
    case RouteKind::ready: return "ready";
    case RouteKind::plugins: return "plugins";
    case RouteKind::instances: return "instances";
    case RouteKind::storage_object: return "storage_object";
    case RouteKind::storage_list: return "storage_list";
    case RouteKind::tokens: return "tokens";
    case RouteKind::protected_resource: return "protected_resource";
    case RouteKind::reload: return "reload";
    case RouteKind::metrics: return "metrics";
    case RouteKind::transcriptions: return "transcriptions";
    case RouteKind::transcription_job: return "transcription_job";
  }
  return "unmatched";
}

const std::vector<std::string>& allowed_methods(RouteKind kind) {
  static const std::vector<std::string> read_only{"GET", "HEAD"};
  static const std::vector<std::string> object{"GET", "HEAD", "PUT", "DELETE"};
  static const std::vector<std::string> post_only{"POST"};
  static const std::vector<std::string> job{"GET", "HEAD", "DELETE"};
  if (kind == RouteKind::tokens || kind == RouteKind::transcriptions || kind == RouteKind::reload) return post_only;
  if (kind == RouteKind::transcription_job) return job;
  return kind == RouteKind::storage_object ? object : read_only;
}

std::optional<Reply> check_method(const Route& route, std::string_view method, std::string_view raw_path) {
  const auto& allowed = allowed_methods(route.kind);
  if (std::find(allowed.begin(), allowed.end(), method) != allowed.end()) return std::nullopt;
  std::string allow;
  for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  Reply r = error_reply(
      405, "method_not_allowed",
      "method " + std::string(method) + " is not allowed on '" + std::string(raw_path) + "'; allowed: " + allow);
  r.header("Allow", allow);
  return r;
}

}  // namespace nexus::host::http
