#include "mcp_shapes.hpp"

namespace nexus::check {

namespace {

using nlohmann::json;

bool has_string(const json& o, const char* field) {
  return o.is_object() && o.contains(field) && o[field].is_string();
}

// "" when an optional field is absent or a string.
std::string optional_string(const json& o, const char* field, const std::string& where) {
  if (o.contains(field) && !o[field].is_string()) return where + " has a \"" + field + "\" that is not a string";
  return {};
}

// One entry of "contents" (also the "resource" of an embedded resource block).
std::string resource_contents_problem(const json& c, const std::string& where) {
  if (!c.is_object()) return where + " is not an object";
  if (!has_string(c, "uri") || c["uri"].get<std::string>().empty()) return where + " has no \"uri\" string";
  if (auto p = optional_string(c, "mimeType", where); !p.empty()) return p;
  const bool text = c.contains("text"), blob = c.contains("blob");
  if (text == blob) return where + " must have exactly one of \"text\" and \"blob\"";
  if (text && !c["text"].is_string()) return where + " has a \"text\" that is not a string";
  if (blob && (!c["blob"].is_string() || !is_base64(c["blob"].get<std::string>())))
    return where + " has a \"blob\" that is not a base64 string";
  return {};
}

}  // namespace

bool is_base64(const std::string& text) {
  if (text.size() % 4 != 0) return false;
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alphabet =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (c == '=') {
      if (i + 2 < text.size()) return false;  // padding only in the last two places
      ++padding;
    } else if (!alphabet || padding) {
      return false;
    }
  }
  return true;
}

std::string content_block_problem(const json& item, const std::string& where) {
  if (!item.is_object() || !has_string(item, "type")) return where + " has no \"type\" string";
  const std::string type = item["type"];
  if (type == "text") {
    if (!has_string(item, "text")) return where + " is a text item without a \"text\" string";
  } else if (type == "image" || type == "audio") {
    if (!has_string(item, "data") || !has_string(item, "mimeType"))
      return where + " is an " + type + " item without \"data\" (base64) and \"mimeType\" strings";
  } else if (type == "resource") {
    if (!item.contains("resource") || !item["resource"].is_object() || !has_string(item["resource"], "uri"))
      return where + " is a resource item without \"resource\": {\"uri\": ...}";
  } else if (type == "resource_link") {
    if (!has_string(item, "uri") || !has_string(item, "name"))
      return where + " is a resource_link without \"uri\" and \"name\"";
  } else {
    return where + " has the unknown type '" + type + "' (text, image, audio, resource, resource_link)";
  }
  return {};
}

std::string read_resource_result_problem(const json& r) {
  if (!r.is_object()) return "the result is not a JSON object";
  if (!r.contains("contents") || !r["contents"].is_array()) return "the result has no \"contents\" array";
  if (r["contents"].empty()) return "\"contents\" is empty; a resource that exists has at least one entry";
  std::size_t i = 0;
  for (const auto& c : r["contents"])
    if (auto p = resource_contents_problem(c, "contents[" + std::to_string(i++) + "]"); !p.empty()) return p;
  return {};
}

std::string completion_problem(const json& r) {
  if (!r.is_object()) return "the completion is not a JSON object";
  if (!r.contains("values") || !r["values"].is_array()) return "the completion has no \"values\" array";
  if (r["values"].size() > 100)
    return "the completion has " + std::to_string(r["values"].size()) + " values; MCP allows 100";
  for (const auto& v : r["values"])
    if (!v.is_string()) return "a completion value is not a string: " + v.dump();
  if (r.contains("total") && !r["total"].is_number_integer()) return "\"total\" is not an integer";
  if (r.contains("hasMore") && !r["hasMore"].is_boolean()) return "\"hasMore\" is not a boolean";
  return {};
}

}  // namespace nexus::check
