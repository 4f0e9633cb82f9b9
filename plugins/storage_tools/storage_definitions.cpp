// The MCP Tool definitions of storage_tools; call_tool checks arguments
// against these same inputSchemas (so the storage enum is enforced too).
#include "storage_tools.hpp"

namespace nexus::plugins::storage_tools {
namespace {

using json = nlohmann::json;

json annotations(bool read_only, bool destructive, bool idempotent) {
  return {{"readOnlyHint", read_only},
          {"destructiveHint", destructive},
          {"idempotentHint", idempotent},
          {"openWorldHint", false}};
}

json input(json properties, json required) {
  return {{"type", "object"},
          {"additionalProperties", false},
          {"properties", std::move(properties)},
          {"required", std::move(required)}};
}

json object_info_schema() {
  return {{"type", "object"},
          {"properties",
           {{"key", {{"type", "string"}}},
            {"size", {{"type", "integer"}}},
            {"content_type", {{"type", "string"}}},
            {"etag", {{"type", "string"}}},
            {"last_modified", {{"type", "string"}}},
            {"metadata", {{"type", "object"}}}}},
          {"required", {"key", "size", "content_type"}}};
}

}  // namespace

json tool_definitions(const std::vector<std::string>& storages, bool read_only) {
  const json storage{{"type", "string"},
                     {"enum", storages},
                     {"description", "Which storage to use; one of the configured storage instances."}};
  const json key{
      {"type", "string"}, {"minLength", 1}, {"description", "The object's key, e.g. 'calls/2026/call-1.wav'."}};

  json list{
      {"name", "storage_list"},
      {"title", "List objects"},
      {"description",
       "List objects in a storage (key, size, content type, etag, last modified) in key order, optionally "
       "only keys starting with a prefix. Use it to find keys for storage_read. When next_cursor is "
       "returned, call again with it for the next page."},
      {"inputSchema",
       input({{"storage", storage},
              {"prefix", {{"type", "string"}, {"description", "Only keys starting with this, e.g. 'calls/2026/'."}}},
              {"cursor",
               {{"type", "string"}, {"description", "next_cursor from the previous page; omit for the first page."}}},
              {"limit",
               {{"type", "integer"},
                {"minimum", 1},
                {"maximum", 1000},
                {"description", "Most objects per page (default 100)."}}}},
             {"storage"})},
      {"outputSchema",
       {{"type", "object"},
        {"properties",
         {{"objects", {{"type", "array"}, {"items", object_info_schema()}}},
          {"next_cursor", {{"type", json::array({"string", "null"})}}}}},
        {"required", {"objects", "next_cursor"}}}},
      {"annotations", annotations(true, false, true)}};

  json read{
      {"name", "storage_read"},
      {"title", "Read an object"},
      {"description",
       "Read an object's content. Text and JSON come back as text, images as image content, audio as audio "
       "content, anything else as an embedded resource with base64 data. Large objects must be read in "
       "parts with range; use storage_info first to see the size and type."},
      {"inputSchema",
       input(
           {{"storage", storage},
            {"key", key},
            {"range",
             {{"type", "object"},
              {"additionalProperties", false},
              {"description",
               "Only these bytes, as in HTTP Range: first..last inclusive; omit last for 'to the end'; "
               "a negative first means the last -first bytes."},
              {"properties",
               {{"first", {{"type", "integer"}, {"description", "First byte (0-based), or -N for the last N bytes."}}},
                {"last", {{"type", "integer"}, {"minimum", 0}, {"description", "Last byte, inclusive."}}}}},
              {"required", {"first"}}}}},
           {"storage", "key"})},
      {"annotations", annotations(true, false, true)}};

  json info{{"name", "storage_info"},
            {"title", "Object information"},
            {"description",
             "Get an object's size, content type, etag, last-modified time and metadata without reading it. "
             "Use it to check an object exists or how large it is before storage_read."},
            {"inputSchema", input({{"storage", storage}, {"key", key}}, {"storage", "key"})},
            {"outputSchema", object_info_schema()},
            {"annotations", annotations(true, false, true)}};

  json write{{"name", "storage_write"},
             {"title", "Write an object"},
             {"description",
              "Create or replace an object. Give its content as text (for text, JSON, CSV ...) or as base64 (for "
              "binary data), exactly one of them, and its content type. Replacing an object cannot be undone."},
             {"inputSchema",
              input({{"storage", storage},
                     {"key", key},
                     {"text", {{"type", "string"}, {"description", "The content as UTF-8 text."}}},
                     {"base64", {{"type", "string"}, {"description", "The content as standard base64 (binary data)."}}},
                     {"content_type",
                      {{"type", "string"},
                       {"description",
                        "MIME type, e.g. 'application/json'. Default: text/plain; charset=utf-8 for text, "
                        "application/octet-stream for base64."}}}},
                    {"storage", "key"})},
             {"outputSchema", object_info_schema()},
             {"annotations", annotations(false, true, true)}};

  json del{
      {"name", "storage_delete"},
      {"title", "Delete an object"},
      {"description", "Delete an object from a storage. It cannot be undone; check the key with storage_info first."},
      {"inputSchema", input({{"storage", storage}, {"key", key}}, {"storage", "key"})},
      {"annotations", annotations(false, true, true)}};

  json tools = json::array({list, read, info});
  if (!read_only) {
    tools.push_back(write);
    tools.push_back(del);
  }
  return tools;
}

}  // namespace nexus::plugins::storage_tools
