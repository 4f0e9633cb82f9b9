// http/protected_resource.hpp — RFC 9728 OAuth 2.0 Protected Resource
// Metadata for the MCP endpoint: where it is served, and the URL a 401 from
// /mcp names in WWW-Authenticate so a client can find the authorization
// server (as the MCP authorization spec asks).
#pragma once

#include <optional>
#include <string>

#include "http/exchange.hpp"
#include "nexus/host/config.hpp"

namespace nexus::host::http {

// "/.well-known/oauth-protected-resource" + the resource URL's path ("/mcp"
// → "/.well-known/oauth-protected-resource/mcp"), RFC 9728 §3.1; nullopt
// when no metadata is configured.
std::optional<std::string> protected_resource_path(const McpConfig& mcp);

// The absolute metadata URL (the resource's origin + the path above).
std::optional<std::string> protected_resource_url(const McpConfig& mcp);

// GET of the metadata path: the configured document, or 404.
Reply protected_resource_reply(const McpConfig& mcp, const std::string& raw_path);

}  // namespace nexus::host::http
