// checks_common.cpp — what every plugin must get right, whatever its kinds:
// the descriptor, the config schema, the instance lifecycle, and the
// cross-cutting rules (a message with every error, no late writes).
#include <nexus/host/config.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <regex>
#include <set>
#include <thread>

#include "check_util.hpp"
#include "checks.hpp"
#include "dependencies.hpp"
#include "runtime/schema_walk.hpp"

namespace nexus::check {

namespace {

using nlohmann::json;

// Interface tables and descriptors are small; a size beyond this is garbage.
constexpr std::uint32_t kMaxPlausibleStructSize = 4096;
// More interfaces than this means the list is not NULL-terminated.
constexpr std::size_t kMaxInterfaces = 64;

bool text_present(const char* s) {
  if (!s) return false;
  for (const char* p = s; *p; ++p)
    if (*p != ' ' && *p != '\t' && *p != '\n') return true;
  return false;
}

std::string problems_text(const std::vector<host::SchemaProblem>& problems) {
  std::vector<std::string> parts;
  for (const auto& p : problems) parts.push_back((p.path.empty() ? "/" : p.path) + ": " + p.message);
  return first_few(parts);
}

// Size a 1.0 table of a known interface must have, and whether its function
// pointers are all set; 0 for an interface the kit does not know.
std::size_t known_table_size(std::string_view id) {
  // ABI 1.0's size: on_open (1.1) is optional, so a table built before it is complete.
  if (id == NEXUS_STORAGE_V1) return offsetof(nexus_storage_v1, on_open);
  if (id == NEXUS_AUTH_V1) return sizeof(nexus_auth_v1);
  if (id == NEXUS_TRANSCRIPTION_V1) return sizeof(nexus_transcription_v1);
  if (id == NEXUS_TOOLS_V1) return sizeof(nexus_tools_v1);
  if (id == NEXUS_RESOURCES_V1) return sizeof(nexus_resources_v1);
  if (id == NEXUS_PROMPTS_V1) return sizeof(nexus_prompts_v1);
  return 0;
}

// Names of the function pointers of a known table that are NULL.
std::vector<std::string> null_entries(std::string_view id, const void* table) {
  std::vector<std::string> out;
  auto need = [&](const void* fn, const char* name) {
    if (!fn) out.emplace_back(name);
  };
  if (id == NEXUS_STORAGE_V1) {
    const auto* t = static_cast<const nexus_storage_v1*>(table);
    need(reinterpret_cast<const void*>(t->on_put), "on_put");
    need(reinterpret_cast<const void*>(t->on_get), "on_get");
    need(reinterpret_cast<const void*>(t->on_head), "on_head");
    need(reinterpret_cast<const void*>(t->on_delete), "on_delete");
    need(reinterpret_cast<const void*>(t->on_list), "on_list");
  } else if (id == NEXUS_AUTH_V1) {
    need(reinterpret_cast<const void*>(static_cast<const nexus_auth_v1*>(table)->on_authenticate), "on_authenticate");
  } else if (id == NEXUS_TRANSCRIPTION_V1) {
    need(reinterpret_cast<const void*>(static_cast<const nexus_transcription_v1*>(table)->on_transcribe),
         "on_transcribe");
  } else if (id == NEXUS_TOOLS_V1) {
    const auto* t = static_cast<const nexus_tools_v1*>(table);
    need(reinterpret_cast<const void*>(t->on_list_tools), "on_list_tools");
    need(reinterpret_cast<const void*>(t->on_call_tool), "on_call_tool");
  } else if (id == NEXUS_RESOURCES_V1) {  // on_complete may be NULL
    const auto* t = static_cast<const nexus_resources_v1*>(table);
    need(reinterpret_cast<const void*>(t->on_list_resources), "on_list_resources");
    need(reinterpret_cast<const void*>(t->on_read_resource), "on_read_resource");
  } else if (id == NEXUS_PROMPTS_V1) {  // on_complete may be NULL
    const auto* t = static_cast<const nexus_prompts_v1*>(table);
    need(reinterpret_cast<const void*>(t->on_list_prompts), "on_list_prompts");
    need(reinterpret_cast<const void*>(t->on_get_prompt), "on_get_prompt");
  }
  return out;
}

void check_abi_version(const nexus_plugin_descriptor& d, CheckScope& s) {
  s.note("plugin ABI " + std::to_string(d.abi_major) + "." + std::to_string(d.abi_minor) + ", host ABI " +
         std::to_string(NEXUS_ABI_MAJOR) + "." + std::to_string(NEXUS_ABI_MINOR));
  s.expect(d.abi_major == NEXUS_ABI_MAJOR, "built for ABI major " + std::to_string(d.abi_major) + ", the host speaks " +
                                               std::to_string(NEXUS_ABI_MAJOR) + "; the majors must be equal");
  s.expect(d.abi_minor <= NEXUS_ABI_MINOR, "built for ABI minor " + std::to_string(d.abi_minor) +
                                               ", newer than the host's " + std::to_string(NEXUS_ABI_MINOR));
  s.expect(d.struct_size >= sizeof(nexus_plugin_descriptor) && d.struct_size <= kMaxPlausibleStructSize,
           "descriptor struct_size is " + std::to_string(d.struct_size) + ", expected at least " +
               std::to_string(sizeof(nexus_plugin_descriptor)) +
               " (ABI 1.0) — set it to sizeof(nexus_plugin_descriptor)");
  s.expect(d.concurrency == NEXUS_CONCURRENCY_SERIAL || d.concurrency == NEXUS_CONCURRENCY_PARALLEL,
           "concurrency is " + std::to_string(static_cast<long>(d.concurrency)) +
               ", not NEXUS_CONCURRENCY_SERIAL (0) or NEXUS_CONCURRENCY_PARALLEL (1)");
}

void check_id(const nexus_plugin_descriptor& d, const std::filesystem::path& file, CheckScope& s) {
  s.require(d.id != nullptr, "the descriptor's id is NULL");
  static const std::regex kId("^[a-z0-9][a-z0-9_-]{0,62}$");
  s.require(std::regex_match(d.id, kId), "id " + excerpt(d.id) + " does not match [a-z0-9][a-z0-9_-]{0,62}");
  const std::string expected = std::string("libnexus_") + d.id + ".so";
  if (file.filename() != expected)
    s.warn("the file is named " + file.filename().string() + ", but a plugin with id '" + d.id + "' is looked up as " +
           expected + " — rename the file or it will only load by explicit path");
}

void check_version(const nexus_plugin_descriptor& d, CheckScope& s) {
  s.require(d.version != nullptr, "the descriptor's version is NULL");
  // Semantic Versioning 2.0.0, the regex from semver.org.
  static const std::regex kSemver(
      R"(^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$)");
  s.expect(std::regex_match(d.version, kSemver),
           "version " + excerpt(d.version) + " is not a semantic version like \"1.4.2\" or \"2.0.0-rc.1\"");
}

void check_interfaces(const nexus_plugin_descriptor& d, CheckScope& s) {
  s.require(d.interfaces != nullptr, "the interface list is NULL");
  static const std::regex kInterfaceId("^[a-z0-9][a-z0-9._-]*/[1-9][0-9]*$");
  std::set<std::string> seen;
  std::size_t n = 0;
  for (; n < kMaxInterfaces && d.interfaces[n]; ++n) {
    const std::string id = d.interfaces[n];
    s.expect(std::regex_match(id, kInterfaceId),
             "interface id " + excerpt(id) + " is not of the form name/N, e.g. \"nexus.storage/1\"");
    s.expect(seen.insert(id).second, "interface " + excerpt(id) + " is listed twice");
  }
  s.require(n < kMaxInterfaces,
            "the interface list has no NULL within " + std::to_string(kMaxInterfaces) + " entries — end it with NULL");
  s.require(n > 0, "the interface list is empty; a plugin must provide at least one interface");
}

void check_interface_tables(const LoadedPlugin& plugin, CheckScope& s) {
  for (const std::string& id : [&] {
         std::vector<std::string> ids;
         for (auto p = plugin.descriptor().interfaces; p && *p && ids.size() < kMaxInterfaces; ++p)
           ids.emplace_back(*p);
         return ids;
       }()) {
    const void* table = plugin.interface_table(id.c_str());
    if (!s.expect(table != nullptr, "on_get_interface(\"" + id + "\") returned NULL, but the descriptor lists it"))
      continue;
    const std::uint32_t size = *static_cast<const std::uint32_t*>(table);
    const std::size_t need = known_table_size(id);
    const std::size_t at_least = need ? need : sizeof(std::uint32_t) + sizeof(void*);
    if (!s.expect(size >= at_least && size <= kMaxPlausibleStructSize,
                  "the table of " + id + " says struct_size " + std::to_string(size) + ", expected " +
                      (need ? "at least sizeof(" + id + " table) = " + std::to_string(need) : "a plausible size") +
                      " — set it to sizeof the table struct"))
      continue;
    if (need) {
      const auto missing = null_entries(id, table);
      s.expect(missing.empty(), "the table of " + id + " has NULL entries: " + first_few(missing, 8));
    }
    s.expect(plugin.interface_table(id.c_str()) == table,
             "on_get_interface(\"" + id + "\") returned a different table the second time; it must be static");
  }
  s.expect(
      plugin.interface_table("nexus.check-unknown/1") == nullptr,
      "on_get_interface(\"nexus.check-unknown/1\") returned a table for an interface that does not exist; return NULL");
}

json parsed_schema(const nexus_plugin_descriptor& d, CheckScope& s) {
  s.require(d.config_schema != nullptr,
            "config_schema is NULL; give at least {\"type\":\"object\",\"additionalProperties\":false}");
  const json schema = json::parse(d.config_schema, nullptr, false);
  s.require(!schema.is_discarded(), "config_schema is not valid JSON: " + excerpt(d.config_schema));
  s.require(schema.is_object() || schema.is_boolean(), "config_schema is JSON but not a schema (an object)");
  return schema;
}

// Validates `config` against the plugin's schema; fails the check if the
// schema itself is broken.
std::vector<host::SchemaProblem> validate(const nexus_plugin_descriptor& d, const json& config, CheckScope& s) {
  parsed_schema(d, s);
  try {
    return host::validate_against_schema(d.config_schema, config);
  } catch (const std::exception& e) {
    s.fail_now(std::string("config_schema is not valid JSON Schema: ") + e.what());
  }
}

void check_config_schema(const nexus_plugin_descriptor& d, CheckScope& s) {
  validate(d, json::object(), s);  // compiles the schema; the verdict on {} does not matter
}

void check_config_accepted(const nexus_plugin_descriptor& d, const json& config, const std::string& flag,
                           CheckScope& s) {
  const auto problems = validate(d, config, s);
  s.expect(problems.empty(), "the schema rejects the " + flag + " " + excerpt(config.dump(), 200) + ": " +
                                 problems_text(problems) +
                                 " — fix the config you passed, or the schema if the config is right");
}

void check_unknown_key_rejected(const nexus_plugin_descriptor& d, const json& config, CheckScope& s) {
  if (!config.is_object()) s.skip("the instance config is not a JSON object");
  json with_unknown = config;
  with_unknown["__nexus_check_unknown"] = 1;
  const auto problems = validate(d, with_unknown, s);
  if (problems.empty())
    s.warn(
        "the schema accepts the unknown key \"__nexus_check_unknown\"; a typo in a config would go unnoticed — add "
        "\"additionalProperties\": false");
}

// What the host checks before it creates anything: every instance a config
// names in an "x-nexus-instance" property exists and provides that interface.
void check_dependencies_declared(const CheckEnv& env, CheckScope& s) {
  const json schema = parsed_schema(env.plugin.descriptor(), s);
  std::set<std::string> referenced;
  const auto check_config = [&](const json& config, const std::string& flag) {
    for (const auto& ref : host::find_instance_references(schema, config)) {
      referenced.insert(ref.target);
      const std::string at = flag + " at " + ref.path + " names instance '" + ref.target +
                             "' (\"x-nexus-instance\": \"" + ref.interface_id + "\")";
      const Dependencies::Entry* dep = env.dependencies ? env.dependencies->find(ref.target) : nullptr;
      const bool given = std::any_of(env.options.dependencies.begin(), env.options.dependencies.end(),
                                     [&](const DependencySpec& d) { return d.name == ref.target; });
      if (!dep && given) {
        s.fail(at + ", but --dependency " + ref.target + " could not be created (see common.dependencies_created)");
        continue;
      }
      if (!dep) {
        s.fail(at + ", but no --dependency " + ref.target +
               "=PLUGIN.so:CONFIG_JSON gives it — nexusd would refuse this config: no instance named '" + ref.target +
               "'");
        continue;
      }
      if (!dep->plugin->provides(ref.interface_id))
        s.fail(at + ", but --dependency " + ref.target + " (plugin '" + dep->plugin->descriptor().id +
               "') does not provide " + ref.interface_id);
    }
  };
  check_config(env.options.instance_config, "--instance-config");
  if (env.options.second_config) check_config(*env.options.second_config, "--second-config");
  for (const auto& d : env.options.dependencies)
    if (!referenced.count(d.name))
      s.warn("--dependency " + d.name + " is not named by the instance config; the plugin cannot reach it");
}

void check_create_destroy_twice(CheckEnv& env, CheckScope& s) {
  for (int round = 1; round <= 2; ++round) {
    Created c = env.plugin.create("check-lifecycle", env.options.instance_config);
    s.require(c.instance != nullptr, std::string(round == 1 ? "the first" : "the second (after a destroy)") +
                                         " on_instance_create returned " + nexus_status_name(c.status) +
                                         message_part(c.error));
    c.instance.reset();  // on_instance_destroy
  }
}

void check_health(const LoadedPlugin& plugin, Instance& instance, CheckScope& s) {
  const auto health = plugin.descriptor().on_instance_health;
  if (!health) {
    s.note("no on_instance_health: the host treats the instance as healthy");
    return;
  }
  Sink detail(const_cast<LoadedPlugin&>(plugin).recorder(), "the detail writer of on_instance_health");
  const nexus_status st = health(instance.handle(), detail.writer());
  const std::string text = detail.take();
  if (st != NEXUS_OK) {
    s.fail("on_instance_health reported " + std::string(nexus_status_name(st)) + " right after create" +
           (text.empty() ? " without a reason in its detail writer" : ": " + excerpt(text, 200)));
  }
}

}  // namespace

void run_descriptor_checks(CheckEnv& env) {
  Report& r = env.report;
  const nexus_plugin_descriptor& d = env.plugin.descriptor();
  r.run("common.abi_version", [&](CheckScope& s) { check_abi_version(d, s); });
  r.run("common.id", [&](CheckScope& s) { check_id(d, env.plugin.file(), s); });
  r.run("common.version_semver", [&](CheckScope& s) { check_version(d, s); });
  r.run("common.description", [&](CheckScope& s) {
    s.expect(text_present(d.description), "description is empty; say in one line what the plugin does");
    if (d.description && std::string_view(d.description).find('\n') != std::string_view::npos)
      s.warn("description has several lines; it is shown as one line");
  });
  r.run("common.license", [&](CheckScope& s) {
    s.expect(text_present(d.license), "license is empty; give an SPDX expression such as \"Apache-2.0\"");
  });
  const bool interfaces_ok = r.run("common.interfaces", [&](CheckScope& s) { check_interfaces(d, s); });
  if (interfaces_ok) r.run("common.interface_tables", [&](CheckScope& s) { check_interface_tables(env.plugin, s); });
  const bool schema_ok = r.run("common.config_schema", [&](CheckScope& s) { check_config_schema(d, s); });
  if (!schema_ok) return;
  r.run("common.config_accepted",
        [&](CheckScope& s) { check_config_accepted(d, env.options.instance_config, "--instance-config", s); });
  if (env.options.second_config)
    r.run("common.second_config_accepted",
          [&](CheckScope& s) { check_config_accepted(d, *env.options.second_config, "--second-config", s); });
  r.run("common.config_rejects_unknown_key",
        [&](CheckScope& s) { check_unknown_key_rejected(d, env.options.instance_config, s); });
  // Only where there is something to say: a config naming other instances,
  // or --dependency given.
  const json schema = json::parse(d.config_schema ? d.config_schema : "{}", nullptr, false);
  const bool names_instances =
      !host::find_instance_references(schema, env.options.instance_config).empty() ||
      (env.options.second_config && !host::find_instance_references(schema, *env.options.second_config).empty());
  if (names_instances || !env.options.dependencies.empty())
    r.run("common.dependencies_declared", [&](CheckScope& s) { check_dependencies_declared(env, s); });
}

bool run_lifecycle_checks(CheckEnv& env, std::unique_ptr<Instance>& a, std::unique_ptr<Instance>& b) {
  Report& r = env.report;
  r.run("common.create_destroy_twice", [&](CheckScope& s) { check_create_destroy_twice(env, s); });

  const bool created = r.run("common.create", [&](CheckScope& s) {
    Created c = env.plugin.create("check-a", env.options.instance_config);
    s.require(c.instance != nullptr, "on_instance_create with --instance-config returned " +
                                         std::string(nexus_status_name(c.status)) + message_part(c.error) +
                                         "; the kind checks need an instance");
    a = std::move(c.instance);
  });
  if (!created) return false;
  env.primary = a.get();

  r.run("common.two_instances", [&](CheckScope& s) {
    env.separate_configs = env.options.second_config.has_value();
    const json& config = env.separate_configs ? *env.options.second_config : env.options.instance_config;
    Created c = env.plugin.create("check-b", config);
    s.require(c.instance != nullptr, "a second instance (from " +
                                         std::string(env.separate_configs ? "--second-config" : "the same config") +
                                         ") could not be created while the first lives: on_instance_create returned " +
                                         nexus_status_name(c.status) + message_part(c.error) +
                                         " — two instances of one plugin must share nothing by accident");
    b = std::move(c.instance);
    env.secondary = b.get();
  });
  r.run("common.health", [&](CheckScope& s) { check_health(env.plugin, *a, s); });
  return true;
}

void run_final_checks(CheckEnv& env) {
  Report& r = env.report;
  r.run("common.module_init_twice", [&](CheckScope& s) {
    try {
      auto again = env.plugin.load_again();  // on_module_init a second time
      again.reset();                         // and its on_module_deinit
    } catch (const std::exception& e) {
      s.fail_now(std::string("loading the library a second time failed: ") + e.what());
    }
    Created c = env.plugin.create("check-after-reload", env.options.instance_config);
    s.expect(c.instance != nullptr,
             "after a second on_module_init and one on_module_deinit, on_instance_create returned " +
                 std::string(nexus_status_name(c.status)) + message_part(c.error) +
                 " — module init must be idempotent and deinit must not break the first load");
  });

  r.run("common.error_messages", [&](CheckScope& s) {
    const auto silent = env.plugin.recorder().silent_errors();
    s.note(std::to_string(env.plugin.recorder().errors_seen()) + " non-OK statuses seen in all");
    s.expect(silent.empty(),
             std::to_string(silent.size()) + " non-OK status(es) came without a message: " + first_few(silent) +
                 " — call callback_set_error (or write the error writer) saying what was wrong and how to fix it");
  });

  r.run("common.no_late_writes", [&](CheckScope& s) {
    // A plugin thread that writes late usually does so soon after the call.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto late = env.plugin.recorder().late_uses();
    s.expect(late.empty(),
             first_few(late) + " — writers and contexts are borrowed for the call only; the host may have freed them");
  });
}

}  // namespace nexus::check
