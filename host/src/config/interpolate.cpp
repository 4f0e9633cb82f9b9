// config/interpolate.cpp — ${VAR} and ${VAR:-default} in string values.
//
// Rules (shell-like, deliberately small):
//   ${NAME}            the variable's value; an error when NAME is unset.
//   ${NAME:-default}   the value, or `default` when NAME is unset OR empty;
//                      the default may itself contain ${...} references.
//   $${                a literal "${" (how to write one in a config).
//   $NAME, a lone $    left as they are: only the braced form is special.
// NAME is [A-Za-z_][A-Za-z0-9_]*. Anything else after "${" is an error, so a
// typo never silently becomes text.
//
// Values are substituted as text and the result is always a string, even for
// "threads": "${THREADS}" with THREADS=8: no guessing of types, so a value
// can never change type depending on the environment. Numbers and booleans
// in the host's own config must be written without interpolation.
//
// Only values are interpolated, never object keys: keys are structure
// (instance names, option names) and must read the same in every environment.
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/json_path.hpp"
#include "nexus/host/config.hpp"

namespace nexus::host {

using config_detail::child_path;
using config_detail::printable_path;

namespace {

constexpr std::string_view kSyntaxHint =
    "expected ${NAME} or ${NAME:-default} with NAME matching [A-Za-z_][A-Za-z0-9_]*; "
    "write $${ for a literal ${";

bool is_name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

class Interpolator {
 public:
  Interpolator(const EnvLookup& env, const std::string& path) : env_(env), path_(path) {}

  std::string expand(std::string_view s) const {
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
      if (s.compare(i, 3, "$${") == 0) {
        out += "${";
        i += 3;
      } else if (s.compare(i, 2, "${") == 0) {
        const std::size_t close = matching_brace(s, i);
        out += expand_reference(s.substr(i, close + 1 - i));
        i = close + 1;
      } else {
        out += s[i++];
      }
    }
    return out;
  }

 private:
  // Index of the '}' closing the "${" at `open`, counting nested references
  // inside a default ("${A:-${B}}").
  std::size_t matching_brace(std::string_view s, std::size_t open) const {
    int depth = 0;
    for (std::size_t i = open; i < s.size(); ++i) {
      if (s.compare(i, 3, "$${") == 0) {
        i += 2;
      } else if (s.compare(i, 2, "${") == 0) {
        ++depth;
        ++i;
      } else if (s[i] == '}' && --depth == 0) {
        return i;
      }
    }
    fail("unterminated reference '" + std::string(s.substr(open, 24)) + "' (missing '}'); " + std::string(kSyntaxHint));
  }

  // `ref` is a whole "${...}".
  std::string expand_reference(std::string_view ref) const {
    const std::string_view body = ref.substr(2, ref.size() - 3);
    std::size_t n = 0;
    while (n < body.size() && is_name_char(body[n])) ++n;
    const std::string_view name = body.substr(0, n);
    const std::string_view rest = body.substr(n);
    const bool has_default = rest.substr(0, 2) == ":-";
    if (name.empty() || !is_name_start(name[0]) || (!rest.empty() && !has_default)) {
      fail("malformed reference '" + std::string(ref) + "'; " + std::string(kSyntaxHint));
    }
    const std::optional<std::string> value = env_(std::string(name));
    if (has_default) {
      if (value && !value->empty()) return *value;
      return expand(rest.substr(2));
    }
    if (!value) {
      const std::string r = "${" + std::string(name) + "}";
      fail(r + " is not set; set it or write ${" + std::string(name) + ":-default}");
    }
    return *value;
  }

  [[noreturn]] void fail(const std::string& what) const { throw ConfigError(printable_path(path_) + ": " + what); }

  const EnvLookup& env_;
  const std::string& path_;
};

}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
  };
}

void interpolate_env(nlohmann::json& value, const EnvLookup& env, const std::string& path) {
  if (value.is_string()) {
    auto& s = value.get_ref<std::string&>();
    if (s.find('$') != std::string::npos) s = Interpolator(env, path).expand(s);
  } else if (value.is_object()) {
    for (auto& [key, child] : value.items()) interpolate_env(child, env, child_path(path, key));
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) interpolate_env(value[i], env, child_path(path, i));
  }
}

}  // namespace nexus::host
