// mcp_shapes.hpp — the MCP (revision 2025-11-25) JSON shapes several kinds
// of plugin write: content blocks (tool results, prompt messages), resource
// contents, completion results. Each function returns "" when `j` has the
// shape, else what is wrong in plain words, naming `where`.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace nexus::check {

// A ContentBlock: text, image, audio, resource (embedded) or resource_link.
std::string content_block_problem(const nlohmann::json& j, const std::string& where);

// A ReadResourceResult: {"contents": [{"uri", "mimeType"?, "text" | "blob"}, ...]}.
std::string read_resource_result_problem(const nlohmann::json& j);

// A completion: {"values": [strings, at most 100], "total"?: integer, "hasMore"?: boolean}.
std::string completion_problem(const nlohmann::json& j);

// True when `text` is standard base64 (RFC 4648 §4, padded), as MCP blobs are.
bool is_base64(const std::string& text);

}  // namespace nexus::check
