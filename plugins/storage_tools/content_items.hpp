// How an object's bytes reach an agent, decided by its content type: text
// for text/* and JSON/XML-like types (when the bytes are UTF-8), an MCP
// image or audio item for image/* and audio/*, otherwise an embedded
// resource carrying a base64 blob.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nexus::plugins::storage_tools {

enum class ContentKind { text, image, audio, blob };

// The MIME type without parameters, lower-cased ("Text/Plain; charset=x" -> "text/plain").
std::string essence(std::string_view content_type);

ContentKind content_kind(std::string_view content_type, std::string_view bytes);

// The CallToolResult content item for an object's bytes.
nlohmann::json content_item(std::string_view uri, std::string_view content_type, std::string_view bytes);

// One entry of a ReadResourceResult's "contents" (text or blob).
nlohmann::json resource_contents(std::string_view uri, std::string_view content_type, std::string_view bytes);

}  // namespace nexus::plugins::storage_tools
