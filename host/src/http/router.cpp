// http/router.cpp — see router.hpp.
#include "http/router.hpp"

#include <algorithm>

#include "http/errors.hpp"
#include "http/url.hpp"

namespace nexus::host::http {
namespace {

constexpr std::string_view kStoragePrefix = "/v1/storage/";

Reply not_found_path(std::string_view raw_path) {
  return error_reply(NEXUS_NOT_FOUND, "no route for path '" + std::string(raw_path) +
                                          "'; routes are /health, /ready, /v1/plugins, /v1/instances, /v1/tokens, /mcp, "
                                          "/v1/storage/{instance} and /v1/storage/{instance}/{key}");
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
  if (raw_path == "/v1/plugins") return Route{RouteKind::plugins, "admin", {}, {}};
  if (raw_path == "/v1/instances") return Route{RouteKind::instances, "admin", {}, {}};
  if (raw_path == "/v1/tokens") return Route{RouteKind::tokens, "tokens", {}, {}};
  // RFC 9728 metadata is public by definition: clients read it before they
  // have credentials. No route group, no auth.
  if (raw_path.starts_with("/.well-known/oauth-protected-resource"))
    return Route{RouteKind::protected_resource, "", {}, {}};
  if (raw_path.starts_with(kStoragePrefix)) return match_storage(raw_path);
  return not_found_path(raw_path);
}

const std::vector<std::string>& allowed_methods(RouteKind kind) {
  static const std::vector<std::string> read_only{"GET", "HEAD"};
  static const std::vector<std::string> object{"GET", "HEAD", "PUT", "DELETE"};
  static const std::vector<std::string> post_only{"POST"};
  if (kind == RouteKind::tokens) return post_only;
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
