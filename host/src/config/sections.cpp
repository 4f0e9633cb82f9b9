// config/sections.cpp — http, logging, plugin_dirs, plugins, instances,
// routes, mcp, state_dir: each checked for unknown keys, types and values.
#include "config/sections.hpp"

#include <unistd.h>

#include <algorithm>
#include <regex>

#include "config/json_path.hpp"
#include "config/listen.hpp"

namespace nexus::host::config_detail {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// "$schema" is accepted (and ignored) so editors can point at a schema file.
const std::vector<std::string> kTopLevelKeys = {"$schema",   "http",   "logging",  "plugin_dirs",
                                                "plugins",   "instances", "routes", "state_dir", "mcp",
                                                "transcription"};
const std::vector<std::string> kRouteGroups = {"health", "storage", "admin",  "transcription",
                                               "tokens", "mcp",     "metrics"};
const std::vector<std::string> kLogLevels = {"trace", "debug", "info", "warn", "error"};
const std::vector<std::string> kLogFormats = {"text", "json"};

// Names end up in URLs (/v1/storage/{instance}), file names
// (libnexus_<id>.so) and metrics labels, so they are kept plain.
const std::regex kInstanceName("[a-z][a-z0-9_-]{0,62}");
const std::regex kPluginId("[a-z0-9][a-z0-9_-]{0,62}");
const std::regex kSha256("[0-9a-f]{64}");

fs::path resolve(const fs::path& base_dir, const std::string& p) {
  return (base_dir / p).lexically_normal();  // an absolute p replaces base_dir
}

HttpConfig read_http(const json& v, const Reader& r) {
  const std::string path = "/http";
  r.expect_keys(v, path,
                {"listen", "max_body_bytes", "threads", "shutdown_grace_seconds", "min_workers", "max_workers",
                 "queue_limit", "retry_after_seconds", "request_timeout_ms", "header_timeout_ms", "idle_timeout_ms"});
  HttpConfig http;
  if (v.contains("listen")) {
    const std::string p = child_path(path, "listen");
    http.listen = r.string(v["listen"], p);
    std::string why;
    if (!parse_listen_address(http.listen, why)) r.fail(p, why);
  }
  if (v.contains("max_body_bytes")) {
    http.max_body_bytes = r.integer(v["max_body_bytes"], child_path(path, "max_body_bytes"), 1, SIZE_MAX);
  }
  if (v.contains("threads")) http.threads = r.integer(v["threads"], child_path(path, "threads"), 1, 1024);
  if (v.contains("shutdown_grace_seconds")) {
    http.shutdown_grace_seconds =
        r.integer(v["shutdown_grace_seconds"], child_path(path, "shutdown_grace_seconds"), 0, 3600);
  }
  if (v.contains("min_workers")) http.min_workers = r.integer(v["min_workers"], child_path(path, "min_workers"), 1, 4096);
  if (v.contains("max_workers")) http.max_workers = r.integer(v["max_workers"], child_path(path, "max_workers"), 1, 4096);
  if (http.min_workers > http.max_workers)
    r.fail(child_path(path, "min_workers"), "min_workers (" + std::to_string(http.min_workers) +
                                                ") is larger than max_workers (" + std::to_string(http.max_workers) +
                                                "); raise max_workers or lower min_workers");
  if (v.contains("queue_limit")) http.queue_limit = r.integer(v["queue_limit"], child_path(path, "queue_limit"), 0, 1000000);
  if (v.contains("retry_after_seconds"))
    http.retry_after_seconds = r.integer(v["retry_after_seconds"], child_path(path, "retry_after_seconds"), 1, 3600);
  if (v.contains("request_timeout_ms"))
    http.request_timeout_ms = r.integer(v["request_timeout_ms"], child_path(path, "request_timeout_ms"), 1, 86400000);
  if (v.contains("header_timeout_ms"))
    http.header_timeout_ms = r.integer(v["header_timeout_ms"], child_path(path, "header_timeout_ms"), 100, 3600000);
  if (v.contains("idle_timeout_ms"))
    http.idle_timeout_ms = r.integer(v["idle_timeout_ms"], child_path(path, "idle_timeout_ms"), 100, 86400000);
  return http;
}

LoggingConfig read_logging(const json& v, const Reader& r) {
  r.expect_keys(v, "/logging", {"level", "format"});
  LoggingConfig logging;
  if (v.contains("level")) logging.level = r.one_of(v["level"], "/logging/level", kLogLevels);
  if (v.contains("format")) logging.format = r.one_of(v["format"], "/logging/format", kLogFormats);
  return logging;
}

std::vector<fs::path> read_plugin_dirs(const json& v, const Reader& r, const fs::path& base_dir) {
  if (!v.is_array()) r.fail("/plugin_dirs", "expected an array of folder paths, got " + json_type_word(v));
  std::vector<fs::path> dirs;
  for (std::size_t i = 0; i < v.size(); ++i) {
    dirs.push_back(resolve(base_dir, r.non_empty_string(v[i], child_path("/plugin_dirs", i))));
  }
  return dirs;
}

std::map<std::string, PluginPin> read_plugins(const json& v, const Reader& r, const fs::path& base_dir) {
  r.expect_object(v, "/plugins");
  std::map<std::string, PluginPin> pins;
  for (const auto& [id, entry] : v.items()) {
    const std::string path = child_path("/plugins", id);
    if (!std::regex_match(id, kPluginId)) {
      r.fail(path, "plugin id '" + id + "' must match [a-z0-9][a-z0-9_-]{0,62}");
    }
    r.expect_keys(entry, path, {"sha256", "path"});
    PluginPin pin{.id = id, .sha256 = {}, .path = {}};
    if (entry.contains("sha256")) {
      const std::string p = child_path(path, "sha256");
      const std::string sum = r.string(entry["sha256"], p);
      if (!std::regex_match(sum, kSha256)) {
        r.fail(p, "expected 64 lower-case hex digits (the output of sha256sum), got " + std::to_string(sum.size()) +
                      " characters");
      }
      pin.sha256 = sum;
    }
    if (entry.contains("path")) {
      pin.path = resolve(base_dir, r.non_empty_string(entry["path"], child_path(path, "path")));
    }
    pins.emplace(id, std::move(pin));
  }
  return pins;
}

std::vector<InstanceConfig> read_instances(const json& v, const Reader& r) {
  r.expect_object(v, "/instances");
  std::vector<InstanceConfig> instances;
  for (const auto& [name, entry] : v.items()) {
    const std::string path = child_path("/instances", name);
    if (!std::regex_match(name, kInstanceName)) {
      r.fail(path, "instance name '" + name + "' must match [a-z][a-z0-9_-]{0,62}");
    }
    r.expect_keys(entry, path, {"plugin", "config"});
    const std::string plugin_path = child_path(path, "plugin");
    if (!entry.contains("plugin"))
      r.fail(plugin_path, "required key missing: name the plugin, e.g. \"plugin\": \"fs\"");
    InstanceConfig instance;
    instance.name = name;
    instance.plugin = r.string(entry["plugin"], plugin_path);
    if (!std::regex_match(instance.plugin, kPluginId)) {
      r.fail(plugin_path, "plugin id '" + instance.plugin + "' must match [a-z0-9][a-z0-9_-]{0,62}");
    }
    instance.config = json::object();
    if (entry.contains("config")) {
      r.expect_object(entry["config"], child_path(path, "config"));
      instance.config = entry["config"];
    }
    instance.json_path = path;
    instances.push_back(std::move(instance));
  }
  // nlohmann's object is already a sorted map; sort anyway so the promise in
  // config.hpp does not rest on a container detail.
  std::sort(instances.begin(), instances.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return instances;
}

std::map<std::string, RouteGroupConfig> read_routes(const json& v, const Reader& r,
                                                    const std::vector<InstanceConfig>& instances) {
  r.expect_object(v, "/routes");
  std::map<std::string, RouteGroupConfig> routes;
  for (const auto& [group, entry] : v.items()) {
    const std::string path = child_path("/routes", group);
    if (std::find(kRouteGroups.begin(), kRouteGroups.end(), group) == kRouteGroups.end()) {
      std::string known;
      for (const auto& g : kRouteGroups) known += (known.empty() ? "" : ", ") + g;
      r.fail(path, "unknown route group '" + group + "' (known: " + known + ")");
    }
    r.expect_keys(entry, path, {"auth", "public"});
    RouteGroupConfig rg;
    if (entry.contains("public")) rg.is_public = r.boolean(entry["public"], child_path(path, "public"));
    if (entry.contains("auth")) {
      const std::string auth_path = child_path(path, "auth");
      const json& auth = entry["auth"];
      if (!auth.is_array()) r.fail(auth_path, "expected an array of auth instance names, got " + json_type_word(auth));
      for (std::size_t i = 0; i < auth.size(); ++i) {
        const std::string p = child_path(auth_path, i);
        const std::string name = r.string(auth[i], p);
        const bool exists =
            std::any_of(instances.begin(), instances.end(), [&](const InstanceConfig& in) { return in.name == name; });
        if (!exists) r.fail(p, "no instance named '" + name + "'; declare it under /instances");
        if (std::find(rg.auth.begin(), rg.auth.end(), name) != rg.auth.end()) {
          r.fail(p, "auth instance '" + name + "' is listed twice");
        }
        rg.auth.push_back(name);
      }
    }
    if (rg.is_public && !rg.auth.empty()) {
      r.fail(path, "\"public\": true and a non-empty \"auth\" contradict each other; remove one");
    }
    if (!rg.is_public && rg.auth.empty()) {
      // Served, this group would refuse every request; say so now rather
      // than pass --check and answer 404 later.
      r.fail(path, "route group '" + group + "' has no auth instances and is not public, so it would refuse every "
                   "request; list auth instances in \"auth\", set \"public\": true, or remove the entry to leave "
                   "the group off");
    }
    routes.emplace(group, std::move(rg));
  }
  return routes;
}

std::vector<std::string> read_string_list(const json& v, const Reader& r, const std::string& path) {
  if (!v.is_array()) r.fail(path, "expected an array of strings, got " + json_type_word(v));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(r.non_empty_string(v[i], child_path(path, i)));
  return out;
}

McpConfig read_mcp(const json& v, const Reader& r) {
  const std::string path = "/mcp";
  r.expect_keys(v, path,
                {"session_key", "allowed_origins", "allowed_hosts", "request_timeout_ms", "page_size", "server_name",
                 "resource_metadata"});
  McpConfig mcp;
  if (v.contains("session_key")) {
    const std::string p = child_path(path, "session_key");
    std::string key = r.string(v["session_key"], p);
    // Never echo the value: it is a secret.
    if (key.size() < 16) r.fail(p, "the session key is too short; use at least 16 characters (e.g. openssl rand -hex 32)");
    mcp.session_key = std::move(key);
  }
  if (v.contains("allowed_origins"))
    mcp.allowed_origins = read_string_list(v["allowed_origins"], r, child_path(path, "allowed_origins"));
  if (v.contains("allowed_hosts"))
    mcp.allowed_hosts = read_string_list(v["allowed_hosts"], r, child_path(path, "allowed_hosts"));
  if (v.contains("request_timeout_ms"))
    mcp.request_timeout_ms = r.integer(v["request_timeout_ms"], child_path(path, "request_timeout_ms"), 1, 3600000);
  if (v.contains("page_size")) mcp.page_size = r.integer(v["page_size"], child_path(path, "page_size"), 1, 10000);
  if (v.contains("server_name")) mcp.server_name = r.non_empty_string(v["server_name"], child_path(path, "server_name"));
  if (v.contains("resource_metadata")) {
    const std::string p = child_path(path, "resource_metadata");
    const json& m = v["resource_metadata"];
    if (!m.is_object()) r.fail(p, "expected an object like {\"resource\": \"https://mcp.example.com/mcp\", "
                                  "\"authorization_servers\": [\"https://issuer.example.com\"]}");
    const std::string resource = m.contains("resource") ? r.non_empty_string(m["resource"], child_path(p, "resource"))
                                                        : (r.fail(child_path(p, "resource"), "is required"), std::string());
    if (resource.rfind("https://", 0) != 0 && resource.rfind("http://", 0) != 0)
      r.fail(child_path(p, "resource"), "must be an http(s) URL, the address clients use for /mcp");
    if (!m.contains("authorization_servers")) r.fail(child_path(p, "authorization_servers"), "is required");
    read_string_list(m["authorization_servers"], r, child_path(p, "authorization_servers"));
    mcp.resource_metadata = m;
  }
  return mcp;
}

// $XDG_STATE_HOME/nexus, else /tmp/nexus-<uid> (per user, so two users on
// one machine never share a plugin cache). The XDG spec says to ignore a
// relative XDG_STATE_HOME.
fs::path default_state_dir(const EnvLookup& env) {
  if (const auto xdg = env("XDG_STATE_HOME"); xdg && !xdg->empty() && fs::path(*xdg).is_absolute()) {
    return fs::path(*xdg) / "nexus";
  }
  return fs::path("/tmp") / ("nexus-" + std::to_string(::getuid()));
}

}  // namespace

Config read_sections(const json& doc, const Reader& r, const fs::path& base_dir, const EnvLookup& env) {
  r.expect_keys(doc, "", kTopLevelKeys);
  Config cfg;
  if (doc.contains("http")) cfg.http = read_http(doc["http"], r);
  if (doc.contains("logging")) cfg.logging = read_logging(doc["logging"], r);
  if (doc.contains("plugin_dirs")) cfg.plugin_dirs = read_plugin_dirs(doc["plugin_dirs"], r, base_dir);
  if (doc.contains("plugins")) cfg.plugins = read_plugins(doc["plugins"], r, base_dir);
  if (doc.contains("instances")) cfg.instances = read_instances(doc["instances"], r);
  if (doc.contains("routes")) cfg.routes = read_routes(doc["routes"], r, cfg.instances);
  if (doc.contains("mcp")) cfg.mcp = read_mcp(doc["mcp"], r);
  if (doc.contains("transcription")) cfg.transcription = read_transcription(doc["transcription"], r, cfg.instances);
  cfg.state_dir = doc.contains("state_dir") ? resolve(base_dir, r.non_empty_string(doc["state_dir"], "/state_dir"))
                                            : default_state_dir(env);
  return cfg;
}

}  // namespace nexus::host::config_detail
