// checks_prompts.cpp — the contract of "nexus.prompts/1" (prompts.h): a
// list of well-named prompts with well-formed arguments, every prompt
// rendered into an MCP GetPromptResult, not_found for an unknown name, and
// invalid_argument — naming the argument — when a required one is missing
// or the arguments are not a JSON object.
#include <nexus/prompts.h>

#include <regex>
#include <set>

#include "check_util.hpp"
#include "checks.hpp"
#include "mcp_shapes.hpp"

namespace nexus::check {

namespace {

using nlohmann::json;

// The value the kit gives every argument when it renders a prompt.
constexpr const char* kArgumentValue = "nexus-check";

class PromptsCaller {
 public:
  PromptsCaller(LoadedPlugin& plugin, Instance& instance, const nexus_prompts_v1& table)
      : recorder_(plugin.recorder()), instance_(instance), t_(table) {}

  CallOutcome list() const {
    Call call(recorder_, "on_list_prompts");
    Sink& out = call.sink("prompts");
    return call.outcome(t_.on_list_prompts(instance_.handle(), call.context(), out.writer()), out);
  }
  // `arguments_json` as text, so the kit can also send what is not an object.
  CallOutcome get(const std::string& name, const std::string& arguments_json) const {
    Call call(recorder_, "on_get_prompt(" + excerpt(name, 64) + ")");
    Sink& out = call.sink("prompt");
    return call.outcome(t_.on_get_prompt(instance_.handle(), call.context(), as_nexus_str(name),
                                         as_nexus_str(arguments_json), out.writer()),
                        out);
  }
  bool can_complete() const noexcept { return t_.on_complete != nullptr; }
  // Suggestions for `argument` of `prompt`, nothing typed yet, no context.
  CallOutcome complete(const std::string& prompt, const std::string& argument) const {
    Call call(recorder_, "on_complete(" + excerpt(prompt, 64) + ", " + excerpt(argument, 40) + ")");
    Sink& out = call.sink("completion");
    const std::string none;
    return call.outcome(t_.on_complete(instance_.handle(), call.context(), as_nexus_str(prompt), as_nexus_str(argument),
                                       as_nexus_str(none), as_nexus_str(none), out.writer()),
                        out);
  }

 private:
  Recorder& recorder_;
  Instance& instance_;
  const nexus_prompts_v1& t_;
};

struct Argument {
  std::string name;
  bool required = false;
};

struct Prompt {
  std::string name;
  std::vector<Argument> arguments;
};

struct PromptsRun {
  CheckEnv& env;
  PromptsCaller a;
  bool listed = false;
  std::vector<Prompt> prompts;  // the well-formed ones
};

// Every argument of `p` set to kArgumentValue, except `left_out`.
json arguments_for(const Prompt& p, const std::string& left_out = {}) {
  json args = json::object();
  for (const auto& a : p.arguments)
    if (a.name != left_out) args[a.name] = kArgumentValue;
  return args;
}

// What is wrong with an MCP GetPromptResult ("" if nothing).
std::string result_problem(const json& r) {
  if (!r.is_object()) return "the result is not a JSON object";
  if (r.contains("description") && !r["description"].is_string()) return "\"description\" is not a string";
  if (!r.contains("messages") || !r["messages"].is_array()) return "the result has no \"messages\" array";
  if (r["messages"].empty()) return "\"messages\" is empty; a prompt renders at least one message";
  std::size_t i = 0;
  for (const auto& m : r["messages"]) {
    const std::string where = "messages[" + std::to_string(i++) + "]";
    if (!m.is_object()) return where + " is not an object";
    const json role = m.value("role", json());
    if (role != "user" && role != "assistant")
      return where + " has the role " + role.dump() + "; MCP prompt messages are \"user\" or \"assistant\"";
    if (!m.contains("content")) return where + " has no \"content\"";
    if (auto why = content_block_problem(m["content"], where + ".content"); !why.empty()) return why;
  }
  return {};
}

void check_list(PromptsRun& run, CheckScope& s) {
  const CallOutcome o = run.a.list();
  s.require(o.status == NEXUS_OK, "on_list_prompts returned " + o.status_text());
  const json list = parse_plugin_json(o.output, "the prompt list", s);
  s.require(list.is_array(), "the prompt list is not a JSON array: " + excerpt(o.output));
  run.listed = true;
  static const std::regex kName("^[A-Za-z0-9_.-]{1,64}$");
  std::set<std::string> names;
  std::size_t i = 0;
  for (const auto& p : list) {
    const std::string where = "prompt " + std::to_string(i++);
    if (!s.expect(p.is_object() && p.contains("name") && p["name"].is_string(), where + " has no \"name\" string"))
      continue;
    Prompt prompt{p["name"], {}};
    const std::string who = "prompt '" + prompt.name + "'";
    s.expect(std::regex_match(prompt.name, kName), who + ": the name does not match [A-Za-z0-9_.-]{1,64}");
    s.expect(names.insert(prompt.name).second, who + " is listed twice; names must be unique");
    for (const char* f : {"title", "description"})
      s.expect(!p.contains(f) || p[f].is_string(), who + " has a \"" + f + "\" that is not a string");
    bool well_formed = true;
    if (p.contains("arguments")) {
      if (!s.expect(p["arguments"].is_array(), who + " has \"arguments\" that is not an array")) continue;
      std::set<std::string> argument_names;
      for (const auto& a : p["arguments"]) {
        if (!s.expect(
                a.is_object() && a.contains("name") && a["name"].is_string() && !a["name"].get<std::string>().empty(),
                who + " has an argument without a \"name\" string")) {
          well_formed = false;
          continue;
        }
        const std::string name = a["name"];
        well_formed &= s.expect(argument_names.insert(name).second, who + " lists the argument '" + name + "' twice");
        well_formed &= s.expect(!a.contains("required") || a["required"].is_boolean(),
                                who + "'s argument '" + name + "' has a \"required\" that is not a boolean");
        s.expect(!a.contains("description") || a["description"].is_string(),
                 who + "'s argument '" + name + "' has a \"description\" that is not a string");
        prompt.arguments.push_back({name, a.value("required", false) == true});
      }
    }
    if (well_formed) run.prompts.push_back(std::move(prompt));
  }
  s.note(std::to_string(run.prompts.size()) + " prompt(s)");
  if (run.prompts.empty()) s.warn("the plugin lists no prompts");
}

void check_get_listed(PromptsRun& run, CheckScope& s) {
  if (!run.listed) s.skip("no prompt list (see prompts.list_shape)");
  if (run.prompts.empty()) s.skip("no prompts listed");
  for (const auto& p : run.prompts) {
    const json args = arguments_for(p);
    const std::string asked = "prompt '" + p.name + "' with " + excerpt(args.dump(), 120);
    const CallOutcome o = run.a.get(p.name, args.dump());
    if (!s.expect(o.status == NEXUS_OK, asked + " returned " + o.status_text())) continue;
    const json r = json::parse(o.output, nullptr, false);
    if (const std::string why = result_problem(r); !why.empty())
      s.fail(asked + ": not a GetPromptResult: " + why + " — " + excerpt(o.output, 200));
  }
}

void check_unknown_name(PromptsRun& run, CheckScope& s) {
  const CallOutcome o = run.a.get("nexus_check_no_such_prompt", "{}");
  s.expect(o.status == NEXUS_NOT_FOUND, "getting the unknown prompt 'nexus_check_no_such_prompt' returned " +
                                            o.status_text() + "; expected not_found");
  if (o.status == NEXUS_NOT_FOUND) s.expect(!o.error.empty(), "not_found for an unknown prompt came without a message");
}

void check_missing_argument(PromptsRun& run, CheckScope& s) {
  std::size_t tried = 0;
  for (const auto& p : run.prompts)
    for (const auto& a : p.arguments) {
      if (!a.required) continue;
      ++tried;
      const json args = arguments_for(p, a.name);
      const std::string asked = "prompt '" + p.name + "' without its required argument '" + a.name + "'";
      const CallOutcome o = run.a.get(p.name, args.dump());
      if (!s.expect(o.status == NEXUS_INVALID_ARGUMENT,
                    asked + " returned " + o.status_text() + "; expected invalid_argument (prompts.h)"))
        continue;
      s.expect(o.error.find(a.name) != std::string::npos,
               asked + ": the message " + excerpt(o.error) + " does not name the argument; prompts.h: \"name it\"");
    }
  if (tried == 0) s.skip("no prompt has a required argument");
}

void check_arguments_not_object(PromptsRun& run, CheckScope& s) {
  if (run.prompts.empty()) s.skip("no prompts listed");
  const Prompt& p = run.prompts.front();
  const CallOutcome o = run.a.get(p.name, "[\"not\", \"an object\"]");
  s.expect(o.status == NEXUS_INVALID_ARGUMENT,
           "prompt '" + p.name + "' with the arguments_json [\"not\", \"an object\"] returned " + o.status_text() +
               "; prompts.h says it is a JSON object of strings, so expected invalid_argument");
}

void check_complete(PromptsRun& run, CheckScope& s) {
  if (!run.a.can_complete()) s.skip("on_complete is NULL: the host offers no suggestions");
  std::size_t asked = 0;
  for (const auto& p : run.prompts) {
    if (p.arguments.empty()) continue;
    ++asked;
    const std::string what = "completing argument '" + p.arguments.front().name + "' of prompt '" + p.name + "'";
    const CallOutcome o = run.a.complete(p.name, p.arguments.front().name);
    if (!s.expect(o.status == NEXUS_OK, what + " returned " + o.status_text())) continue;
    const json r = json::parse(o.output, nullptr, false);
    if (const std::string why = completion_problem(r); !why.empty())
      s.fail(what + ": " + why + " — " + excerpt(o.output));
  }
  if (asked == 0) s.skip("no prompt has arguments to complete");
}

}  // namespace

void run_prompts_checks(CheckEnv& env) {
  const auto* table = env.plugin.table<nexus_prompts_v1>(NEXUS_PROMPTS_V1);
  if (!table || !table->on_list_prompts || !table->on_get_prompt) {
    env.report.fail("prompts.interface", "no usable nexus.prompts/1 table (see common.interface_tables)");
    return;
  }
  PromptsRun run{env, PromptsCaller(env.plugin, *env.primary, *table), false, {}};
  auto run_check = [&](const char* name, void (*fn)(PromptsRun&, CheckScope&)) {
    env.report.run(name, [&](CheckScope& s) { fn(run, s); });
  };
  run_check("prompts.list_shape", check_list);
  run_check("prompts.get_listed", check_get_listed);
  run_check("prompts.unknown_name_not_found", check_unknown_name);
  run_check("prompts.missing_argument_refused", check_missing_argument);
  run_check("prompts.arguments_not_object_refused", check_arguments_not_object);
  run_check("prompts.complete", check_complete);
}

}  // namespace nexus::check
