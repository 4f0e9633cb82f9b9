// mcp/dispatcher.cpp — see dispatcher.hpp. Lifecycle methods (initialize,
// ping, logging, notifications) live here; the rest in tools.cpp,
// resources.cpp and prompts.cpp.
#include "mcp/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <set>

#include "mcp/handlers.hpp"
#include "nexus/host/runtime.hpp"
#include "http/scopes.hpp"

namespace nexus::host::mcp {

using nlohmann::json;

namespace {

constexpr std::array<const char*, 8> kLevels = {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};

json handle_initialize(const HandlerContext& ctx) {
  const json& p = ctx.params();
  std::string version = supported_versions().front();
  if (p.contains("protocolVersion") && p["protocolVersion"].is_string() &&
      is_supported_version(p["protocolVersion"].get<std::string>())) {
    version = p["protocolVersion"].get<std::string>();
  }
  ctx.exchange.session.set_protocol_version(version);
  ctx.exchange.session.set_client_capabilities(p.value("capabilities", json::object()));
  return {{"protocolVersion", version},
          {"capabilities",
           {{"tools", {{"listChanged", false}}},
            {"resources", {{"subscribe", true}, {"listChanged", false}}},
            {"prompts", {{"listChanged", false}}},
            {"logging", json::object()},
            {"completions", json::object()}}},
          {"serverInfo", {{"name", ctx.config.server_name}, {"version", NEXUS_VERSION}}}};
}

json handle_set_level(const HandlerContext& ctx) {
  const std::string level = ctx.required_string("level");
  if (log_level_rank(level) < 0) {
    throw RpcError{kInvalidParams, "unknown logging level '" + level +
                                       "'; use debug, info, notice, warning, error, critical, alert or emergency"};
  }
  ctx.exchange.session.set_log_level(level);
  return json::object();
}

}  // namespace

int log_level_rank(const std::string& level) {
  for (std::size_t i = 0; i < kLevels.size(); ++i)
    if (level == kLevels[i]) return static_cast<int>(i);
  return -1;
}

std::string mcp_level_for(nexus_log_level level) {
  switch (level) {
    case NEXUS_LOG_TRACE:
    case NEXUS_LOG_DEBUG:
      return "debug";
    case NEXUS_LOG_INFO:
      return "info";
    case NEXUS_LOG_WARN:
      return "warning";
    default:
      return "error";
  }
}

bool caller_may(const Caller& caller, const std::string& scope) {
  return !caller.authenticated || http::any_scope_allows(caller.scopes, scope);
}

std::string scope_refusal(const std::string& what, const std::string& scope) {
  return what + " needs the scope '" + scope + "', which the caller's credentials do not grant; ask for a token with it";
}

void require_scope(const Caller& caller, const std::string& scope, const std::string& what) {
  if (!caller_may(caller, scope)) throw RpcError{kInvalidParams, scope_refusal(what, scope)};
}

std::optional<std::string> required_scope(const Message& message) {
  if (message.kind != Message::Kind::request) return std::nullopt;
  if (message.method == "tools/call") {
    const auto name = message.params.is_object() ? message.params.find("name") : message.params.end();
    if (name == message.params.end() || !name->is_string()) return std::nullopt;  // refused as invalid params
    return "tools:" + name->get<std::string>();
  }
  static const std::set<std::string> kReads = {"resources/list",   "resources/templates/list", "resources/read",
                                               "resources/subscribe", "resources/unsubscribe", "prompts/list",
                                               "prompts/get",      "completion/complete"};
  if (kReads.contains(message.method)) return std::string("mcp:read");
  return std::nullopt;
}

RpcError rpc_error_for(const CallOutcome& outcome) {
  switch (outcome.status) {
    case NEXUS_NOT_FOUND:
      return {kResourceNotFound, outcome.message};
    case NEXUS_INVALID_ARGUMENT:
    case NEXUS_OUT_OF_RANGE:
    case NEXUS_PERMISSION_DENIED:  // e.g. a storage scope the caller lacks (sdk/scopes.hpp)
      return {kInvalidParams, outcome.message};
    case NEXUS_UNIMPLEMENTED:
      return {kMethodNotFound, outcome.message};
    default:
      return {kInternalError, outcome.message};
  }
}

CallOptions HandlerContext::call_options() const {
  CallOptions o;
  o.request_id = exchange.caller.request_id;
  o.principal_json = exchange.caller.principal_json;
  o.cancelled = exchange.cancelled;
  o.deadline_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count() +
                       config.request_timeout_ms;
  return o;
}

const json& HandlerContext::params() const {
  static const json empty = json::object();
  return message.params.is_object() ? message.params : empty;
}

std::string HandlerContext::required_string(const char* key) const {
  const json& p = params();
  if (!p.contains(key) || !p[key].is_string()) {
    throw RpcError{kInvalidParams, std::string("params.") + key + " is required and must be a string"};
  }
  return p[key].get<std::string>();
}

bool Dispatcher::calls_inline_tool(const Message& message, Exchange& exchange) const {
  if (message.kind != Message::Kind::request || message.method != "tools/call") return false;
  const auto config = runtime_.config();  // held: ctx refers into it
  const HandlerContext ctx{runtime_, config->mcp, message, exchange, tool_catalogs_};
  const json& p = ctx.params();
  const auto name = p.find("name");
  if (name == p.end() || !name->is_string()) return false;  // the call's own error, from a worker
  // Held while the tool is looked at: a reload may replace the cached
  // catalog (and free this one) at any moment.
  const auto catalog = tool_catalogs_.get(ctx);
  const Tool* tool = catalog->find(name->get_ref<const std::string&>());
  return tool && tool->runs_inline;
}

bool Dispatcher::may_stream(const Message& message, Exchange& exchange) const {
  return message.kind == Message::Kind::request && message.method == "tools/call" &&
         !calls_inline_tool(message, exchange);
}

std::optional<json> Dispatcher::handle(const Message& message, Exchange& exchange) const {
  const auto config = runtime_.config();  // held: ctx refers into it
  const HandlerContext ctx{runtime_, config->mcp, message, exchange, tool_catalogs_};
  if (message.kind == Message::Kind::notification) {
    try {
      if (message.method == "notifications/cancelled" && ctx.params().contains("requestId"))
        exchange.session.cancel(ctx.params()["requestId"]);
      // notifications/initialized and unknown notifications need no answer.
    } catch (const std::exception& e) {
      spdlog::warn("mcp: request {}: notification {} failed: {}", exchange.caller.request_id, message.method, e.what());
    }
    return std::nullopt;
  }
  if (message.kind == Message::Kind::response) return std::nullopt;  // routed by the transport

  using Handler = json (*)(const HandlerContext&);
  static const std::vector<std::pair<std::string, Handler>> kHandlers = {
      {"initialize", &handle_initialize},
      {"ping", [](const HandlerContext&) { return json::object(); }},
      {"logging/setLevel", &handle_set_level},
      {"tools/list", &handle_tools_list},
      {"tools/call", &handle_tools_call},
      {"resources/list", &handle_resources_list},
      {"resources/templates/list", &handle_resource_templates_list},
      {"resources/read", &handle_resources_read},
      {"resources/subscribe", [](const HandlerContext& c) { return handle_resources_subscribe(c, true); }},
      {"resources/unsubscribe", [](const HandlerContext& c) { return handle_resources_subscribe(c, false); }},
      {"prompts/list", &handle_prompts_list},
      {"prompts/get", &handle_prompts_get},
      {"completion/complete", &handle_completion},
  };
  try {
    for (const auto& [name, handler] : kHandlers) {
      if (name == message.method) return make_result(message.id, handler(ctx));
    }
    return make_error(message.id, kMethodNotFound, "Method not found: '" + message.method + "' is not an MCP method this server offers");
  } catch (const RpcError& e) {
    return make_error(message.id, e.code, e.message);
  } catch (const std::exception& e) {
    spdlog::error("mcp: request {}: {} failed: {}", exchange.caller.request_id, message.method, e.what());
    return make_error(message.id, kInternalError, "internal error; see the server log for request " + exchange.caller.request_id);
  }
}

}  // namespace nexus::host::mcp
