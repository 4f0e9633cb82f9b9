// Helpers every first-party tools plugin needs the same way: checking tool
// arguments against the tool's own inputSchema, base64 for binary payloads,
// UTF-8 checks, and error results.
#pragma once

#include <nexus/storage.h>

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <nexus/sdk/error.hpp>
#include <nexus/sdk/tools.hpp>

namespace nexus::sdk {

// A CallToolResult with isError: true. The text must say what went wrong and
// what the agent can do next, because the model reads it.
inline nlohmann::json error_result(std::string_view text) {
  return text_result(text, true);
}

inline bool is_valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = nexus_utf8_sequence_length(p + i, s.size() - i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Standard base64 (RFC 4648 §4) with padding: what MCP uses for image,
// audio and blob data.
inline std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                            (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) |
                            std::uint32_t(std::uint8_t(bytes[i + 2]));
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    if (rest == 2) n |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Decodes standard base64; whitespace is ignored, padding optional. False
// when `text` has a character outside the alphabet or an impossible length.
inline bool base64_decode(std::string_view text, std::string& out) {
  out.clear();
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t digits = 0;
  bool padding = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    if (padding) return false;  // data after padding
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+' || c == '-')
      v = 62;
    else if (c == '/' || c == '_')
      v = 63;
    else
      return false;
    ++digits;
    acc = (acc << 6) | std::uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return digits % 4 != 1;
}

// Throws invalid_argument if `key` breaks the storage key rules.
inline void check_storage_key(std::string_view what, std::string_view key) {
  if (const char* problem = nexus_storage_key_problem(nexus_str{key.data(), key.size()}))
    throw invalid_argument(std::string(what) + " '" + std::string(key) + "' is not a valid key: " + problem +
                                "; keys are relative paths like 'calls/2026/call-1.nlohmann::json'");
}

namespace detail {

inline bool has_type(const nlohmann::json& value, std::string_view type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "integer")
    return value.is_number_integer() ||
           (value.is_number_float() &&
            value.get<double>() == static_cast<double>(static_cast<std::int64_t>(value.get<double>())));
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  return true;
}

inline void check_value(const std::string& path, const nlohmann::json& schema, const nlohmann::json& value) {
  if (!schema.is_object()) return;
  if (schema.contains("type")) {
    const nlohmann::json& t = schema["type"];
    bool ok = false;
    if (t.is_string())
      ok = has_type(value, t.get<std::string>());
    else if (t.is_array())
      for (const auto& one : t) ok = ok || (one.is_string() && has_type(value, one.get<std::string>()));
    else
      ok = true;
    if (!ok) throw invalid_argument(path + " must be of type " + t.dump() + ", got " + value.type_name());
  }
  if (schema.contains("enum") && schema["enum"].is_array()) {
    bool found = false;
    for (const auto& e : schema["enum"]) found = found || e == value;
    if (!found)
      throw invalid_argument(path + " must be one of " + schema["enum"].dump() + ", got " + value.dump());
  }
  if (value.is_number()) {
    if (schema.contains("minimum") && value.get<double>() < schema["minimum"].get<double>())
      throw invalid_argument(path + " must be at least " + schema["minimum"].dump());
    if (schema.contains("maximum") && value.get<double>() > schema["maximum"].get<double>())
      throw invalid_argument(path + " must be at most " + schema["maximum"].dump());
  }
  if (value.is_string() && schema.contains("minLength") &&
      value.get_ref<const std::string&>().size() < schema["minLength"].get<std::size_t>())
    throw invalid_argument(path + " must have at least " + schema["minLength"].dump() + " character(s)");
  if (value.is_array() && schema.contains("items"))
    for (std::size_t i = 0; i < value.size(); ++i)
      check_value(path + "[" + std::to_string(i) + "]", schema["items"], value[i]);
  if (value.is_object()) {
    const nlohmann::json props = schema.value("properties", nlohmann::json::object());
    if (schema.contains("required"))
      for (const auto& r : schema["required"])
        if (!value.contains(r.get<std::string>()))
          throw invalid_argument(path + " is missing the required property '" + r.get<std::string>() + "'");
    for (const auto& [name, v] : value.items()) {
      if (props.contains(name))
        check_value(path + "." + name, props[name], v);
      else if (schema.value("additionalProperties", nlohmann::json(true)) == nlohmann::json(false))
        throw invalid_argument(path + " has the unknown property '" + name + "'; the tool accepts " + [&] {
          std::string names;
          for (const auto& [n, _] : props.items()) names += (names.empty() ? "" : ", ") + n;
          return names.empty() ? std::string("no properties") : names;
        }());
    }
  }
}

}  // namespace detail

// Checks a tool's arguments against the subset of JSON Schema our own
// inputSchemas use (type, properties, required, additionalProperties,
// enum, minimum, maximum, minLength, items). The host validates first, but
// an embedder calling the plugin directly gets the same answer: an
// invalid_argument naming the property. One schema, one source of truth.
inline void check_arguments(std::string_view tool, const nlohmann::json& input_schema, const nlohmann::json& arguments) {
  detail::check_value("arguments of '" + std::string(tool) + "'", input_schema, arguments);
}

}  // namespace nexus::sdk
