// conformance — the MCP conformance suite's fixture: tools, resources and
// prompts with the names and results its server scenarios check. Written
// from the suite's scenario descriptions; see tests/mcp/README.md.
//
// Config: {"prefix": ""} — an optional name prefix for every tool, so tests
// can load two instances whose names do or do not collide.
#include <nexus/sdk/plugin.hpp>

#include <chrono>
#include <set>
#include <string>
#include <thread>

namespace {

namespace sdk = nexus::sdk;
using nlohmann::json;

// A 1x1 red PNG and a tiny silent WAV, base64.
constexpr const char* kPng =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
constexpr const char* kWav = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=";

constexpr const char* kSchema = R"({
  "type": "object",
  "properties": {
    "prefix": {"type": "string"},
    "inline_flag": {"description": "The value of x-nexus-inline on the tools that never wait (default true); tests set others"}
  },
  "additionalProperties": false
})";

json no_args() { return {{"type", "object"}, {"properties", json::object()}}; }

json tool(const std::string& name, const std::string& description, json input = no_args()) {
  return {{"name", name}, {"description", description}, {"inputSchema", std::move(input)}};
}

json string_args(std::initializer_list<std::pair<const char*, const char*>> props) {
  json p = json::object();
  json required = json::array();
  for (const auto& [name, description] : props) {
    p[name] = {{"type", "string"}, {"description", description}};
    required.push_back(name);
  }
  return {{"type", "object"}, {"properties", p}, {"required", required}};
}

json text(const std::string& t) { return {{"type", "text"}, {"text", t}}; }

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::string elicitation_summary(const json& r) {
  return "Elicitation completed: action=" + r.value("action", std::string("?")) +
         ", content=" + (r.contains("content") ? r["content"].dump() : std::string("{}"));
}

class Conformance : public sdk::Tools, public sdk::Resources, public sdk::Prompts {
 public:
  explicit Conformance(const sdk::InstanceArgs& args)
      : prefix_(args.config.get_or<std::string>("prefix", "")),
        inline_flag_(args.config.get_or<json>("inline_flag", true)) {}

  // ---- tools ----
  json list_tools(sdk::CallContext&) override {
    json tools = json::array({
        tool("test_simple_text", "Returns simple text content"),
        tool("test_image_content", "Returns image content"),
        tool("test_audio_content", "Returns audio content"),
        tool("test_embedded_resource", "Returns an embedded resource"),
        tool("test_multiple_content_types", "Returns text, image and resource content"),
        tool("test_tool_with_logging", "Sends three log notifications while it runs"),
        tool("test_tool_with_progress", "Reports progress 0, 50 and 100 of 100"),
        tool("test_error_handling", "Always returns an error result"),
        tool("test_sampling", "Asks the client's LLM (sampling/createMessage)",
             string_args({{"prompt", "The prompt to send to the LLM"}})),
        tool("test_elicitation", "Asks the user for input (elicitation/create)",
             string_args({{"message", "The message to show the user"}})),
        tool("test_elicitation_sep1034_defaults", "Elicitation with defaults for every primitive type"),
        tool("test_elicitation_sep1330_enums", "Elicitation with every enum variant"),
        tool("test_reconnection", "Returns after a short wait (SSE polling scenario)"),
        {{"name", "json_schema_2020_12_tool"},
         {"description", "Tool with JSON Schema 2020-12 features"},
         {"inputSchema",
          {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
           {"type", "object"},
           {"$defs",
            {{"address",
              {{"type", "object"},
               {"properties", {{"street", {{"type", "string"}}}, {"city", {{"type", "string"}}}}}}}}},
           {"properties", {{"name", {{"type", "string"}}}, {"address", {{"$ref", "#/$defs/address"}}}}},
           {"additionalProperties", false}}}},
        {{"name", "test_structured_output"},
         {"description", "Returns structured content matching its outputSchema"},
         {"inputSchema", {{"type", "object"}, {"properties", {{"bad", {{"type", "boolean"}}}}}}},
         {"outputSchema",
          {{"type", "object"}, {"properties", {{"count", {{"type", "integer"}}}}}, {"required", {"count"}}}}},
        tool("test_wait_for_cancel", "Waits until the call is cancelled (at most 10 s)"),
    });
    // These only build their answer: they never wait, log, report progress
    // or ask the client, so they may run on the host's I/O thread (tools.h).
    // The official conformance suite then checks the answers of both paths.
    static const std::set<std::string> kNeverWait = {"test_simple_text",        "test_image_content",
                                                     "test_audio_content",      "test_embedded_resource",
                                                     "test_multiple_content_types", "test_error_handling",
                                                     "json_schema_2020_12_tool", "test_structured_output"};
    for (auto& t : tools)
      if (kNeverWait.contains(t["name"].get<std::string>())) t["x-nexus-inline"] = inline_flag_;
    if (!prefix_.empty())
      for (auto& t : tools) t["name"] = prefix_ + t["name"].get<std::string>();
    return tools;
  }

  json call_tool(sdk::CallContext& ctx, std::string_view full_name, const json& args) override {
    if (!full_name.starts_with(prefix_)) throw sdk::not_found("no tool '" + std::string(full_name) + "'");
    const std::string name(full_name.substr(prefix_.size()));
    if (name == "test_simple_text") return {{"content", {text("This is a simple text response for testing.")}}};
    if (name == "test_image_content")
      return {{"content", {{{"type", "image"}, {"data", kPng}, {"mimeType", "image/png"}}}}};
    if (name == "test_audio_content")
      return {{"content", {{{"type", "audio"}, {"data", kWav}, {"mimeType", "audio/wav"}}}}};
    if (name == "test_embedded_resource")
      return {{"content",
               {{{"type", "resource"},
                 {"resource",
                  {{"uri", "test://embedded-resource"},
                   {"mimeType", "text/plain"},
                   {"text", "This is an embedded resource content."}}}}}}};
    if (name == "test_multiple_content_types")
      return {{"content",
               {text("Multiple content types test:"),
                {{"type", "image"}, {"data", kPng}, {"mimeType", "image/png"}},
                {{"type", "resource"},
                 {"resource",
                  {{"uri", "test://mixed-content-resource"},
                   {"mimeType", "application/json"},
                   {"text", R"({"test":"data","value":123})"}}}}}}};
    if (name == "test_tool_with_logging") {
      ctx.log(NEXUS_LOG_INFO, "Tool execution started");
      sleep_ms(50);
      ctx.log(NEXUS_LOG_INFO, "Tool processing data");
      sleep_ms(50);
      ctx.log(NEXUS_LOG_INFO, "Tool execution completed");
      return {{"content", {text("Tool with logging executed successfully")}}};
    }
    if (name == "test_tool_with_progress") {
      // The progress token stays with the host (the ABI does not show a
      // request's _meta to plugins); the host attaches it to every
      // notifications/progress of this call.
      ctx.progress(0, 100);
      sleep_ms(50);
      ctx.progress(50, 100);
      sleep_ms(50);
      ctx.progress(100, 100);
      return {{"content", {text("Tool with progress executed successfully")}}};
    }
    if (name == "test_error_handling") return sdk::text_result("This tool intentionally returns an error for testing", true);
    if (name == "test_sampling") {
      const json r = ctx.client_request(
          "sampling/createMessage",
          {{"messages", {{{"role", "user"}, {"content", text(args.value("prompt", std::string()))}}}},
           {"maxTokens", 100}});
      const std::string answer = r.contains("content") && r["content"].is_object() ? r["content"].value("text", std::string()) : r.dump();
      return {{"content", {text("LLM response: " + answer)}}};
    }
    if (name == "test_elicitation") {
      const json schema = {{"type", "object"},
                           {"properties",
                            {{"username", {{"type", "string"}, {"description", "User's response"}}},
                             {"email", {{"type", "string"}, {"description", "User's email address"}}}}},
                           {"required", {"username", "email"}}};
      const json r = ctx.client_request("elicitation/create",
                                        {{"message", args.value("message", std::string())}, {"requestedSchema", schema}});
      return {{"content", {text("User response: " + r.dump())}}};
    }
    if (name == "test_elicitation_sep1034_defaults") {
      const json schema = {
          {"type", "object"},
          {"properties",
           {{"name", {{"type", "string"}, {"description", "User name"}, {"default", "John Doe"}}},
            {"age", {{"type", "integer"}, {"description", "User age"}, {"default", 30}}},
            {"score", {{"type", "number"}, {"description", "User score"}, {"default", 95.5}}},
            {"status",
             {{"type", "string"},
              {"description", "User status"},
              {"enum", {"active", "inactive", "pending"}},
              {"default", "active"}}},
            {"verified", {{"type", "boolean"}, {"description", "Verification status"}, {"default", true}}}}},
          {"required", json::array()}};
      const json r = ctx.client_request(
          "elicitation/create", {{"message", "Test client default value handling - please accept with defaults"},
                                 {"requestedSchema", schema}});
      return {{"content", {text(elicitation_summary(r))}}};
    }
    if (name == "test_elicitation_sep1330_enums") {
      const json schema = {
          {"type", "object"},
          {"properties",
           {{"untitledSingle", {{"type", "string"}, {"enum", {"option1", "option2", "option3"}}}},
            {"titledSingle",
             {{"type", "string"},
              {"oneOf",
               {{{"const", "value1"}, {"title", "First Option"}},
                {{"const", "value2"}, {"title", "Second Option"}},
                {{"const", "value3"}, {"title", "Third Option"}}}}}},
            {"legacyEnum",
             {{"type", "string"},
              {"enum", {"opt1", "opt2", "opt3"}},
              {"enumNames", {"Option One", "Option Two", "Option Three"}}}},
            {"untitledMulti",
             {{"type", "array"}, {"items", {{"type", "string"}, {"enum", {"option1", "option2", "option3"}}}}}},
            {"titledMulti",
             {{"type", "array"},
              {"items",
               {{"anyOf",
                 {{{"const", "value1"}, {"title", "First Choice"}},
                  {{"const", "value2"}, {"title", "Second Choice"}},
                  {{"const", "value3"}, {"title", "Third Choice"}}}}}}}}}},
          {"required", json::array()}};
      const json r = ctx.client_request("elicitation/create",
                                        {{"message", "Test enum variants (SEP-1330)"}, {"requestedSchema", schema}});
      return {{"content", {text(elicitation_summary(r))}}};
    }
    if (name == "test_reconnection") {
      sleep_ms(100);
      return {{"content", {text("Reconnection test completed successfully")}}};
    }
    if (name == "json_schema_2020_12_tool") return {{"content", {text("Received: " + args.dump())}}};
    if (name == "test_structured_output") {
      if (args.value("bad", false)) return {{"content", {text("{}")}}, {"structuredContent", {{"count", "many"}}}};
      return sdk::structured_result({{"count", 3}});
    }
    if (name == "test_wait_for_cancel") {
      for (int i = 0; i < 200 && !ctx.cancelled(); ++i) sleep_ms(50);
      // Said as a log line too: a server does not answer a cancelled
      // request, so the result below may never reach the client.
      if (ctx.cancelled()) ctx.log(NEXUS_LOG_INFO, "test_wait_for_cancel saw the cancellation");
      return {{"content", {text(ctx.cancelled() ? "cancelled" : "not cancelled")}}};
    }
    throw sdk::not_found("no tool '" + std::string(full_name) + "' in the conformance fixture");
  }

  // ---- resources ----
  json list_resources(sdk::CallContext&) override {
    return {{"resources",
             {{{"uri", "test://static-text"},
               {"name", "static-text"},
               {"description", "A static text resource"},
               {"mimeType", "text/plain"}},
              {{"uri", "test://static-binary"},
               {"name", "static-binary"},
               {"description", "A static binary resource (a PNG)"},
               {"mimeType", "image/png"}},
              {{"uri", "test://watched-resource"},
               {"name", "watched-resource"},
               {"description", "A resource clients can subscribe to"},
               {"mimeType", "text/plain"}}}},
            {"resourceTemplates",
             {{{"uriTemplate", "test://template/{id}/data"},
               {"name", "template-data"},
               {"description", "Data for an id"},
               {"mimeType", "application/json"}}}}};
  }

  json read_resource(sdk::CallContext&, std::string_view uri) override {
    if (uri == "test://static-text")
      return sdk::text_resource(uri, "text/plain", "This is the content of the static text resource.");
    if (uri == "test://static-binary") return sdk::blob_resource(uri, "image/png", kPng);
    if (uri == "test://watched-resource") return sdk::text_resource(uri, "text/plain", "Watched resource content.");
    constexpr std::string_view head = "test://template/", tail = "/data";
    if (uri.starts_with(head) && uri.ends_with(tail) && uri.size() > head.size() + tail.size()) {
      const std::string id(uri.substr(head.size(), uri.size() - head.size() - tail.size()));
      const json body = {{"id", id}, {"templateTest", true}, {"data", "Data for ID: " + id}};
      return sdk::text_resource(uri, "application/json", body.dump());
    }
    throw sdk::not_found("no resource '" + std::string(uri) + "' in the conformance fixture");
  }

  json complete_resource_argument(sdk::CallContext&, std::string_view, std::string_view, std::string_view partial,
                                  const json&) override {
    std::vector<std::string> values;
    for (const char* v : {"1", "2", "3", "123"})
      if (std::string_view(v).starts_with(partial)) values.emplace_back(v);
    return sdk::completion_values(values);
  }

  // ---- prompts ----
  json list_prompts(sdk::CallContext&) override {
    return json::array(
        {{{"name", "test_simple_prompt"}, {"description", "A simple prompt without arguments"}},
         {{"name", "test_prompt_with_arguments"},
          {"description", "A prompt with two required arguments"},
          {"arguments",
           {{{"name", "arg1"}, {"description", "First test argument"}, {"required", true}},
            {{"name", "arg2"}, {"description", "Second test argument"}, {"required", true}}}}},
         {{"name", "test_prompt_with_embedded_resource"},
          {"description", "A prompt with an embedded resource"},
          {"arguments", {{{"name", "resourceUri"}, {"description", "URI of the resource to embed"}, {"required", true}}}}},
         {{"name", "test_prompt_with_image"}, {"description", "A prompt with image content"}}});
  }

  json get_prompt(sdk::CallContext&, std::string_view name, const json& args) override {
    auto arg = [&](const char* key) {
      if (!args.contains(key) || !args[key].is_string())
        throw sdk::invalid_argument("prompt '" + std::string(name) + "' needs the string argument '" + key + "'");
      return args[key].get<std::string>();
    };
    if (name == "test_simple_prompt") return {{"messages", {sdk::user_text("This is a simple prompt for testing.")}}};
    if (name == "test_prompt_with_arguments")
      return {{"messages",
               {sdk::user_text("Prompt with arguments: arg1='" + arg("arg1") + "', arg2='" + arg("arg2") + "'")}}};
    if (name == "test_prompt_with_embedded_resource")
      return {{"messages",
               {{{"role", "user"},
                 {"content",
                  {{"type", "resource"},
                   {"resource",
                    {{"uri", arg("resourceUri")},
                     {"mimeType", "text/plain"},
                     {"text", "Embedded resource content for testing."}}}}}},
                sdk::user_text("Please process the embedded resource above.")}}};
    if (name == "test_prompt_with_image")
      return {{"messages",
               {{{"role", "user"}, {"content", {{"type", "image"}, {"data", kPng}, {"mimeType", "image/png"}}}},
                sdk::user_text("Please analyze the image above.")}}};
    throw sdk::not_found("no prompt '" + std::string(name) + "' in the conformance fixture");
  }

  json complete_prompt_argument(sdk::CallContext&, std::string_view, std::string_view, std::string_view partial,
                                const json&) override {
    std::vector<std::string> values;
    for (const char* v : {"test", "testing", "hello"})
      if (std::string_view(v).starts_with(partial)) values.emplace_back(v);
    return sdk::completion_values(values);
  }

 private:
  std::string prefix_;
  json inline_flag_;  // config inline_flag: x-nexus-inline of the tools that never wait
};

}  // namespace

NEXUS_PLUGIN(Conformance, .id = "conformance", .version = "0.1.0",
             .description = "Test fixture: the MCP conformance suite's tools, resources and prompts",
             .license = "Apache-2.0", .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
