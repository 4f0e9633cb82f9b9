// config/reader.cpp — see reader.hpp.
#include "config/reader.hpp"

#include "config/json_path.hpp"
#include "config/unknown_key.hpp"
#include "nexus/host/config.hpp"

namespace nexus::host::config_detail {

namespace {

bool looks_numeric_or_bool(const std::string& s) {
  if (s == "true" || s == "false") return true;
  try {
    const auto j = nlohmann::json::parse(s);
    return j.is_number();
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

}  // namespace

void Reader::fail(std::string_view path, const std::string& what) const {
  throw ConfigError(source_ + ": " + printable_path(path) + ": " + what);
}

void Reader::wrong_type(const nlohmann::json& v, std::string_view path, std::string_view expected) const {
  std::string what = "expected " + std::string(expected) + ", got " + json_type_word(v);
  // The usual cause: "threads": "${THREADS}" — interpolation yields strings.
  if (v.is_string() && looks_numeric_or_bool(v.get<std::string>())) {
    what += " (write numbers and booleans without quotes; ${VAR} always yields a string)";
  }
  fail(path, what);
}

void Reader::expect_object(const nlohmann::json& v, std::string_view path) const {
  if (!v.is_object()) wrong_type(v, path, "an object");
}

void Reader::expect_keys(const nlohmann::json& obj, std::string_view path,
                         const std::vector<std::string>& known) const {
  expect_object(obj, path);
  for (const auto& [key, value] : obj.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      fail(child_path(path, key), unknown_key_message(key, known));
    }
  }
}

std::string Reader::string(const nlohmann::json& v, std::string_view path) const {
  if (!v.is_string()) wrong_type(v, path, "a string");
  return v.get<std::string>();
}

std::string Reader::non_empty_string(const nlohmann::json& v, std::string_view path) const {
  std::string s = string(v, path);
  if (s.empty()) fail(path, "must not be empty");
  return s;
}

bool Reader::boolean(const nlohmann::json& v, std::string_view path) const {
  if (!v.is_boolean()) wrong_type(v, path, "a boolean (true or false)");
  return v.get<bool>();
}

std::uint64_t Reader::integer(const nlohmann::json& v, std::string_view path, std::uint64_t min,
                              std::uint64_t max) const {
  // A string of digits is accepted too: that is what "${MAX_WORKERS:-16}"
  // interpolates to, and integer settings should come from the environment
  // as easily as strings do.
  if (v.is_string()) {
    const std::string& text = v.get_ref<const std::string&>();
    const bool digits = !text.empty() && text.size() <= 19 &&
                        text.find_first_not_of("0123456789") == std::string::npos;
    if (!digits) fail(path, "expected an integer, got the string '" + text.substr(0, 40) + "'");
    return integer(nlohmann::json(std::stoull(text)), path, min, max);
  }
  if (!v.is_number_integer()) wrong_type(v, path, "an integer");
  const bool negative = v.is_number_integer() && !v.is_number_unsigned() && v.get<std::int64_t>() < 0;
  const std::uint64_t n = negative ? 0 : v.get<std::uint64_t>();
  if (negative || n < min || n > max) {
    fail(path, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", got " + v.dump());
  }
  return n;
}

std::string Reader::one_of(const nlohmann::json& v, std::string_view path,
                           const std::vector<std::string>& allowed) const {
  std::string s = string(v, path);
  if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) return s;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  fail(path, "expected one of " + list + ", got '" + s + "'");
}

}  // namespace nexus::host::config_detail
