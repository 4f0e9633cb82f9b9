// mcp/handlers.hpp — the method handlers behind Dispatcher (internal).
// Each returns the JSON-RPC result or throws RpcError.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mcp/jsonrpc.hpp"
#include "mcp/session.hpp"
#include "nexus/host/call.hpp"
#include "nexus/host/config.hpp"

namespace nexus::host {
class Runtime;
}

namespace nexus::host::mcp {

class ToolCatalogCache;

struct HandlerContext {
  const Runtime& runtime;
  const McpConfig& config;
  const Message& message;
  Exchange& exchange;
  ToolCatalogCache& tool_catalogs;  // the dispatcher's, shared by every message

  // Options for a plugin call made for this message.
  CallOptions call_options() const;
  // params as an object ({} when absent).
  const nlohmann::json& params() const;
  // params[key] as a string, or RpcError(-32602) naming the key.
  std::string required_string(const char* key) const;
};

// Scope checks (only for authenticated callers; a public route group has
// none):
//   tools/list, tools/call      -> "tools:<name>" with the name as listed
//   resources/*, prompts/*,
//   completion/complete         -> "mcp:read"
bool caller_may(const Caller& caller, const std::string& scope);
void require_scope(const Caller& caller, const std::string& scope, const std::string& what);
// The scope a request needs by the rules above, if any ("tools:<name>" for
// tools/call, "mcp:read" for resources, prompts and completion); tools/list
// needs none (it shows what the caller may call). The transport checks it
// before dispatching, to answer with a scope challenge.
std::optional<std::string> required_scope(const Message& message);
// The words of a refusal: `what` needs `scope`.
std::string scope_refusal(const std::string& what, const std::string& scope);

nlohmann::json handle_tools_list(const HandlerContext& ctx);
nlohmann::json handle_tools_call(const HandlerContext& ctx);

nlohmann::json handle_resources_list(const HandlerContext& ctx);
nlohmann::json handle_resource_templates_list(const HandlerContext& ctx);
nlohmann::json handle_resources_read(const HandlerContext& ctx);
nlohmann::json handle_resources_subscribe(const HandlerContext& ctx, bool subscribe);

nlohmann::json handle_prompts_list(const HandlerContext& ctx);
nlohmann::json handle_prompts_get(const HandlerContext& ctx);
nlohmann::json handle_completion(const HandlerContext& ctx);

// MCP logging levels, least severe first.
int log_level_rank(const std::string& level);  // -1 when unknown
std::string mcp_level_for(nexus_log_level level);

// The JSON-RPC error for a plugin call that failed in a list/read/get.
RpcError rpc_error_for(const CallOutcome& outcome);

}  // namespace nexus::host::mcp
