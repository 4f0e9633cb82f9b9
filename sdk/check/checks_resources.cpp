// checks_resources.cpp — the contract of "nexus.resources/1" (resources.h):
// a listing of well-formed resources and templates with unique URIs, every
// listed resource readable as an MCP ReadResourceResult, not_found for a URI
// nobody serves, and completions in MCP's shape (invalid_argument for a
// context that is not a JSON object).
#include <nexus/resources.h>

#include <optional>
#include <regex>
#include <set>

#include "check_util.hpp"
#include "checks.hpp"
#include "mcp_shapes.hpp"

namespace nexus::check {

namespace {

using nlohmann::json;

// Listed resources read by resources.read_listed; a listing may be long.
constexpr std::size_t kMaxReads = 20;
// Templates whose arguments resources.complete asks about.
constexpr std::size_t kMaxCompletedTemplates = 5;

class ResourcesCaller {
 public:
  ResourcesCaller(LoadedPlugin& plugin, Instance& instance, const nexus_resources_v1& table)
      : recorder_(plugin.recorder()), instance_(instance), t_(table) {}

  CallOutcome list() const {
    Call call(recorder_, "on_list_resources");
    Sink& out = call.sink("listing");
    return call.outcome(t_.on_list_resources(instance_.handle(), call.context(), out.writer()), out);
  }
  CallOutcome read(const std::string& uri) const {
    Call call(recorder_, "on_read_resource(" + excerpt(uri, 80) + ")");
    Sink& out = call.sink("contents");
    return call.outcome(t_.on_read_resource(instance_.handle(), call.context(), as_nexus_str(uri), out.writer()), out);
  }
  bool can_complete() const noexcept { return t_.on_complete != nullptr; }
  // Suggestions for `argument` of `uri_template`, nothing typed yet.
  CallOutcome complete(const std::string& uri_template, const std::string& argument, const std::string& context) const {
    Call call(recorder_, "on_complete(" + excerpt(uri_template, 80) + ", " + excerpt(argument, 40) + ")");
    Sink& out = call.sink("completion");
    const std::string typed;
    return call.outcome(
        t_.on_complete(instance_.handle(), call.context(), as_nexus_str(uri_template), as_nexus_str(argument),
                       as_nexus_str(typed), as_nexus_str(context), out.writer()),
        out);
  }

 private:
  Recorder& recorder_;
  Instance& instance_;
  const nexus_resources_v1& t_;
};

struct Template {
  std::string uri_template;
  std::vector<std::string> variables;  // {name} parts, in order
};

struct ResourcesRun {
  CheckEnv& env;
  ResourcesCaller a;
  bool listed = false;
  std::vector<std::string> uris;  // of the well-formed listed resources
  std::vector<Template> templates;
};

// The variable names of an RFC 6570 template, operators and modifiers dropped.
std::vector<std::string> template_variables(const std::string& uri_template) {
  std::vector<std::string> out;
  static const std::regex kExpression(R"(\{[+#./;?&]?([^}]*)\})");
  for (std::sregex_iterator it(uri_template.begin(), uri_template.end(), kExpression), end; it != end; ++it) {
    std::string list = (*it)[1];
    std::size_t start = 0;
    while (start <= list.size()) {
      const auto comma = list.find(',', start);
      std::string name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (const auto mod = name.find_first_of(":*"); mod != std::string::npos) name.resize(mod);
      if (!name.empty()) out.push_back(name);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

void check_list(ResourcesRun& run, CheckScope& s) {
  const CallOutcome o = run.a.list();
  s.require(o.status == NEXUS_OK, "on_list_resources returned " + o.status_text());
  const json j = parse_plugin_json(o.output, "the resource listing", s);
  s.require(j.is_object(), "the listing is not a JSON object {\"resources\": [...], \"resourceTemplates\": [...]}: " +
                               excerpt(o.output));
  run.listed = true;
  for (const char* key : {"resources", "resourceTemplates"})
    s.expect(j.contains(key) && j[key].is_array(),
             std::string("the listing has no \"") + key + "\" array (write an empty one when there are none)");

  std::set<std::string> seen;
  if (j.contains("resources") && j["resources"].is_array()) {
    std::size_t i = 0;
    for (const auto& r : j["resources"]) {
      const std::string where = "resources[" + std::to_string(i++) + "]";
      if (!s.expect(r.is_object(), where + " is not an object")) continue;
      const bool has_uri = r.contains("uri") && r["uri"].is_string() && !r["uri"].get<std::string>().empty();
      s.expect(has_uri, where + " has no \"uri\" string");
      s.expect(r.contains("name") && r["name"].is_string() && !r["name"].get<std::string>().empty(),
               where + " has no \"name\" string");
      for (const char* f : {"title", "description", "mimeType"})
        s.expect(!r.contains(f) || r[f].is_string(), where + " has a \"" + f + "\" that is not a string");
      s.expect(!r.contains("size") || (r["size"].is_number_integer() && r["size"].get<std::int64_t>() >= 0),
               where + " has a \"size\" that is not a byte count");
      if (!has_uri) continue;
      const std::string uri = r["uri"];
      if (s.expect(seen.insert(uri).second,
                   "the URI '" + uri + "' is listed twice; URIs are unique within an instance"))
        run.uris.push_back(uri);
    }
  }
  if (j.contains("resourceTemplates") && j["resourceTemplates"].is_array()) {
    std::size_t i = 0;
    for (const auto& t : j["resourceTemplates"]) {
      const std::string where = "resourceTemplates[" + std::to_string(i++) + "]";
      if (!s.expect(t.is_object(), where + " is not an object")) continue;
      const bool has_template = t.contains("uriTemplate") && t["uriTemplate"].is_string();
      s.expect(t.contains("name") && t["name"].is_string() && !t["name"].get<std::string>().empty(),
               where + " has no \"name\" string");
      for (const char* f : {"title", "description", "mimeType"})
        s.expect(!t.contains(f) || t[f].is_string(), where + " has a \"" + f + "\" that is not a string");
      if (!s.expect(has_template, where + " has no \"uriTemplate\" string")) continue;
      Template tmpl{t["uriTemplate"], template_variables(t["uriTemplate"])};
      if (s.expect(!tmpl.variables.empty(), where + "'s uriTemplate '" + tmpl.uri_template +
                                                "' has no {variable}; list a fixed URI under \"resources\" instead"))
        run.templates.push_back(std::move(tmpl));
    }
  }
  s.note(std::to_string(run.uris.size()) + " resource(s), " + std::to_string(run.templates.size()) + " template(s)");
  if (run.uris.empty() && run.templates.empty()) s.warn("the plugin lists no resources and no templates");
}

void check_read_listed(ResourcesRun& run, CheckScope& s) {
  if (!run.listed) s.skip("no listing (see resources.list_shape)");
  if (run.uris.empty()) s.skip("no fixed resources listed (templates are read by URI only)");
  std::size_t read = 0;
  for (const auto& uri : run.uris) {
    if (read++ == kMaxReads) break;
    const CallOutcome o = run.a.read(uri);
    if (!s.expect(o.status == NEXUS_OK, "reading the listed resource '" + uri + "' returned " + o.status_text()))
      continue;
    const json r = json::parse(o.output, nullptr, false);
    if (const std::string why = read_resource_result_problem(r); !why.empty()) {
      s.fail("reading '" + uri + "': not a ReadResourceResult: " + why + " — " + excerpt(o.output, 200));
      continue;
    }
    if (r["contents"][0].value("uri", "") != uri)
      s.warn("reading '" + uri + "' answered contents[0].uri '" + r["contents"][0].value("uri", "") +
             "'; clients expect the URI they asked for");
  }
  s.note(std::to_string(std::min(read, kMaxReads)) + " resource(s) read");
}

void check_unknown_uri(ResourcesRun& run, CheckScope& s) {
  const std::string uri = "nexus-check://no-such-resource/" + run.env.run_id;
  const CallOutcome o = run.a.read(uri);
  s.expect(o.status == NEXUS_NOT_FOUND,
           "reading the unknown resource '" + uri + "' returned " + o.status_text() + "; expected not_found");
  if (o.status == NEXUS_NOT_FOUND) s.expect(!o.error.empty(), "not_found for an unknown URI came without a message");
}

void check_empty_uri(ResourcesRun& run, CheckScope& s) {
  const CallOutcome o = run.a.read("");
  s.expect(o.status == NEXUS_NOT_FOUND || o.status == NEXUS_INVALID_ARGUMENT,
           "reading the empty URI returned " + o.status_text() + "; expected invalid_argument or not_found");
}

void check_complete(ResourcesRun& run, CheckScope& s) {
  if (!run.a.can_complete()) s.skip("on_complete is NULL: the host offers no suggestions");
  if (run.templates.empty()) s.skip("no templates listed, so no arguments to complete");
  std::size_t asked = 0;
  for (const auto& t : run.templates) {
    if (asked++ == kMaxCompletedTemplates) break;
    const std::string& variable = t.variables.front();
    const std::string what = "completing {" + variable + "} of '" + t.uri_template + "'";
    const CallOutcome o = run.a.complete(t.uri_template, variable, "");
    if (!s.expect(o.status == NEXUS_OK, what + " returned " + o.status_text())) continue;
    const json r = json::parse(o.output, nullptr, false);
    if (const std::string why = completion_problem(r); !why.empty())
      s.fail(what + ": " + why + " — " + excerpt(o.output));
  }
}

void check_complete_bad_context(ResourcesRun& run, CheckScope& s) {
  if (!run.a.can_complete()) s.skip("on_complete is NULL");
  if (run.templates.empty()) s.skip("no templates listed");
  const Template& t = run.templates.front();
  const CallOutcome o = run.a.complete(t.uri_template, t.variables.front(), "[\"not\", \"an object\"]");
  s.expect(o.status == NEXUS_INVALID_ARGUMENT,
           "completing '" + t.uri_template + "' with the context_json [\"not\", \"an object\"] returned " +
               o.status_text() + "; resources.h says it is a JSON object of strings, so expected invalid_argument");
}

}  // namespace

void run_resources_checks(CheckEnv& env) {
  const auto* table = env.plugin.table<nexus_resources_v1>(NEXUS_RESOURCES_V1);
  if (!table || !table->on_list_resources || !table->on_read_resource) {
    env.report.fail("resources.interface", "no usable nexus.resources/1 table (see common.interface_tables)");
    return;
  }
  ResourcesRun run{env, ResourcesCaller(env.plugin, *env.primary, *table), false, {}, {}};
  auto run_check = [&](const char* name, void (*fn)(ResourcesRun&, CheckScope&)) {
    env.report.run(name, [&](CheckScope& s) { fn(run, s); });
  };
  run_check("resources.list_shape", check_list);
  run_check("resources.read_listed", check_read_listed);
  run_check("resources.unknown_uri_not_found", check_unknown_uri);
  run_check("resources.empty_uri_refused", check_empty_uri);
  run_check("resources.complete", check_complete);
  run_check("resources.complete_bad_context_refused", check_complete_bad_context);
}

}  // namespace nexus::check
