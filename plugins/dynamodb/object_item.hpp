// object_item — an object's item (its "manifest") as DynamoDB attributes,
// and back.
//
//   <partition_key> S   partition (key_layout.hpp)
//   <sort_key>      S   the object key
//   size            N   bytes of the whole object
//   content_type    S
//   metadata        S   the metadata map as JSON text
//   etag            S   hex SHA-256 of the content
//   last_modified   S   RFC 3339 UTC
//   gen             S   random id of this write; names its chunk items
//   chunks          N   0: the body is inline in `body`; n: n chunk items
//   chunk_bytes     N   bytes per chunk (the last may be shorter)
//   body            B   the bytes, when inline and not empty
#pragma once

#include <nexus/sdk/storage.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ddb_config.hpp"
#include "key_layout.hpp"

namespace nexus::plugins::dynamodb {

// What an object's item says.
struct StoredObject {
  sdk::ObjectInfo info;
  std::string generation;
  std::uint64_t chunks = 0;  // 0: inline
  std::uint64_t chunk_bytes = 0;
  std::string inline_body;  // when chunks == 0 and the item was read with its body
};

// The attributes every read except GET's asks for (no body), as a
// ProjectionExpression over ExpressionAttributeNames (all aliased: "size"
// is a DynamoDB reserved word).
struct Projection {
  std::string expression;
  nlohmann::json names;
};
Projection info_projection(const DdbConfig& config);

// The item of `object` without the body; add_body() puts it in.
nlohmann::json manifest_item(const ItemKey& where, const StoredObject& object, const DdbConfig& config);
void add_body(nlohmann::json& item, std::span<const std::uint8_t> body);

// Reads an item written by manifest_item; Error(INTERNAL) naming the key
// when it was not (another writer's item in the table).
StoredObject read_manifest(const nlohmann::json& item, std::string_view key);

}  // namespace nexus::plugins::dynamodb
