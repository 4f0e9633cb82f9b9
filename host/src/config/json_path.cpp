// config/json_path.cpp — see json_path.hpp.
#include "config/json_path.hpp"

namespace nexus::host::config_detail {

std::string child_path(std::string_view parent, std::string_view key) {
  std::string out(parent);
  out += '/';
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string child_path(std::string_view parent, std::size_t index) {
  return child_path(parent, std::to_string(index));
}

std::string printable_path(std::string_view pointer) {
  return pointer.empty() ? std::string("/") : std::string(pointer);
}

std::string json_type_word(const nlohmann::json& value) {
  if (value.is_number_integer() || value.is_number_unsigned()) return "integer";
  if (value.is_number_float()) return "number";
  return value.type_name();  // string, boolean, null, object, array
}

}  // namespace nexus::host::config_detail
