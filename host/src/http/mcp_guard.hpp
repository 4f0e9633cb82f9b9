// http/mcp_guard.hpp — the transport's checks before any MCP message is
// read: DNS-rebinding (Host), cross-site requests (Origin), what the client
// accepts, the protocol version header.
#pragma once

#include <optional>

#include "http/exchange.hpp"
#include "nexus/host/config.hpp"

namespace nexus::host::http {

// 403 when Origin is present and not allowed: http(s) on localhost,
// 127.0.0.1 or [::1] (any port), or exactly one of mcp.allowed_origins.
// 403 when Host is not localhost, 127.0.0.1 or [::1] (any port) nor one of
// mcp.allowed_hosts (a name, or name:port).
std::optional<Reply> check_origin_and_host(const HttpRequest& request, const McpConfig& config);

// 406 unless Accept lists both application/json and text/event-stream
// (POST), or text/event-stream (GET).
std::optional<Reply> check_accept(const HttpRequest& request, bool post);

// 400 when MCP-Protocol-Version is present and not a revision we speak
// (absent means 2025-03-26, per the spec).
std::optional<Reply> check_protocol_version(const HttpRequest& request);

}  // namespace nexus::host::http
