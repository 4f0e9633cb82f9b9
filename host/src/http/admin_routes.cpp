// http/admin_routes.cpp — see admin_routes.hpp. Instance configs are only
// ever shown redacted (InstanceSummary::config_redacted).
#include "http/admin_routes.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "http/errors.hpp"
#include "nexus/host/runtime.hpp"

namespace nexus::host::http {
namespace {

nlohmann::json plugin_json(const PluginSummary& p) {
  nlohmann::json j;
  j["id"] = p.id;
  j["version"] = p.version;
  j["description"] = p.description;
  j["license"] = p.license;
  j["interfaces"] = p.interfaces;
  j["abi"] = {{"major", p.abi_major}, {"minor", p.abi_minor}};
  j["parallel"] = p.parallel;
  j["file"] = p.file;
  j["sha256"] = p.sha256;
  // The schema is JSON text; embed it as JSON so clients need not parse twice.
  nlohmann::json schema = nlohmann::json::parse(p.config_schema, nullptr, false);
  j["config_schema"] = schema.is_discarded() ? nlohmann::json(p.config_schema) : schema;
  if (!p.error.empty()) j["error"] = p.error;
  return j;
}

nlohmann::json instance_json(const InstanceSummary& i) {
  return {{"name", i.name},
          {"plugin", i.plugin},
          {"interfaces", i.interfaces},
          {"depends_on", i.depends_on},
          {"config", i.config_redacted},
          {"generation", i.generation},
          {"plugin_version", i.plugin_version},
          {"sha256", i.sha256}};
}

nlohmann::json reload_json(const ReloadResult& r) {
  return {{"generation", r.generation}, {"created", r.created}, {"replaced", r.replaced},
          {"kept", r.kept},             {"removed", r.removed}, {"restart_required", r.restart_required}};
}

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Config errors carry the file, the JSON path and the fix; they never hold
// secret values (the config parser and the plugins' messages do not echo
// them), so they are returned as they are.
Reply reload(const RouteContext& ctx) {
  if (auto denied = require_scope(ctx.principal, "admin:reload", ctx.request)) return *denied;
  try {
    const ReloadResult result = ctx.runtime.reload();
    spdlog::info("request {}: reload by '{}': {}", ctx.request.request_id, ctx.principal.subject, result.summary());
    return json_reply(200, dump(reload_json(result)));
  } catch (const ConfigError& e) {
    spdlog::error("request {}: reload by '{}' refused, running config unchanged: {}", ctx.request.request_id,
                  ctx.principal.subject, e.what());
    return error_reply(422, "invalid_config", std::string(e.what()) + " — the running config is unchanged");
  } catch (const std::exception& e) {
    spdlog::error("request {}: reload by '{}' failed, running config unchanged: {}", ctx.request.request_id,
                  ctx.principal.subject, e.what());
    return error_reply(500, nexus_status_name(NEXUS_INTERNAL),
                       std::string("reload failed: ") + e.what() + " — the running config is unchanged");
  }
}

}  // namespace

Reply handle_admin(const RouteContext& ctx, const Route& route) {
  if (route.kind == RouteKind::reload) return reload(ctx);
  if (auto denied = require_scope(ctx.principal, "admin:read", ctx.request)) return *denied;
  nlohmann::json out = nlohmann::json::array();
  if (route.kind == RouteKind::plugins) {
    for (const auto& p : ctx.runtime.plugins()) out.push_back(plugin_json(p));
  } else {
    for (const auto& i : ctx.runtime.instances()) out.push_back(instance_json(i));
  }
  return json_reply(200, dump(out));
}

}  // namespace nexus::host::http
