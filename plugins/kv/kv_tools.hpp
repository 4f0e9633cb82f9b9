// The "kv" tools instance: the platform's key-value tool over one storage
// instance. Keys are stored under a configured prefix, so one bucket can
// hold kv data next to other objects without the agent seeing them.
#pragma once

#include <nexus/sdk/tool_support.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <nexus/sdk/instance.hpp>
#include <nexus/sdk/tools.hpp>

#include <nexus/sdk/storage_client.hpp>

namespace nexus::plugins::kv {

// The SDK's tool helpers (tool_support, child_context, storage_client) by
// their short names.
using namespace ::nexus::sdk;
using json = nlohmann::json;

struct KvSettings {
  std::string storage;  // the storage instance's name
  std::string prefix;   // every key is stored as prefix + key
  std::uint64_t max_value_bytes = 1048576;
  bool read_only = false;
};

// The MCP Tool definitions (read_only leaves the write tools out).
nlohmann::json tool_definitions(bool read_only);

class KvTools : public sdk::Tools {
 public:
  explicit KvTools(const sdk::InstanceArgs& args);

  nlohmann::json list_tools(sdk::CallContext& ctx) override;
  nlohmann::json call_tool(sdk::CallContext& ctx, std::string_view name, const nlohmann::json& arguments) override;

 private:
  nlohmann::json get(sdk::CallContext& ctx, const nlohmann::json& args);
  nlohmann::json put(sdk::CallContext& ctx, const nlohmann::json& args);
  nlohmann::json remove(sdk::CallContext& ctx, const nlohmann::json& args);
  nlohmann::json list(sdk::CallContext& ctx, const nlohmann::json& args);

  // prefix + key, after checking the result is a valid storage key.
  std::string stored_key(std::string_view key) const;
  // A result for a storage failure that is the tool's own business.
  nlohmann::json storage_failure(std::string_view what, std::string_view key, const StorageReply& r) const;

  KvSettings settings_;
  std::optional<StorageClient> storage_;
  nlohmann::json tools_;
};

}  // namespace nexus::plugins::kv
