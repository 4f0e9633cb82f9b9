// config/schema_validate.cpp — validate_against_schema: valijson does the
// validating; this file turns its results into problems a person can act on.
//
// valijson reports a path like <root> [config] [root] and messages such as
// "Value type not permitted by 'type' constraint.", plus one "Failed to
// validate against schema associated with property name 'x'" for every
// object above a failure, and every branch's errors for a failed anyOf/oneOf.
// So: paths become JSON pointers, messages are rewritten to say what was
// expected (looked up in the schema at that path), wrapper messages are dropped
// when a more specific problem explains them, duplicates go, and the deepest
// problems come first.
#include "config/valijson.hpp"
#include "config/compiled_schema.hpp"

#include <algorithm>
#include <regex>
#include <set>

#include "config/json_path.hpp"
#include "config/schema_lookup.hpp"
#include "config/unknown_key.hpp"
#include "nexus/host/config.hpp"

namespace nexus::host {

using config_detail::child_path;
using config_detail::json_type_word;
using config_detail::subschemas_at;
using nlohmann::json;

namespace {

struct Problem {
  std::string path;
  std::string message;
  bool wrapper = false;  // only says "something below failed"
};

std::string to_pointer(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& c : context) {
    if (c == "<root>") continue;
    const bool bracketed = c.size() >= 2 && c.front() == '[' && c.back() == ']';
    pointer = child_path(pointer, bracketed ? c.substr(1, c.size() - 2) : c);
  }
  return pointer;
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.rfind(prefix, 0) == 0;
}

bool is_wrapper(const std::string& d) {
  return starts_with(d, "Failed to validate against schema associated with") ||
         starts_with(d, "Failed to validate item #") ||
         starts_with(d, "Failed to validate against additional properties schema") ||
         starts_with(d, "Failed to validate against dependent schema") ||
         starts_with(d, "Failed to validate against a conditional schema") ||
         starts_with(d, "Failed to validate against child schema #");
}

// Everything the schema says about one path of the document.
class Context {
 public:
  Context(const json& schema, const json& document, const std::string& path) : nodes_(subschemas_at(schema, path)) {
    try {
      const json::json_pointer p(path);
      if (document.contains(p)) value_ = &document.at(p);
    } catch (const json::exception&) {
    }
  }

  bool secret() const {
    return std::any_of(nodes_.begin(), nodes_.end(),
                       [](const json* n) { return n->value("x-nexus-secret", false) == true; });
  }

  // "got 42" — or only the type for secrets and long values.
  std::string got() const {
    if (!value_) return "";
    if (secret()) return ", got a " + json_type_word(*value_) + " (secret, not shown)";
    const std::string text = value_->dump(-1, ' ', false, json::error_handler_t::replace);
    if (value_->is_structured() || text.size() > 80) return ", got " + json_type_word(*value_);
    return ", got " + text;
  }

  std::string got_type() const { return value_ ? ", got " + json_type_word(*value_) : ""; }

  // Values of `keyword` across the applicable subschemas, arrays flattened.
  std::vector<json> collect(const char* keyword) const {
    std::vector<json> out;
    for (const json* n : nodes_) {
      auto it = n->find(keyword);
      if (it == n->end()) continue;
      if (it->is_array()) {
        for (const auto& v : *it) {
          if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
        }
      } else if (std::find(out.begin(), out.end(), *it) == out.end()) {
        out.push_back(*it);
      }
    }
    return out;
  }

  std::vector<std::string> known_keys() const {
    std::vector<std::string> keys;
    for (const json* n : nodes_) {
      if (auto p = n->find("properties"); p != n->end() && p->is_object()) {
        for (const auto& [k, v] : p->items()) keys.push_back(k);
      }
    }
    return keys;
  }

  bool key_allowed(const std::string& key) const {
    for (const json* n : nodes_) {
      if (auto p = n->find("properties"); p != n->end() && p->is_object() && p->contains(key)) return true;
      if (auto p = n->find("patternProperties"); p != n->end() && p->is_object()) {
        for (const auto& [pattern, sub] : p->items()) {
          try {
            if (std::regex_search(key, std::regex(pattern))) return true;
          } catch (const std::regex_error&) {
          }
        }
      }
    }
    return false;
  }

  const json* value() const { return value_; }

 private:
  std::vector<const json*> nodes_;
  const json* value_ = nullptr;
};

std::string join(const std::vector<json>& values, const char* sep) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += sep;
    out += v.is_string() ? v.get<std::string>() : v.dump();
  }
  return out;
}

// valijson formats limits with std::to_string(double): "65535.000000".
std::string tidy(std::string d) {
  static const std::regex zeros(R"((\d+)\.0{6}\b)");
  d = std::regex_replace(d, zeros, "$1");
  if (!d.empty() && d.back() == '.') d.pop_back();
  if (!d.empty() && d[0] >= 'A' && d[0] <= 'Z') d[0] = static_cast<char>(d[0] - 'A' + 'a');
  return d;
}

// One valijson error -> zero or more problems.
void translate(const json& schema, const json& document, const valijson::ValidationResults::Error& error,
               std::vector<Problem>& out) {
  const std::string path = to_pointer(error.context);
  const std::string& d = error.description;
  const Context ctx(schema, document, path);
  static const std::regex missing(R"(^Missing required property '(.*)'\.$)");
  std::smatch m;

  if (std::regex_match(d, m, missing)) {
    out.push_back({child_path(path, m[1].str()), "required key '" + m[1].str() + "' is missing", false});
  } else if (starts_with(d, "Object contains a property that could not be validated")) {
    // valijson names only the first; name every unknown key, each at its path.
    const std::size_t before = out.size();
    if (ctx.value() && ctx.value()->is_object()) {
      for (const auto& [key, v] : ctx.value()->items()) {
        if (!ctx.key_allowed(key)) {
          out.push_back({child_path(path, key), config_detail::unknown_key_message(key, ctx.known_keys()), false});
        }
      }
    }
    if (out.size() == before) out.push_back({path, tidy(d), false});
  } else if (d == "Value type not permitted by 'type' constraint.") {
    const auto types = ctx.collect("type");
    // Inside anyOf/oneOf the lookup sees every branch's types; a branch that
    // failed on type while another branch accepts this type is noise — that
    // other branch reports the real reason.
    if (ctx.value()) {
      const std::string actual = json_type_word(*ctx.value());
      const bool accepted = std::any_of(types.begin(), types.end(), [&](const json& t) {
        return t == actual || (actual == "integer" && t == "number");
      });
      if (accepted) return;
    }
    out.push_back(
        {path,
         (types.empty() ? std::string("value type not allowed") : "expected " + join(types, " or ")) + ctx.got_type(),
         false});
  } else if (d == "Failed to match against any enum values.") {
    const auto values = ctx.collect("enum");
    std::string list;
    for (const auto& v : values) list += (list.empty() ? "" : ", ") + v.dump();
    out.push_back({path, "expected one of " + list + ctx.got(), false});
  } else if (d == "Failed to match expected value set by 'const' constraint.") {
    const auto values = ctx.collect("const");
    out.push_back(
        {path, "expected " + (values.empty() ? std::string("the constant value") : values.front().dump()) + ctx.got(),
         false});
  } else if (d == "Failed to match regex specified by 'pattern' constraint.") {
    const auto patterns = ctx.collect("pattern");
    out.push_back({path,
                   "expected a string matching " +
                       (patterns.empty() ? std::string("the pattern") : join(patterns, " or ")) + ctx.got(),
                   false});
  } else if (starts_with(d, "Failed to validate against any schemas allowed by anyOf") ||
             starts_with(d, "Failed to validate against any child schemas allowed by oneOf")) {
    out.push_back({path,
                   "matches none of the alternatives allowed here (anyOf/oneOf); the problems listed before this say "
                   "why each failed",
                   false});
  } else if (d == "Failed to validate against exactly one child schema.") {
    out.push_back({path, "matches more than one of the alternatives in 'oneOf'; it must match exactly one", false});
  } else if (starts_with(d, "Expected number")) {
    out.push_back({path, tidy(d) + ctx.got(), false});
  } else {
    out.push_back({path, tidy(d), is_wrapper(d)});
  }
}

std::size_t depth(const std::string& pointer) {
  return std::count(pointer.begin(), pointer.end(), '/');
}

bool is_under(const std::string& path, const std::string& ancestor) {
  return path == ancestor ||
         (starts_with(path, ancestor) && path.size() > ancestor.size() && path[ancestor.size()] == '/');
}

std::vector<SchemaProblem> tidy_up(const std::vector<Problem>& all) {
  std::vector<Problem> kept;
  std::set<std::pair<std::string, std::string>> seen;
  for (const Problem& p : all) {
    if (p.wrapper &&
        std::any_of(all.begin(), all.end(), [&](const Problem& q) { return !q.wrapper && is_under(q.path, p.path); })) {
      continue;  // explained by a more specific problem
    }
    if (seen.insert({p.path, p.message}).second) kept.push_back(p);
  }
  std::stable_sort(kept.begin(), kept.end(),
                   [](const Problem& a, const Problem& b) { return depth(a.path) > depth(b.path); });
  std::vector<SchemaProblem> out;
  for (auto& p : kept) out.push_back({p.path, p.message});
  return out;
}

void compile(const std::string& schema_text, json& schema_json, valijson::Schema& schema) {
  try {
    schema_json = json::parse(schema_text);
  } catch (const json::parse_error& e) {
    throw ConfigError("config schema is not valid JSON (byte " + std::to_string(e.byte) + "): " + e.what());
  }
  if (!schema_json.is_object() && !schema_json.is_boolean()) {
    throw ConfigError("config schema must be a JSON object (a JSON Schema), got " + json_type_word(schema_json));
  }
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(schema_json);
    parser.populateSchema(adapter, schema);
  } catch (const std::exception& e) {
    throw ConfigError(std::string("config schema is not a valid JSON Schema (draft 7): ") + e.what());
  }
}

}  // namespace

struct CompiledSchema::Impl {
  json schema_json;  // kept: messages are worded from the schema at the failing path
  valijson::Schema schema;
};

CompiledSchema::CompiledSchema(const std::string& schema_text) : impl_(std::make_unique<Impl>()) {
  compile(schema_text, impl_->schema_json, impl_->schema);
}

CompiledSchema::~CompiledSchema() = default;

std::vector<SchemaProblem> CompiledSchema::validate(const json& document) const {
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  const valijson::adapters::NlohmannJsonAdapter target(document);
  // Without a results list valijson stops at the first error and records
  // none: the common case (a valid document, every tools/call) costs no
  // error bookkeeping. Only an invalid one is walked again for its messages.
  if (validator.validate(impl_->schema, target, nullptr)) return {};
  valijson::ValidationResults results;
  if (validator.validate(impl_->schema, target, &results)) return {};
  std::vector<Problem> problems;
  for (const auto& error : results) translate(impl_->schema_json, document, error, problems);
  return tidy_up(problems);
}

std::vector<SchemaProblem> validate_against_schema(const std::string& schema_text, const json& document) {
  return CompiledSchema(schema_text).validate(document);
}

}  // namespace nexus::host
