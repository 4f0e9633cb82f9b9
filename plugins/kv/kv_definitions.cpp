// The MCP Tool definitions of the kv plugin. The inputSchemas here are also
// what call_tool checks arguments against (check_arguments), so a tool's
// documentation and its validation cannot drift apart.
#include "kv_tools.hpp"

namespace nexus::plugins::kv {
namespace {

using json = nlohmann::json;

json key_property(const char* description) {
  return {{"type", "string"}, {"minLength", 1}, {"description", description}};
}

json annotations(bool read_only, bool destructive, bool idempotent) {
  return {{"readOnlyHint", read_only},
          {"destructiveHint", destructive},
          {"idempotentHint", idempotent},
          {"openWorldHint", false}};
}

json kv_get() {
  return {
      {"name", "kv_get"},
      {"title", "Get a value"},
      {"description",
       "Read the value stored under a key in the key-value store. Use it when you know the key (use kv_list to find "
       "keys). "
       "Returns the value as text when it is UTF-8, otherwise base64 (encoding says which), with its content type and "
       "etag (pass the etag to kv_put's if_match to update it safely)."},
      {"inputSchema",
       {{"type", "object"},
        {"additionalProperties", false},
        {"properties", {{"key", key_property("The key to read, e.g. 'calls/123/summary'.")}}},
        {"required", {"key"}}}},
      {"outputSchema",
       {{"type", "object"},
        {"properties",
         {{"key", {{"type", "string"}}},
          {"value", {{"type", "string"}}},
          {"encoding", {{"type", "string"}, {"enum", {"utf-8", "base64"}}}},
          {"content_type", {{"type", "string"}}},
          {"etag", {{"type", "string"}}},
          {"size", {{"type", "integer"}}}}},
        {"required", {"key", "value", "encoding", "content_type", "etag"}}}},
      {"annotations", annotations(true, false, true)}};
}

json kv_put() {
  return {{"name", "kv_put"},
          {"title", "Put a value"},
          {"description",
           "Store a value under a key in the key-value store, replacing any existing value. Use it to save notes, "
           "results or "
           "state for later. Pass if_match (an etag from kv_get) to update only if nobody changed the value since you "
           "read it."},
          {"inputSchema",
           {{"type", "object"},
            {"additionalProperties", false},
            {"properties",
             {{"key", key_property("The key to write, e.g. 'calls/123/summary'. Segments are separated by '/'.")},
              {"value", {{"type", "string"}, {"description", "The value: text, or base64 when encoding is 'base64'."}}},
              {"encoding",
               {{"type", "string"},
                {"enum", {"utf-8", "base64"}},
                {"description", "How value is written: 'utf-8' text (default) or 'base64' for binary data."}}},
              {"content_type",
               {{"type", "string"},
                {"description",
                 "MIME type of the value, e.g. 'application/json'. Default: text/plain; charset=utf-8 "
                 "(application/octet-stream for base64)."}}},
              {"if_match",
               {{"type", "string"},
                {"description", "Write only if the current value's etag equals this (from kv_get)."}}}}},
            {"required", {"key", "value"}}}},
          {"outputSchema",
           {{"type", "object"},
            {"properties",
             {{"key", {{"type", "string"}}},
              {"etag", {{"type", "string"}}},
              {"size", {{"type", "integer"}}},
              {"content_type", {{"type", "string"}}}}},
            {"required", {"key", "etag", "size"}}}},
          {"annotations", annotations(false, true, true)}};
}

json kv_delete() {
  return {{"name", "kv_delete"},
          {"title", "Delete a key"},
          {"description",
           "Delete a key and its value from the key-value store. Use it when a stored value is no longer needed; "
           "it cannot be undone."},
          {"inputSchema",
           {{"type", "object"},
            {"additionalProperties", false},
            {"properties", {{"key", key_property("The key to delete.")}}},
            {"required", {"key"}}}},
          {"annotations", annotations(false, true, true)}};
}

json kv_list() {
  return {{"name", "kv_list"},
          {"title", "List keys"},
          {"description",
           "List the keys of the key-value store in ascending order, optionally only those starting with a prefix. Use "
           "it to "
           "discover keys before kv_get. When next_cursor is returned, call again with it to get the next page."},
          {"inputSchema",
           {{"type", "object"},
            {"additionalProperties", false},
            {"properties",
             {{"prefix", {{"type", "string"}, {"description", "Only keys starting with this, e.g. 'calls/123/'."}}},
              {"cursor",
               {{"type", "string"}, {"description", "next_cursor from the previous page; omit for the first page."}}},
              {"limit",
               {{"type", "integer"},
                {"minimum", 1},
                {"maximum", 1000},
                {"description", "Most keys per page (default 100)."}}}}}}},
          {"outputSchema",
           {{"type", "object"},
            {"properties",
             {{"keys", {{"type", "array"}, {"items", {{"type", "string"}}}}},
              {"next_cursor", {{"type", json::array({"string", "null"})}}}}},
            {"required", {"keys", "next_cursor"}}}},
          {"annotations", annotations(true, false, true)}};
}

}  // namespace

json tool_definitions(bool read_only) {
  json tools = json::array({kv_get(), kv_list()});
  if (!read_only) {
    tools.push_back(kv_put());
    tools.push_back(kv_delete());
  }
  return tools;
}

}  // namespace nexus::plugins::kv
