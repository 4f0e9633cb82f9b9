// config/json_path.hpp — JSON Pointer (RFC 6901) building and the words used
// for JSON types in messages, shared by the config parser, the environment
// interpolation and the schema validator so every message reads the same.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nexus::host::config_detail {

// "/a" + "b/c" -> "/a/b~1c" ("~" and "/" escaped as RFC 6901 says).
std::string child_path(std::string_view parent, std::string_view key);
std::string child_path(std::string_view parent, std::size_t index);

// How a path is printed in a message: the pointer, or "/" for the document
// itself (an empty pointer would leave "FILE: : ..." in the message).
std::string printable_path(std::string_view pointer);

// "string", "integer", "number", "boolean", "null", "object", "array".
// Integers are told apart from other numbers because config fields care.
std::string json_type_word(const nlohmann::json& value);

}  // namespace nexus::host::config_detail
