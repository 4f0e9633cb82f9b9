// broken_tools_schema — tools whose list breaks tools.h twice: "shout" takes
// a string schema instead of an object schema, and "echo" is listed twice.
// Calls themselves behave. A fixture for nexus-plugin-check.
#include <nexus/sdk/plugin.hpp>

namespace {

namespace sdk = nexus::sdk;
using nlohmann::json;

class BrokenToolsSchema : public sdk::Tools {
 public:
  explicit BrokenToolsSchema(const sdk::InstanceArgs&) {}

  json list_tools(sdk::CallContext&) override {
    const json echo_schema = {{"type", "object"},
                              {"properties", {{"text", {{"type", "string"}}}}},
                              {"required", {"text"}},
                              {"additionalProperties", false}};
    return json::array({
        {{"name", "echo"},
         {"description", "Returns its text"},
         {"inputSchema", echo_schema},
         {"x-nexus-inline", "yes"}},  // THE BUG: a string, not a boolean
        {{"name", "shout"},
         {"description", "Upper-cases text"},
         {"inputSchema", {{"type", "string"}}}},  // THE BUG: not an object schema
        {{"name", "echo"},
         {"description", "The same name again"},
         {"inputSchema", echo_schema}},  // THE BUG: duplicate name
    });
  }

  json call_tool(sdk::CallContext&, std::string_view name, const json& args) override {
    if (name != "echo" && name != "shout")
      throw sdk::not_found("no tool '" + std::string(name) + "'; this plugin has echo and shout");
    if (!args.contains("text") || !args["text"].is_string() || args.size() != 1)
      return sdk::text_result("expected exactly {\"text\": string}", true);
    return sdk::text_result(args["text"].get<std::string>());
  }
};

}  // namespace

NEXUS_PLUGIN(BrokenToolsSchema, .id = "broken_tools_schema", .version = "0.0.1",
             .description = "Test fixture: tools with a non-object input schema and a duplicate name",
             .license = "Apache-2.0")
