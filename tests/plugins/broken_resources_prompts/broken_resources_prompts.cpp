// broken_resources_prompts — MCP resources and prompts with four bugs, a
// fixture for nexus-plugin-check:
//   - the listed resource "fixture://gone" cannot be read (not_found);
//   - any URI it does not know reads as an empty text instead of not_found;
//   - prompt "summarise" renders a "system" message (MCP has user/assistant);
//   - prompt "explain" renders without its required "topic" instead of
//     refusing with invalid_argument.
// Everything else (listing shapes, completions, argument parsing) behaves.
#include <nexus/sdk/plugin.hpp>

namespace {

namespace sdk = nexus::sdk;
using nlohmann::json;

class BrokenResourcesPrompts : public sdk::Resources, public sdk::Prompts {
 public:
  explicit BrokenResourcesPrompts(const sdk::InstanceArgs&) {}

  json list_resources(sdk::CallContext&) override {
    return {
        {"resources", json::array({{{"uri", "fixture://greeting"}, {"name", "greeting"}, {"mimeType", "text/plain"}},
                                   {{"uri", "fixture://gone"}, {"name", "gone"}}})},
        {"resourceTemplates", json::array({{{"uriTemplate", "fixture://notes/{id}"}, {"name", "notes"}}})}};
  }

  json read_resource(sdk::CallContext&, std::string_view uri) override {
    if (uri == "fixture://greeting") return sdk::text_resource(uri, "text/plain", "hello");
    if (uri == "fixture://gone")
      throw sdk::not_found("fixture://gone was listed but is gone");  // THE BUG: listed, unreadable
    return sdk::text_resource(uri, "text/plain", "");                 // THE BUG: unknown URIs are not not_found
  }

  json list_prompts(sdk::CallContext&) override {
    return json::array({{{"name", "summarise"}, {"description", "Summarise a call"}},
                        {{"name", "explain"},
                         {"description", "Explain a topic"},
                         {"arguments", json::array({{{"name", "topic"}, {"required", true}}})}}});
  }

  json get_prompt(sdk::CallContext&, std::string_view name, const json& arguments) override {
    if (name == "summarise")
      return {{"messages", json::array({{{"role", "system"},  // THE BUG: not user or assistant
                                         {"content", {{"type", "text"}, {"text", "Summarise the call."}}}}})}};
    if (name == "explain")  // THE BUG: a missing "topic" is not refused
      return {
          {"messages", json::array({sdk::user_text("Explain " + arguments.value("topic", std::string("{topic}")))})}};
    throw sdk::not_found("no prompt '" + std::string(name) + "'; this plugin has summarise and explain");
  }
};

}  // namespace

NEXUS_PLUGIN(BrokenResourcesPrompts, .id = "broken_resources_prompts", .version = "0.0.1",
             .description = "Test fixture: resources and prompts that break their contracts", .license = "Apache-2.0")
