// runtime/restart_settings.hpp — config settings a reload cannot apply: the
// listening socket, the HTTP thread pool and body limit are set up once by
// HttpServer, logging once by nexusd, and the MCP session key once by the
// MCP endpoint. A reload keeps the running values and names what changed,
// so the operator learns a restart is needed instead of wondering.
#pragma once

#include <string>
#include <vector>

#include "nexus/host/config.hpp"

namespace nexus::host {

// Copies every restart-only setting of `running` into `next` and returns the
// names of those that differed ("http.listen", "mcp.session_key", ...).
// Never returns values: mcp.session_key is a secret.
std::vector<std::string> keep_restart_only_settings(Config& next, const Config& running);

}  // namespace nexus::host
