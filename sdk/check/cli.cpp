#include "cli.hpp"

#include <cctype>
#include <fstream>
#include <sstream>
#include <utility>

#include <nexus/auth.h>
#include <nexus/prompts.h>
#include <nexus/resources.h>
#include <nexus/storage.h>
#include <nexus/tools.h>
#include <nexus/transcription.h>

namespace nexus::check {

namespace {

using Action = ParsedCli::Action;

ParsedCli usage_error(std::string why) {
  ParsedCli p;
  p.action = Action::usage_error;
  p.error = std::move(why);
  return p;
}

// A JSON argument, or "@FILE" to read it from a file (configs get long).
std::optional<nlohmann::json> read_json_argument(const std::string& flag, const std::string& text, std::string& error) {
  std::string body = text;
  if (!text.empty() && text[0] == '@') {
    std::ifstream in(text.substr(1), std::ios::binary);
    if (!in) {
      error = flag + ": cannot read the file '" + text.substr(1) + "'";
      return std::nullopt;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    body = ss.str();
  }
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) {
    error = flag + ": '" + text + "' is not valid JSON (quote it for the shell, e.g. '{\"root\": \"/tmp/x\"}')";
    return std::nullopt;
  }
  return j;
}

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// NAME=PLUGIN.so[:CONFIG_JSON]; the plugin path ends at the first ':'.
std::optional<DependencySpec> parse_dependency(const std::string& value, std::string& error) {
  const std::string usage =
      "--dependency wants NAME=PLUGIN.so:CONFIG_JSON, e.g. 'store=libnexus_memory.so:{}'; got '" + value + "'";
  const auto eq = value.find('=');
  if (eq == std::string::npos || eq == 0) {
    error = usage;
    return std::nullopt;
  }
  DependencySpec spec;
  spec.name = value.substr(0, eq);
  for (const char c : spec.name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) {
      error = "--dependency: the instance name '" + spec.name + "' may only use letters, digits, '_', '-' and '.'";
      return std::nullopt;
    }
  const std::string rest = value.substr(eq + 1);
  const auto colon = rest.find(':');
  spec.plugin = rest.substr(0, colon);
  if (spec.plugin.empty()) {
    error = usage;
    return std::nullopt;
  }
  if (colon != std::string::npos) {
    auto j = read_json_argument("--dependency " + spec.name, rest.substr(colon + 1), error);
    if (!j) return std::nullopt;
    if (!j->is_object()) {
      error = "--dependency " + spec.name + ": the config must be a JSON object";
      return std::nullopt;
    }
    spec.config = std::move(*j);
  }
  return spec;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& known_kinds() {
  static const std::vector<std::pair<std::string, std::string>> kinds{
      {"storage", NEXUS_STORAGE_V1}, {"auth", NEXUS_AUTH_V1},           {"transcription", NEXUS_TRANSCRIPTION_V1},
      {"tools", NEXUS_TOOLS_V1},     {"resources", NEXUS_RESOURCES_V1}, {"prompts", NEXUS_PROMPTS_V1}};
  return kinds;
}

ParsedCli parse_cli(int argc, const char* const* argv) {
  ParsedCli out;
  out.action = Action::run;
  Options& o = out.options;
  bool have_plugin = false, have_config = false;
  std::string error;

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_inline_value = false;
    if (arg.rfind("--", 0) == 0) {
      if (const auto eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_inline_value = true;
      }
    }
    // Takes the flag's value from "--flag=value" or the next argument.
    auto take_value = [&]() -> bool {
      if (has_inline_value) return true;
      if (i + 1 >= argc) return false;
      value = argv[++i];
      return true;
    };

    if (arg == "--help" || arg == "-h") {
      out.action = Action::help;
      return out;
    }
    if (arg == "--verbose" || arg == "-v") {
      o.verbose = true;
      continue;
    }
    if (arg == "--unsorted-listing") {
      o.unsorted_listing = true;
      continue;
    }
    const bool takes_value = arg == "--instance-config" || arg == "--second-config" || arg == "--kind" ||
                             arg == "--auth-allow-header" || arg == "--audio" || arg == "--tool-call" ||
                             arg == "--dependency";
    if (takes_value) {
      if (!take_value()) return usage_error(arg + " needs a value");
      if (arg == "--instance-config" || arg == "--second-config") {
        auto j = read_json_argument(arg, value, error);
        if (!j) return usage_error(error);
        if (arg == "--instance-config") {
          o.instance_config = std::move(*j);
          have_config = true;
        } else {
          o.second_config = std::move(*j);
        }
      } else if (arg == "--kind") {
        bool known = false;
        for (const auto& [kind, id] : known_kinds()) known = known || kind == value;
        if (!known)
          return usage_error("--kind '" + value +
                             "' is not one of storage, auth, transcription, tools, resources, prompts");
        o.kinds.push_back(value);
      } else if (arg == "--auth-allow-header") {
        const auto colon = value.find(':');
        if (colon == std::string::npos || trim(value.substr(0, colon)).empty())
          return usage_error("--auth-allow-header wants 'Name: value', e.g. 'X-API-Key: s3cret'; got '" + value + "'");
        o.auth_allow_header = Header{lower(trim(value.substr(0, colon))), trim(value.substr(colon + 1))};
      } else if (arg == "--dependency") {
        auto spec = parse_dependency(value, error);
        if (!spec) return usage_error(error);
        for (const auto& d : o.dependencies)
          if (d.name == spec->name)
            return usage_error("--dependency: the instance name '" + spec->name + "' is given twice");
        o.dependencies.push_back(std::move(*spec));
      } else if (arg == "--audio") {
        o.audio = value;
      } else {  // --tool-call
        const std::string spec = trim(value);
        const auto space = spec.find_first_of(" \t");
        ToolCall call;
        call.name = spec.substr(0, space);
        if (call.name.empty()) return usage_error("--tool-call wants 'name {json arguments}', got '" + value + "'");
        if (space != std::string::npos) {
          auto j = read_json_argument("--tool-call " + call.name, trim(spec.substr(space)), error);
          if (!j) return usage_error(error);
          if (!j->is_object()) return usage_error("--tool-call " + call.name + ": the arguments must be a JSON object");
          call.arguments = std::move(*j);
        }
        o.tool_calls.push_back(std::move(call));
      }
      continue;
    }
    if (!arg.empty() && arg[0] == '-') return usage_error("unknown option '" + arg + "'");
    if (have_plugin)
      return usage_error("more than one plugin file given ('" + o.plugin.string() + "' and '" + arg +
                         "'); check one at a time");
    o.plugin = arg;
    have_plugin = true;
  }
  if (!have_plugin) return usage_error("no plugin file given");
  if (!have_config) return usage_error("--instance-config is required (use '{}' for a plugin without settings)");
  return out;
}

std::string help_text() {
  return R"(nexus-plugin-check — the Nexus plugin conformance kit

Usage:
  nexus-plugin-check PLUGIN.so --instance-config JSON [options]

Loads PLUGIN.so the way nexusd does (same loader, same ABI and descriptor
checks), creates instances from the config you give, and runs the contract
checks of every kind the plugin provides. Each check prints one line:

  PASS  storage.read_after_write
  FAIL  storage.range_suffix: asked for the last 10 bytes of a 100-byte object, got 100 bytes
  WARN  common.config_rejects_unknown_key: ...   (allowed, but worth fixing; counts as passed)
  SKIP  storage.concurrent_calls: ...            (not applicable; not counted)

and the last line is the summary "N passed, M failed".

Options:
  --instance-config JSON   the instance's "config" block, as in the host config
                           (required; '{}' when the plugin has no settings;
                           @FILE reads the JSON from FILE)
  --second-config JSON     config of a second instance, for the "two instances"
                           checks; give one that uses different resources (another
                           folder, bucket...). Without it the second instance uses
                           the same config, and storage isolation is not checked
                           (two instances on one backend may share objects).
  --kind KIND              check only this kind: storage, auth, transcription,
                           tools, resources, prompts (repeatable; default: every
                           kind the plugin lists)
  --auth-allow-header 'Name: value'
                           a header the auth plugin must ALLOW (e.g. a valid API
                           key); the principal's shape is then checked, and that
                           the value never appears in the principal or the logs
  --audio FILE.wav         a real recording for the transcription checks
  --tool-call 'NAME {JSON}'
                           call tool NAME with these arguments and check the result
                           has the MCP CallToolResult shape (repeatable)
  --dependency NAME=PLUGIN.so:CONFIG_JSON
                           an instance the plugin depends on (repeatable): the kit
                           loads PLUGIN.so, creates instance NAME from CONFIG_JSON
                           (@FILE reads it; ':CONFIG_JSON' may be left out for {})
                           before the plugin's own instances, and answers
                           callback_find_interface as nexusd does: only for an
                           instance the plugin's config names in a property marked
                           "x-nexus-instance" (else failed_precondition), not_found
                           for a name no --dependency gives, unimplemented when
                           NAME lacks the interface asked for. The plugin path ends
                           at the first ':'
  --unsorted-listing       accept a storage listing in any order, for a backend
                           whose local stand-in does not sort (s3rver 3.7 lists
                           in folder-walk order; real S3 sorts). Every key once,
                           all keys, prefix and cursor progress are still checked
  --verbose, -v            print details under each check and the plugin's log lines
  --help, -h               this text

What is checked:
  common        descriptor (ABI version, id, semver version, description,
                license, interface ids, interface tables), config schema (valid
                JSON Schema, accepts your config, rejects an unknown key),
                create/destroy twice, two instances at once, health, module
                init twice, an error message with every non-OK status, and no
                writer or callback used after its call returned
  storage       read after write, overwrite, delete, not_found, byte ranges
                (a-b, a-, -n, clamped, beyond the end), content type and
                metadata, if_absent, if_match, listing 120 keys 7 at a time,
                malformed cursor, unsafe keys (../x, /abs, a\b, a//b, NUL...),
                a 16 MiB and an empty object, isolation of two instances,
                8 threads at once (parallel plugins). Keys are written under a
                fresh "nexus-check-<random>/" prefix and deleted afterwards.
  auth          no credentials -> ABSTAIN; a garbage bearer token -> DENY (with
                a reason) or ABSTAIN; --auth-allow-header -> ALLOW with a
                principal {subject, scopes, claims}; credentials never leak
  transcription random bytes -> invalid_argument; with --audio the transcript's
                shape; an already-cancelled call; a deadline in the past
  tools         list is a JSON array of tools with valid, unique names and
                object input schemas; unknown tool -> not_found; arguments that
                break the input schema are refused; results are CallToolResults
  resources     the listing's shape (unique URIs, names, templates with a
                {variable}); every listed resource (up to 20) reads as a
                ReadResourceResult (text or base64 blob); an unknown URI ->
                not_found; the empty URI refused; completions in MCP's shape;
                a completion context that is not an object -> invalid_argument
  prompts       the list's shape (unique names, well-formed arguments); every
                prompt renders (all arguments given) as a GetPromptResult with
                user/assistant messages; an unknown name -> not_found; a
                missing required argument -> invalid_argument naming it;
                arguments that are not an object -> invalid_argument;
                completions in MCP's shape

Exit status: 0 all checks passed, 1 some check failed (or the plugin did not
load), 2 usage error.

Example:
  nexus-plugin-check build/plugins/libnexus_fs.so \
      --instance-config '{"root": "/tmp/check-a"}' \
      --second-config   '{"root": "/tmp/check-b"}'

  nexus-plugin-check build/plugins/libnexus_kv.so \
      --dependency 'store=build/plugins/libnexus_memory.so:{}' \
      --instance-config '{"storage": "store"}' \
      --tool-call 'kv_put {"key": "a", "value": "1"}'

  nexus-plugin-check build/plugins/libnexus_apikey.so \
      --instance-config '{"keys": [{"id": "ops", "sha256": "<sha256 of KEY>", "scopes": ["*"]}]}' \
      --auth-allow-header 'X-API-Key: KEY'
)";
}

}  // namespace nexus::check
