#include "object_item.hpp"

#include "attribute_values.hpp"

namespace nexus::plugins::dynamodb {

using nlohmann::json;

Projection info_projection(const DdbConfig& config) {
  Projection p;
  p.names =
      json{{"#pk", config.partition_key}, {"#sk", config.sort_key}, {"#size", "size"},        {"#ct", "content_type"},
           {"#meta", "metadata"},         {"#etag", "etag"},        {"#lm", "last_modified"}, {"#gen", "gen"},
           {"#chunks", "chunks"},         {"#cb", "chunk_bytes"}};
  p.expression = "#pk, #sk, #size, #ct, #meta, #etag, #lm, #gen, #chunks, #cb";
  return p;
}

json manifest_item(const ItemKey& where, const StoredObject& o, const DdbConfig& config) {
  json metadata = json::object();
  for (const auto& [k, v] : o.info.metadata) metadata[k] = v;
  return json{{config.partition_key, attr::S(where.partition)},
              {config.sort_key, attr::S(where.sort)},
              {"size", attr::N(o.info.size)},
              {"content_type", attr::S(o.info.content_type)},
              {"metadata", attr::S(metadata.dump())},
              {"etag", attr::S(o.info.etag)},
              {"last_modified", attr::S(o.info.last_modified)},
              {"gen", attr::S(o.generation)},
              {"chunks", attr::N(o.chunks)},
              {"chunk_bytes", attr::N(o.chunk_bytes)}};
}

void add_body(json& item, std::span<const std::uint8_t> body) {
  // An empty object has no body attribute: no empty binary values needed.
  if (!body.empty()) item["body"] = attr::B(body);
}

StoredObject read_manifest(const json& item, std::string_view key) {
  const auto bad = [&](const std::string& what) {
    return sdk::internal("the item of '" + std::string(key) + "' is not a Nexus object (" + what +
                         "); was it written by another program? Delete it or use a table of its own for Nexus");
  };
  StoredObject o;
  o.info.key = std::string(key);
  const auto size = attr::get_n(item, "size");
  const auto etag = attr::get_s(item, "etag");
  const auto gen = attr::get_s(item, "gen");
  if (!size || !etag || !gen) throw bad("size, etag or gen missing");
  o.info.size = *size;
  o.info.etag = *etag;
  o.generation = *gen;
  o.info.content_type = attr::get_s(item, "content_type").value_or("application/octet-stream");
  o.info.last_modified = attr::get_s(item, "last_modified").value_or("");
  o.chunks = attr::get_n(item, "chunks").value_or(0);
  o.chunk_bytes = attr::get_n(item, "chunk_bytes").value_or(0);
  if (o.chunks > 0 &&
      (o.chunk_bytes == 0 || (o.chunks - 1) * o.chunk_bytes >= o.info.size || o.chunks * o.chunk_bytes < o.info.size))
    throw bad("its chunk count does not match its size");
  if (const auto meta = attr::get_s(item, "metadata")) {
    const json m = json::parse(*meta, nullptr, false);
    if (!m.is_object()) throw bad("metadata is not a JSON object");
    for (const auto& [k, v] : m.items())
      if (v.is_string()) o.info.metadata[k] = v.get<std::string>();
  }
  if (item.contains("body")) {
    auto body = attr::get_b(item, "body");
    if (!body) throw bad("body is not binary");
    o.inline_body = std::move(*body);
  }
  if (o.chunks == 0 && item.contains("body") && o.inline_body.size() != o.info.size)
    throw bad("its body does not match its size");
  return o;
}

}  // namespace nexus::plugins::dynamodb
