// nexus/host/config.hpp — the host's config file, parsed and checked.
//
// One JSON file (with // and /* */ comments), ${VAR} and ${VAR:-default}
// interpolated from the environment in string values. Every error names the
// file and the JSON path (e.g. "/instances/recordings/config/root").
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nexus::host {

// A config error: `where` is "FILE" plus a JSON pointer when known.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HttpConfig {
  std::string listen = "127.0.0.1:8000";   // ADDR:PORT; loopback unless configured
  std::size_t max_body_bytes = 64u << 20;  // request bodies above this: 413
  unsigned threads = 4;                    // pistache I/O threads (parse requests, write replies)
  unsigned shutdown_grace_seconds = 30;    // in-flight requests get this long on SIGTERM
  // Requests run on a worker pool of min..max threads (the platform's
  // MIN_WORKERS / MAX_WORKERS) with a bounded queue in front of it.
  unsigned min_workers = 2;
  unsigned max_workers = 16;
  unsigned queue_limit = 64;               // requests waiting for a worker; more: 503 + Retry-After
  unsigned retry_after_seconds = 1;        // the Retry-After of that 503
  // Every request's deadline (the platform's request timeout), passed into
  // every plugin call it makes; past it the client gets 504
  // deadline_exceeded even if the plugin never returns.
  unsigned request_timeout_ms = 60000;
  // A client must send a request's line and headers within this (slow-header
  // clients are answered 408 and closed).
  unsigned header_timeout_ms = 60000;
  // A keep-alive connection with no request for this long is closed. A
  // request still being answered when it runs out keeps its answer: the
  // connection is closed after it instead.
  unsigned idle_timeout_ms = 300000;
};

struct LoggingConfig {
  std::string level = "info";   // trace|debug|info|warn|error
  std::string format = "text";  // text|json
};

// "plugins": {"fs": {"sha256": "...", "path": "..."}} — optional per plugin.
struct PluginPin {
  std::string id;
  std::optional<std::string> sha256;       // lower-case hex; the file must match
  std::optional<std::filesystem::path> path;  // explicit file instead of a search
};

struct InstanceConfig {
  std::string name;         // key under "instances"
  std::string plugin;       // plugin id
  nlohmann::json config;    // the block handed to the plugin (interpolated)
  std::string json_path;    // "/instances/<name>", for messages
};

// "routes": {"storage": {"auth": ["keys"]}, "health": {"public": true}}
struct RouteGroupConfig {
  std::vector<std::string> auth;  // ordered chain of auth instances
  bool is_public = false;         // no auth at all (explicit opt-in)
};

// "mcp": the /mcp endpoint (MCP over Streamable HTTP).
struct McpConfig {
  // Key for signing MCP-Session-Id values (HMAC-SHA256). A secret: never
  // logged. Replicas sharing it accept each other's sessions; when absent a
  // random per-process key is used (and a warning says so).
  std::optional<std::string> session_key;
  // Origin header values allowed besides http(s)://localhost|127.0.0.1|[::1]
  // with any port ("https://app.example.com"). An absent Origin is allowed.
  std::vector<std::string> allowed_origins;
  // Host header names allowed besides localhost, 127.0.0.1 and [::1] (any
  // port): the DNS-rebinding check. "mcp.example.com" or "mcp.example.com:443".
  std::vector<std::string> allowed_hosts;
  unsigned request_timeout_ms = 60000;  // per tools/call (the platform's MCP_REQUEST_TIMEOUT)
  unsigned page_size = 100;             // tools/list, resources/list, prompts/list page size
  std::string server_name = "nexus";    // serverInfo.name in initialize
  // RFC 9728 protected-resource metadata, served at
  // /.well-known/oauth-protected-resource[/path] and named in the
  // WWW-Authenticate of /mcp 401s so clients find the authorization server.
  // An object with "resource" (the MCP URL) and "authorization_servers".
  std::optional<nlohmann::json> resource_metadata;
};

// "transcription": POST /v1/transcriptions and its jobs.
struct TranscriptionConfig {
  // The transcription instance used when a request names none. Absent: the
  // only instance providing nexus.transcription/1 (several: requests must say).
  std::optional<std::string> provider;
  // Storage instance keeping job records, and the audio of async uploads
  // until their job ends, so a restart loses neither. Absent: jobs live in
  // memory only (a warning at start says so).
  std::optional<std::string> jobs_storage;
  std::string jobs_prefix = "transcription-jobs/";  // key prefix inside jobs_storage
  unsigned workers = 2;                 // transcriptions running at once
  unsigned queue_limit = 16;            // jobs waiting beyond those; more: 503 + Retry-After
  unsigned retry_after_seconds = 10;    // the Retry-After of that 503
  unsigned timeout_ms = 600000;         // per job: the provider call's deadline
  std::size_t max_audio_bytes = 256u << 20;  // audio read from storage above this: 413
  unsigned keep_finished = 1000;        // finished jobs kept in memory (the rest: in jobs_storage)
};

struct Config {
  std::filesystem::path source;               // the file it came from ("" if text)
  HttpConfig http;
  LoggingConfig logging;
  std::vector<std::filesystem::path> plugin_dirs;  // resolved against the file's folder
  std::map<std::string, PluginPin> plugins;
  std::vector<InstanceConfig> instances;      // sorted by name
  std::map<std::string, RouteGroupConfig> routes;
  McpConfig mcp;
  TranscriptionConfig transcription;
  std::filesystem::path state_dir;            // plugin cache etc.; default <tmp>/nexus-<uid>
};

// Looks up an environment variable; returns nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

// Parses config text. `source` names it in messages and anchors relative
// paths. Throws ConfigError naming the JSON path and the fix.
Config parse_config(const std::string& text, const std::filesystem::path& source, const EnvLookup& env = process_env());
Config load_config_file(const std::filesystem::path& file, const EnvLookup& env = process_env());

// Strips // and /* */ comments outside strings (line/column preserved), so
// nlohmann::json can parse the rest.
std::string strip_json_comments(const std::string& text);

// Replaces ${VAR} and ${VAR:-default} in every string of `value`;
// throws ConfigError("<path>: ${VAR} is not set ...") for an unset variable
// without a default, and for a malformed reference.
void interpolate_env(nlohmann::json& value, const EnvLookup& env, const std::string& path);

// One schema violation: JSON pointer into the validated document + message.
struct SchemaProblem {
  std::string path;
  std::string message;
};

// Validates `document` against the JSON Schema text `schema`. Throws
// ConfigError if the schema itself is not valid JSON Schema.
std::vector<SchemaProblem> validate_against_schema(const std::string& schema, const nlohmann::json& document);

}  // namespace nexus::host
