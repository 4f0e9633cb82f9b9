#include "content_items.hpp"

#include <cctype>

#include <nexus/sdk/tool_support.hpp>

namespace nexus::plugins::storage_tools {

using ::nexus::sdk::base64_encode;
using ::nexus::sdk::is_valid_utf8;

namespace {

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

bool is_textual(std::string_view type) {
  if (type.substr(0, 5) == "text/") return true;
  if (ends_with(type, "+json") || ends_with(type, "+xml")) return true;
  for (std::string_view t :
       {"application/json", "application/xml", "application/javascript", "application/x-ndjson", "application/yaml",
        "application/x-yaml", "application/toml", "application/sql", "application/csv"})
    if (type == t) return true;
  return false;
}

std::string shown_type(std::string_view content_type) {
  return content_type.empty() ? std::string("application/octet-stream") : std::string(content_type);
}

}  // namespace

std::string essence(std::string_view content_type) {
  const auto semi = content_type.find(';');
  std::string_view e = content_type.substr(0, semi);
  while (!e.empty() && std::isspace(static_cast<unsigned char>(e.back()))) e.remove_suffix(1);
  while (!e.empty() && std::isspace(static_cast<unsigned char>(e.front()))) e.remove_prefix(1);
  std::string out(e);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

ContentKind content_kind(std::string_view content_type, std::string_view bytes) {
  const std::string type = essence(content_type);
  if (is_textual(type)) return is_valid_utf8(bytes) ? ContentKind::text : ContentKind::blob;
  if (type.substr(0, 6) == "image/") return ContentKind::image;
  if (type.substr(0, 6) == "audio/") return ContentKind::audio;
  return ContentKind::blob;
}

nlohmann::json content_item(std::string_view uri, std::string_view content_type, std::string_view bytes) {
  switch (content_kind(content_type, bytes)) {
    case ContentKind::text:
      return {{"type", "text"}, {"text", std::string(bytes)}};
    case ContentKind::image:
      return {{"type", "image"}, {"data", base64_encode(bytes)}, {"mimeType", essence(content_type)}};
    case ContentKind::audio:
      return {{"type", "audio"}, {"data", base64_encode(bytes)}, {"mimeType", essence(content_type)}};
    case ContentKind::blob:
      break;
  }
  return {{"type", "resource"}, {"resource", resource_contents(uri, content_type, bytes)}};
}

nlohmann::json resource_contents(std::string_view uri, std::string_view content_type, std::string_view bytes) {
  nlohmann::json c{{"uri", std::string(uri)}, {"mimeType", shown_type(content_type)}};
  if (content_kind(content_type, bytes) == ContentKind::text)
    c["text"] = std::string(bytes);
  else
    c["blob"] = base64_encode(bytes);
  return c;
}

}  // namespace nexus::plugins::storage_tools
