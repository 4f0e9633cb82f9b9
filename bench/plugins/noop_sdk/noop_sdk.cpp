// noop_sdk — the same do-nothing tool written with the C++ SDK: the SDK's
// JSON parse of the arguments and dump of the result are the difference.
#include <nexus/sdk/sdk.hpp>

class NoopTools : public nexus::sdk::Tools {
 public:
  explicit NoopTools(const nexus::sdk::InstanceArgs&) {}
  nlohmann::json list_tools(nexus::sdk::CallContext&) override {
    return nlohmann::json::parse(R"([{"name":"noop","inputSchema":{"type":"object"}}])");
  }
  nlohmann::json call_tool(nexus::sdk::CallContext&, std::string_view, const nlohmann::json&) override {
    return nexus::sdk::text_result("ok");
  }
};

NEXUS_PLUGIN(NoopTools, .id = "noop_sdk", .version = "1.0.0", .description = "A tool that does nothing (benchmarks)",
             .license = "Apache-2.0", .concurrency = NEXUS_CONCURRENCY_PARALLEL)
