// checks_tools.cpp — the contract of "nexus.tools/1" (tools.h): a stable
// list of well-named tools with object input schemas, not_found for an
// unknown tool, arguments that break a schema refused, and results in the
// shape of an MCP CallToolResult.
#include <nexus/host/config.hpp>

#include <optional>
#include <regex>
#include <set>

#include "check_util.hpp"
#include "checks.hpp"
#include "mcp_shapes.hpp"

namespace nexus::check {

namespace {

using nlohmann::json;

class ToolsCaller {
 public:
  ToolsCaller(LoadedPlugin& plugin, Instance& instance, const nexus_tools_v1& table)
      : recorder_(plugin.recorder()), instance_(instance), t_(table) {}

  CallOutcome list() const {
    Call call(recorder_, "on_list_tools");
    Sink& out = call.sink("tools");
    return call.outcome(t_.on_list_tools(instance_.handle(), call.context(), out.writer()), out);
  }

  CallOutcome call(const std::string& name, const json& arguments) const {
    const std::string args = arguments.dump();
    Call call(recorder_, "on_call_tool(" + excerpt(name, 64) + ")");
    Sink& out = call.sink("result");
    return call.outcome(
        t_.on_call_tool(instance_.handle(), call.context(), as_nexus_str(name), as_nexus_str(args), out.writer()), out);
  }

 private:
  Recorder& recorder_;
  Instance& instance_;
  const nexus_tools_v1& t_;
};

// "" when `schema` compiles as JSON Schema, else why not.
std::string schema_problem(const json& schema) {
  try {
    host::validate_against_schema(schema.dump(), json::object());
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

bool valid_against(const json& schema, const json& value) {
  try {
    return host::validate_against_schema(schema.dump(), value).empty();
  } catch (...) {
    return false;
  }
}

// What is wrong with an MCP CallToolResult ("" if nothing).
std::string result_problem(const json& r, const json* output_schema) {
  if (!r.is_object()) return "the result is not a JSON object";
  if (!r.contains("content") || !r["content"].is_array()) return "the result has no \"content\" array";
  std::size_t i = 0;
  for (const auto& item : r["content"])
    if (auto why = content_block_problem(item, "content[" + std::to_string(i++) + "]"); !why.empty()) return why;
  if (r.contains("isError") && !r["isError"].is_boolean()) return "\"isError\" is not a boolean";
  if (r.contains("structuredContent") && !r["structuredContent"].is_object())
    return "\"structuredContent\" is not an object";
  const bool is_error = r.value("isError", false);
  if (output_schema && !is_error) {
    if (!r.contains("structuredContent"))
      return "the tool declares an outputSchema but the result has no \"structuredContent\"";
    if (!valid_against(*output_schema, r["structuredContent"]))
      return "\"structuredContent\" does not match the tool's outputSchema";
  }
  return {};
}

// Arguments that break `schema`, checked with the host's validator; nullopt
// when the kit cannot build any (the schema accepts every object).
std::optional<std::pair<json, std::string>> violating_arguments(const json& schema) {
  std::vector<std::pair<json, std::string>> candidates;
  candidates.push_back({json{{"__nexus_check_bad", json::array()}}, "an unknown property \"__nexus_check_bad\""});
  candidates.push_back({json::object(), "no arguments although some are required"});
  if (schema.contains("properties") && schema["properties"].is_object())
    for (const auto& [name, prop] : schema["properties"].items()) {
      if (!prop.is_object() || !prop.contains("type") || !prop["type"].is_string()) continue;
      const std::string type = prop["type"];
      // A value of another type than the property declares.
      const json wrong = type == "object" || type == "array" ? json(12345) : json::array({"nexus-check"});
      candidates.push_back({json{{name, wrong}}, "property \"" + name + "\" of the wrong type"});
    }
  for (auto& c : candidates)
    if (!valid_against(schema, c.first)) return c;
  return std::nullopt;
}

struct Tool {
  std::string name;
  json input_schema;
  std::optional<json> output_schema;
  std::optional<json> inline_flag;  // "x-nexus-inline", when listed
};

struct ToolsRun {
  CheckEnv& env;
  ToolsCaller a;
  std::optional<ToolsCaller> b;
  std::string list_text;
  std::vector<Tool> tools;  // the well-formed ones
  bool listed = false;
  const Tool* find(const std::string& name) const {
    for (const auto& t : tools)
      if (t.name == name) return &t;
    return nullptr;
  }
};

void check_list(ToolsRun& run, CheckScope& s) {
  const CallOutcome o = run.a.list();
  s.require(o.status == NEXUS_OK, "on_list_tools returned " + o.status_text());
  const json list = parse_plugin_json(o.output, "the tool list", s);
  s.require(list.is_array(), "the tool list is not a JSON array: " + excerpt(o.output));
  run.list_text = o.output;
  run.listed = true;
  for (const auto& t : list) {
    Tool tool;
    if (t.is_object() && t.contains("name") && t["name"].is_string()) tool.name = t["name"];
    if (t.is_object() && t.contains("inputSchema")) tool.input_schema = t["inputSchema"];
    if (t.is_object() && t.contains("outputSchema")) tool.output_schema = t["outputSchema"];
    if (t.is_object() && t.contains("x-nexus-inline")) tool.inline_flag = t["x-nexus-inline"];
    run.tools.push_back(std::move(tool));
  }
  s.note(std::to_string(run.tools.size()) + " tool(s)");
  if (run.tools.empty()) s.warn("the plugin lists no tools");
}

void check_names(ToolsRun& run, CheckScope& s) {
  if (!run.listed) s.skip("no tool list (see tools.list_is_array)");
  static const std::regex kName("^[A-Za-z0-9_.-]{1,64}$");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < run.tools.size(); ++i) {
    const std::string& n = run.tools[i].name;
    if (!s.expect(!n.empty(), "tool " + std::to_string(i) + " has no \"name\" string")) continue;
    s.expect(std::regex_match(n, kName), "tool name " + excerpt(n) + " does not match [A-Za-z0-9_.-]{1,64}");
    s.expect(seen.insert(n).second, "the tool name '" + n + "' is listed twice; names must be unique");
  }
}

void check_input_schemas(ToolsRun& run, CheckScope& s) {
  if (!run.listed) s.skip("no tool list (see tools.list_is_array)");
  for (const auto& t : run.tools) {
    const std::string who = "tool '" + t.name + "'";
    if (!s.expect(t.input_schema.is_object(), who + " has no \"inputSchema\" object")) continue;
    s.expect(t.input_schema.value("type", json()) == "object",
             who + "'s inputSchema has \"type\" " + t.input_schema.value("type", json("missing")).dump() +
                 "; MCP tool arguments are an object, so it must be {\"type\": \"object\", ...}");
    if (const std::string why = schema_problem(t.input_schema); !why.empty())
      s.fail(who + "'s inputSchema is not valid JSON Schema: " + why);
  }
}

void check_output_schemas(ToolsRun& run, CheckScope& s) {
  if (!run.listed) s.skip("no tool list (see tools.list_is_array)");
  for (const auto& t : run.tools) {
    if (!t.output_schema) continue;
    const std::string who = "tool '" + t.name + "'";
    if (!s.expect(t.output_schema->is_object(), who + "'s outputSchema is not an object")) continue;
    if (const std::string why = schema_problem(*t.output_schema); !why.empty())
      s.fail(who + "'s outputSchema is not valid JSON Schema: " + why);
  }
}

// tools.h: "x-nexus-inline" is a boolean. A host runs a tool with anything
// else on a worker, so the author's intent is lost without a word to them.
void check_inline_flags(ToolsRun& run, CheckScope& s) {
  if (!run.listed) s.skip("no tool list (see tools.list_is_array)");
  std::size_t declared = 0;
  for (const auto& t : run.tools) {
    if (!t.inline_flag) continue;
    ++declared;
    s.expect(t.inline_flag->is_boolean(), "tool '" + t.name + "' has \"x-nexus-inline\": " + t.inline_flag->dump().substr(0, 60) +
                                              "; it must be true or false (tools.h)");
  }
  s.note(std::to_string(declared) + " tool(s) declare x-nexus-inline");
}

void check_list_stable(ToolsRun& run, CheckScope& s) {
  if (!run.listed) s.skip("no tool list (see tools.list_is_array)");
  const CallOutcome again = run.a.list();
  s.require(again.status == NEXUS_OK, "a second on_list_tools returned " + again.status_text());
  s.expect(json::parse(again.output, nullptr, false) == json::parse(run.list_text, nullptr, false),
           "the tool list changed between two calls; tools.h says it must not change while the instance lives");
}

void check_unknown_tool(ToolsRun& run, CheckScope& s) {
  const CallOutcome o = run.a.call("nexus_check_no_such_tool", json::object());
  s.expect(o.status == NEXUS_NOT_FOUND,
           "calling the unknown tool 'nexus_check_no_such_tool' returned " + o.status_text() + "; expected not_found");
  if (o.status == NEXUS_NOT_FOUND) s.expect(!o.error.empty(), "not_found for an unknown tool came without a message");
}

void check_invalid_arguments(ToolsRun& run, CheckScope& s) {
  if (!run.listed) s.skip("no tool list (see tools.list_is_array)");
  std::size_t tried = 0;
  for (const auto& t : run.tools) {
    if (t.name.empty() || !t.input_schema.is_object() || !schema_problem(t.input_schema).empty()) continue;
    const auto bad = violating_arguments(t.input_schema);
    if (!bad) {
      s.note("tool '" + t.name + "': its inputSchema accepts every object, nothing to break");
      continue;
    }
    ++tried;
    const std::string asked = "tool '" + t.name + "' called with " + bad->second + " (" + bad->first.dump() + ")";
    const CallOutcome o = run.a.call(t.name, bad->first);
    if (o.status == NEXUS_INVALID_ARGUMENT) {
      s.expect(!o.error.empty(), asked + ": invalid_argument without a message");
      continue;
    }
    if (!s.expect(o.status == NEXUS_OK, asked + " returned " + o.status_text() +
                                            "; expected invalid_argument or a result with isError: true"))
      continue;
    const json r = json::parse(o.output, nullptr, false);
    if (const std::string why = result_problem(r, nullptr); !why.empty()) {
      s.fail(asked + ": the result is not a CallToolResult: " + why + " — " + excerpt(o.output));
      continue;
    }
    if (!r.value("isError", false))
      // tools.h: the host validates arguments before the call, so this is allowed.
      s.warn(asked +
             ": returned a normal result; the host validates arguments first, but checking them too "
             "(invalid_argument or isError: true) protects embedders that call the plugin directly");
  }
  s.note(std::to_string(tried) + " tool(s) called with arguments that break their inputSchema");
}

void check_tool_calls(ToolsRun& run, CheckScope& s) {
  if (run.env.options.tool_calls.empty()) s.skip("no --tool-call given");
  for (const auto& c : run.env.options.tool_calls) {
    const CallOutcome o = run.a.call(c.name, c.arguments);
    const std::string asked = "tool '" + c.name + "' with " + excerpt(c.arguments.dump(), 100);
    if (!s.expect(o.status == NEXUS_OK, asked + " returned " + o.status_text())) continue;
    const json r = json::parse(o.output, nullptr, false);
    const Tool* tool = run.find(c.name);
    const json* out_schema = tool && tool->output_schema ? &*tool->output_schema : nullptr;
    if (const std::string why = result_problem(r, out_schema); !why.empty())
      s.fail(asked + ": not a valid CallToolResult: " + why + " — " + excerpt(o.output, 200));
    else
      s.note(asked + " -> " + excerpt(o.output, 200));
    if (!tool) s.warn("'" + c.name + "' is not in the tool list but could be called");
  }
}

void check_two_instances(ToolsRun& run, CheckScope& s) {
  s.require(run.b.has_value(), "no second instance (see common.two_instances)");
  const CallOutcome first = run.a.list();
  const CallOutcome second = run.b->list();
  s.require(first.status == NEXUS_OK && second.status == NEXUS_OK,
            "with two instances alive, on_list_tools returned " + first.status_text() + " and " + second.status_text());
  if (!run.env.separate_configs)
    s.expect(json::parse(first.output, nullptr, false) == json::parse(second.output, nullptr, false),
             "two instances with the same config list different tools");
}

void check_concurrent(ToolsRun& run, CheckScope& s) {
  if (!run.env.plugin.parallel())
    s.skip("the plugin declares NEXUS_CONCURRENCY_SERIAL; the host never calls it concurrently");
  const json expected = json::parse(run.list_text, nullptr, false);
  const auto failures = run_in_threads(8, [&](int t, const std::function<void(std::string)>& fail) {
    for (int i = 0; i < 20; ++i) {
      const CallOutcome o = run.a.list();
      if (o.status != NEXUS_OK || json::parse(o.output, nullptr, false) != expected)
        return fail("thread " + std::to_string(t) + ": on_list_tools returned " + o.status_text() +
                    " or a different list");
      const CallOutcome u = run.a.call("nexus_check_no_such_tool", json::object());
      if (u.status != NEXUS_NOT_FOUND)
        return fail("thread " + std::to_string(t) + ": unknown tool got " + u.status_text());
    }
  });
  s.expect(failures.empty(), "8 threads listing and calling at once: " + first_few(failures));
}

}  // namespace

void run_tools_checks(CheckEnv& env) {
  const auto* table = env.plugin.table<nexus_tools_v1>(NEXUS_TOOLS_V1);
  if (!table || !table->on_list_tools || !table->on_call_tool) {
    env.report.fail("tools.interface", "no usable nexus.tools/1 table (see common.interface_tables)");
    return;
  }
  ToolsRun run{env, ToolsCaller(env.plugin, *env.primary, *table), std::nullopt, {}, {}, false};
  if (env.secondary) run.b.emplace(env.plugin, *env.secondary, *table);
  Report& r = env.report;
  auto run_check = [&](const char* name, void (*fn)(ToolsRun&, CheckScope&)) {
    r.run(name, [&](CheckScope& s) { fn(run, s); });
  };
  run_check("tools.list_is_array", check_list);
  run_check("tools.names", check_names);
  run_check("tools.input_schemas", check_input_schemas);
  run_check("tools.output_schemas", check_output_schemas);
  run_check("tools.inline_flags", check_inline_flags);
  run_check("tools.list_stable", check_list_stable);
  run_check("tools.unknown_tool_not_found", check_unknown_tool);
  run_check("tools.invalid_arguments_refused", check_invalid_arguments);
  run_check("tools.tool_calls", check_tool_calls);
  run_check("tools.two_instances", check_two_instances);
  run_check("tools.concurrent_calls", check_concurrent);
}

}  // namespace nexus::check
