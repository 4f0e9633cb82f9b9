// http/mcp_guard.cpp — see mcp_guard.hpp.
#include "http/mcp_guard.hpp"

#include <algorithm>
#include <cctype>

#include "http/mcp_sessions.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/session.hpp"

namespace nexus::host::http {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// "name" of "name", "name:port", "[v6]", "[v6]:port"; nullopt when the port
// part is not digits.
std::optional<std::string> host_name(std::string_view authority) {
  std::string_view name = authority, port;
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    name = authority.substr(0, close + 1);
    const auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    name = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (!std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })) return std::nullopt;
  return lower(name);
}

bool is_loopback_name(const std::string& name) { return name == "localhost" || name == "127.0.0.1" || name == "[::1]"; }

bool origin_allowed(std::string_view origin, const McpConfig& config) {
  const std::string o = lower(origin);
  for (const auto& allowed : config.allowed_origins)
    if (lower(allowed) == o) return true;
  std::string_view rest;
  if (o.starts_with("http://"))
    rest = std::string_view(o).substr(7);
  else if (o.starts_with("https://"))
    rest = std::string_view(o).substr(8);
  else
    return false;
  if (rest.find('/') != std::string_view::npos) return false;  // an Origin has no path
  const auto name = host_name(rest);
  return name && is_loopback_name(*name);
}

bool host_allowed(std::string_view host, const McpConfig& config) {
  const auto name = host_name(host);
  if (!name) return false;
  if (is_loopback_name(*name)) return true;
  const std::string full = lower(host);
  for (const auto& allowed : config.allowed_hosts) {
    const std::string a = lower(allowed);
    if (a == full || a == *name) return true;
  }
  return false;
}

Reply forbidden(const std::string& message) { return jsonrpc_error_reply(403, mcp::kInvalidRequest, "Forbidden: " + message); }

bool lists(std::string_view accept, std::string_view type) {
  const std::string a = lower(accept);
  return a.find(type) != std::string::npos || a.find("*/*") != std::string::npos;
}

}  // namespace

std::optional<Reply> check_origin_and_host(const HttpRequest& request, const McpConfig& config) {
  if (const auto host = request.header("host"); host && !host_allowed(*host, config)) {
    return forbidden("Host '" + std::string(host->substr(0, 200)) +
                     "' is not allowed (DNS-rebinding protection); add it to mcp.allowed_hosts in the config");
  }
  if (const auto origin = request.header("origin"); origin && !origin_allowed(*origin, config)) {
    return forbidden("Origin '" + std::string(origin->substr(0, 200)) +
                     "' is not allowed; add it to mcp.allowed_origins in the config");
  }
  return std::nullopt;
}

std::optional<Reply> check_accept(const HttpRequest& request, bool post) {
  const std::string accept(request.header("accept").value_or(""));
  const bool ok = post ? lists(accept, "application/json") && lists(accept, "text/event-stream")
                       : lists(accept, "text/event-stream");
  if (ok) return std::nullopt;
  return jsonrpc_error_reply(406, mcp::kInvalidRequest,
                             post ? "Not Acceptable: a POST to /mcp must send Accept: application/json, text/event-stream"
                                  : "Not Acceptable: a GET of /mcp must send Accept: text/event-stream");
}

std::optional<Reply> check_protocol_version(const HttpRequest& request) {
  const auto v = request.header("mcp-protocol-version");
  if (!v || mcp::is_supported_version(std::string(*v))) return std::nullopt;
  std::string known;
  for (const auto& s : mcp::supported_versions()) known += (known.empty() ? "" : ", ") + s;
  return jsonrpc_error_reply(400, mcp::kInvalidRequest,
                             "Bad Request: unsupported MCP-Protocol-Version '" + std::string(v->substr(0, 64)) +
                                 "'; this server speaks " + known);
}

}  // namespace nexus::host::http
