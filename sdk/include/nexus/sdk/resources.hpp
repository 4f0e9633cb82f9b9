// nexus/sdk/resources.hpp — serve MCP resources ("nexus.resources/1") by
// deriving from nexus::sdk::Resources.
#pragma once

#include <nexus/resources.h>

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nexus/sdk/context.hpp"
#include "nexus/sdk/error.hpp"
#include "nexus/sdk/instance.hpp"
#include "nexus/sdk/io.hpp"

namespace nexus::sdk {

// A ReadResourceResult with one text content.
inline nlohmann::json text_resource(std::string_view uri, std::string_view mime_type, std::string_view text) {
  return {{"contents", nlohmann::json::array({{{"uri", std::string(uri)}, {"mimeType", std::string(mime_type)}, {"text", std::string(text)}}})}};
}
// A ReadResourceResult with one binary content, already base64-encoded.
inline nlohmann::json blob_resource(std::string_view uri, std::string_view mime_type, std::string_view base64) {
  return {{"contents", nlohmann::json::array({{{"uri", std::string(uri)}, {"mimeType", std::string(mime_type)}, {"blob", std::string(base64)}}})}};
}
// A completion result: {"completion": ...} is added by the host.
inline nlohmann::json completion_values(const std::vector<std::string>& values, bool has_more = false) {
  return {{"values", values}, {"total", values.size()}, {"hasMore", has_more}};
}

class Resources : public virtual Instance {
 public:
  // {"resources": [...], "resourceTemplates": [...]}; see resources.h.
  virtual nlohmann::json list_resources(CallContext& ctx) = 0;
  // A ReadResourceResult; throw not_found for an unknown URI.
  virtual nlohmann::json read_resource(CallContext& ctx, std::string_view uri) = 0;
  // Suggestions for a template argument; none by default.
  virtual nlohmann::json complete_resource_argument(CallContext&, std::string_view /*uri_template*/,
                                                    std::string_view /*argument*/, std::string_view /*partial*/,
                                                    const nlohmann::json& /*context*/) {
    return completion_values({});
  }
};

namespace detail {

inline nlohmann::json parse_object_or_empty(nexus_str s, const char* what) {
  if (!s.size) return nlohmann::json::object();
  auto j = nlohmann::json::parse(view(s), nullptr, false);
  if (!j.is_object()) throw invalid_argument(std::string(what) + " must be a JSON object");
  return j;
}

template <typename P>
struct ResourcesAdapter {
  static Resources& self(void* inst) noexcept { return *static_cast<P*>(inst); }
  static nexus_status on_list_resources(void* inst, const nexus_call_context* c, const nexus_writer* out) noexcept {
    CallContext ctx(c);
    return guard([&] {
      nlohmann::json r = self(inst).list_resources(ctx);
      if (!r.is_object()) throw internal("list_resources must return a JSON object");
      if (!r.contains("resources")) r["resources"] = nlohmann::json::array();
      if (!r.contains("resourceTemplates")) r["resourceTemplates"] = nlohmann::json::array();
      Writer(out).write(r.dump());
    }, [&](std::string_view m) { ctx.set_error(m); });
  }
  static nexus_status on_read_resource(void* inst, const nexus_call_context* c, nexus_str uri, const nexus_writer* out) noexcept {
    CallContext ctx(c);
    return guard([&] {
      const nlohmann::json r = self(inst).read_resource(ctx, view(uri));
      if (!r.is_object() || !r.contains("contents") || !r["contents"].is_array())
        throw internal("read_resource must return {\"contents\": [...]}");
      Writer(out).write(r.dump());
    }, [&](std::string_view m) { ctx.set_error(m); });
  }
  static nexus_status on_complete(void* inst, const nexus_call_context* c, nexus_str uri_template, nexus_str argument,
                                  nexus_str partial, nexus_str context_json, const nexus_writer* out) noexcept {
    CallContext ctx(c);
    return guard([&] {
      const nlohmann::json r = self(inst).complete_resource_argument(ctx, view(uri_template), view(argument), view(partial),
                                                                     parse_object_or_empty(context_json, "completion context"));
      Writer(out).write(r.dump());
    }, [&](std::string_view m) { ctx.set_error(m); });
  }
  static constexpr nexus_resources_v1 table{sizeof(nexus_resources_v1), &on_list_resources, &on_read_resource, &on_complete};
};

}  // namespace detail
}  // namespace nexus::sdk
