// The "storage_tools" instance: the platform's S3 tool over one or more
// named storage instances, and those instances' objects as MCP resources
// (storage://<instance>/{key}).
#pragma once

#include <nexus/sdk/tool_support.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <nexus/sdk/instance.hpp>
#include <nexus/sdk/resources.hpp>
#include <nexus/sdk/tools.hpp>

#include <nexus/sdk/storage_client.hpp>

namespace nexus::plugins::storage_tools {

// The SDK's tool helpers (tool_support, child_context, storage_client) by
// their short names.
using namespace ::nexus::sdk;
using json = nlohmann::json;

// The MCP Tool definitions; `storages` becomes the enum of every tool's
// "storage" argument, and read_only leaves the write tools out.
nlohmann::json tool_definitions(const std::vector<std::string>& storages, bool read_only);

class StorageTools : public sdk::Tools, public sdk::Resources {
 public:
  explicit StorageTools(const sdk::InstanceArgs& args);

  nlohmann::json list_tools(sdk::CallContext& ctx) override;
  nlohmann::json call_tool(sdk::CallContext& ctx, std::string_view name, const nlohmann::json& arguments) override;

  nlohmann::json list_resources(sdk::CallContext& ctx) override;
  nlohmann::json read_resource(sdk::CallContext& ctx, std::string_view uri) override;
  nlohmann::json complete_resource_argument(sdk::CallContext& ctx, std::string_view uri_template,
                                            std::string_view argument, std::string_view partial,
                                            const nlohmann::json& context) override;

 private:
  nlohmann::json list(sdk::CallContext& ctx, const StorageClient& s, const nlohmann::json& args);
  nlohmann::json read(sdk::CallContext& ctx, const StorageClient& s, const nlohmann::json& args);
  nlohmann::json write(sdk::CallContext& ctx, const StorageClient& s, const nlohmann::json& args);
  nlohmann::json remove(sdk::CallContext& ctx, const StorageClient& s, const nlohmann::json& args);
  nlohmann::json info(sdk::CallContext& ctx, const StorageClient& s, const nlohmann::json& args);

  const StorageClient& storage(const std::string& name) const;
  nlohmann::json failure(std::string_view what, const StorageClient& s, std::string_view key,
                         const StorageReply& r) const;

  std::vector<std::string> names_;
  std::map<std::string, StorageClient, std::less<>> storages_;
  std::uint64_t max_read_bytes_ = 10485760;
  bool read_only_ = false;
  nlohmann::json tools_;
};

// "storage://<instance>/<key>" (the key's characters kept as they are:
// keys are already URI-path-like).
std::string object_uri(std::string_view instance, std::string_view key);

}  // namespace nexus::plugins::storage_tools
