// DynamoStorage — a "nexus.storage/1" backend on one DynamoDB table, with
// the semantics of the other backends: ranges, metadata, if_absent /
// if_match as conditional writes, the shared cursor format. Objects larger
// than one item are chunked (chunk_store.hpp) up to max_object_bytes.
#pragma once

#include <nexus/sdk/storage.hpp>

#include <optional>
#include <string>

#include <nexus_aws/credentials.hpp>
#include <nexus_aws/http.hpp>

#include "chunk_store.hpp"
#include "ddb_client.hpp"
#include "ddb_config.hpp"
#include "key_layout.hpp"
#include "object_item.hpp"

namespace nexus::plugins::dynamodb {

class DynamoStorage : public sdk::Storage {
 public:
  explicit DynamoStorage(const sdk::InstanceArgs& args);

  sdk::ObjectInfo put(sdk::CallContext& ctx, std::string_view key, std::span<const std::uint8_t> body,
                      const sdk::PutOptions& options) override;
  void get(sdk::CallContext& ctx, std::string_view key, const std::optional<sdk::ByteRange>& range,
           sdk::GetSink& out) override;
  sdk::ObjectInfo head(sdk::CallContext& ctx, std::string_view key) override;
  void remove(sdk::CallContext& ctx, std::string_view key) override;
  sdk::ListPage list(sdk::CallContext& ctx, std::string_view prefix, std::string_view cursor,
                     std::uint32_t limit) override;
  void health() override;

 private:
  nlohmann::json key_json(std::string_view key) const;
  // The object's item; nullopt when there is none. With `body`, inline
  // bytes come along; without, only the info attributes are read.
  std::optional<StoredObject> read_item(sdk::CallContext& ctx, std::string_view key, bool body);
  // Bytes an item without a body takes: what is left of 400 KB is the
  // most that can go inline.
  std::size_t inline_capacity(const nlohmann::json& manifest) const;
  [[noreturn]] void fail_condition(std::string_view key, const sdk::PutOptions& options,
                                   const std::optional<StoredObject>& current) const;

  sdk::Host host_;
  DdbConfig config_;
  aws::http::Pool pool_;  // before credentials_: ECS/IMDS calls use it
  aws::CredentialProvider credentials_;
  DdbClient client_;
  KeyLayout layout_;
  ChunkStore chunks_;
};

}  // namespace nexus::plugins::dynamodb
