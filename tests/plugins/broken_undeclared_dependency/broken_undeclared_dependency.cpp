// broken_undeclared_dependency — a tools plugin that looks up the storage
// instance named in its config, but whose schema does not mark that property
// "x-nexus-instance" (THE BUG), so the host never learns of the dependency
// and callback_find_interface refuses it with failed_precondition. A fixture
// for nexus-plugin-check's --dependency.
#include <nexus/sdk/plugin.hpp>

namespace {

namespace sdk = nexus::sdk;
using nlohmann::json;

constexpr const char* kSchema = R"json({
  "type": "object",
  "additionalProperties": false,
  "required": ["storage"],
  "properties": {"storage": {"type": "string", "minLength": 1}}
})json";

class UndeclaredDependency : public sdk::Tools {
 public:
  explicit UndeclaredDependency(const sdk::InstanceArgs& args)
      : storage_(args.host.find<nexus_storage_v1>(args.config.get<std::string>("storage"), NEXUS_STORAGE_V1)) {}

  json list_tools(sdk::CallContext&) override { return json::array(); }
  json call_tool(sdk::CallContext&, std::string_view name, const json&) override {
    throw sdk::not_found("no tool '" + std::string(name) + "'");
  }

 private:
  sdk::InterfaceRef<nexus_storage_v1> storage_;
};

}  // namespace

NEXUS_PLUGIN(UndeclaredDependency, .id = "broken_undeclared_dependency", .version = "0.0.1",
             .description = "Test fixture: looks up a storage instance its config schema does not declare",
             .license = "Apache-2.0", .config_schema = kSchema)
