#include "http/protected_resource.hpp"

#include "http/errors.hpp"

namespace nexus::host::http {
namespace {

constexpr std::string_view kWellKnown = "/.well-known/oauth-protected-resource";

// Splits "https://host:port/path" into origin and path ("" when none).
std::pair<std::string, std::string> split_url(const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  const std::size_t path_start = scheme_end == std::string::npos ? std::string::npos : url.find('/', scheme_end + 3);
  if (path_start == std::string::npos) return {url, ""};
  std::string path = url.substr(path_start);
  if (const auto q = path.find_first_of("?#"); q != std::string::npos) path.resize(q);
  if (path == "/") path.clear();
  return {url.substr(0, path_start), path};
}

}  // namespace

std::optional<std::string> protected_resource_path(const McpConfig& mcp) {
  if (!mcp.resource_metadata) return std::nullopt;
  return std::string(kWellKnown) + split_url(mcp.resource_metadata->value("resource", "")).second;
}

std::optional<std::string> protected_resource_url(const McpConfig& mcp) {
  if (!mcp.resource_metadata) return std::nullopt;
  return split_url(mcp.resource_metadata->value("resource", "")).first + *protected_resource_path(mcp);
}

Reply protected_resource_reply(const McpConfig& mcp, const std::string& raw_path) {
  const auto path = protected_resource_path(mcp);
  if (!path) {
    return error_reply(NEXUS_NOT_FOUND, "no protected-resource metadata is configured; set \"mcp\": "
                                        "{\"resource_metadata\": {\"resource\": ..., \"authorization_servers\": [...]}}");
  }
  if (raw_path != *path) return error_reply(NEXUS_NOT_FOUND, "the protected-resource metadata is at " + *path);
  return json_reply(200, mcp.resource_metadata->dump());
}

}  // namespace nexus::host::http
