#include "dynamodb_storage.hpp"

#include <nexus/sdk/storage_util.hpp>

#include <openssl/rand.h>

#include <algorithm>
#include <chrono>

#include <nexus_aws/sigv4.hpp>

#include "attribute_values.hpp"
#include "table_setup.hpp"

namespace nexus::plugins::dynamodb {
namespace {

using nlohmann::json;

constexpr std::size_t kSendChunkBytes = 1 << 20;  // bodies leave in 1 MiB chunks
constexpr long kHealthTimeoutMs = 5000;           // /ready must be quick
// A GET that keeps finding its chunks replaced gives up after this many
// fresh starts rather than spinning under a writer that never pauses.
constexpr int kReadAttempts = 5;
// Slack under 400 KB for DynamoDB's own rounding of item sizes.
constexpr std::size_t kItemSlackBytes = 1024;

std::string quoted(std::string_view key) {
  return "'" + std::string(key) + "'";
}

// 128 random bits as hex: the generation id of one write.
std::string new_generation() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    throw sdk::internal("OpenSSL RAND_bytes failed; cannot make a generation id");
  return aws::sigv4::to_hex(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

}  // namespace

DynamoStorage::DynamoStorage(const sdk::InstanceArgs& args)
    : host_(args.host),
      config_(read_config(args.config)),
      credentials_(config_.keys, pool_),
      client_(config_, credentials_, pool_),
      layout_(config_),
      chunks_(client_, layout_, config_, host_) {
  ensure_table(client_, config_, host_);
  // Never log the keys: the source says enough.
  host_.info(
      "dynamodb instance '" + args.name + "': table '" + config_.table + "', region " + config_.region + ", endpoint " +
      config_.endpoint.url() + " (" + config_.endpoint_source + "), key rule " +
      (config_.key_rule == KeyRule::single ? "single" : "prefix depth " + std::to_string(config_.partition_depth)) +
      ", credentials from " + credentials_.source());
}

json DynamoStorage::key_json(std::string_view key) const {
  const ItemKey k = layout_.object(key);
  return json{{config_.partition_key, attr::S(k.partition)}, {config_.sort_key, attr::S(k.sort)}};
}

std::optional<StoredObject> DynamoStorage::read_item(sdk::CallContext& ctx, std::string_view key, bool body) {
  json request{{"Key", key_json(key)}, {"ConsistentRead", true}};
  if (!body) {
    const Projection p = info_projection(config_);
    request["ProjectionExpression"] = p.expression;
    request["ExpressionAttributeNames"] = p.names;
  }
  const json answer = client_.call(&ctx, "GetItem", std::move(request), "GetItem " + quoted(key));
  if (!answer.contains("Item")) return std::nullopt;
  return read_manifest(answer["Item"], key);
}

sdk::ObjectInfo DynamoStorage::head(sdk::CallContext& ctx, std::string_view key) {
  sdk::check_key(key);
  auto o = read_item(ctx, key, false);
  if (!o) throw sdk::not_found("no object with key " + quoted(key) + " in table '" + config_.table + "'");
  return o->info;
}

std::size_t DynamoStorage::inline_capacity(const json& manifest) const {
  const std::size_t used = attr::item_size(manifest) + std::string_view("body").size() + kItemSlackBytes;
  return used >= kMaxItemBytes ? 0 : std::min(config_.chunk_bytes, kMaxItemBytes - used);
}

void DynamoStorage::fail_condition(std::string_view key, const sdk::PutOptions& options,
                                   const std::optional<StoredObject>& current) const {
  if (options.if_absent) throw sdk::already_exists("object " + quoted(key) + " already exists (if_absent was set)");
  if (!current)
    throw sdk::failed_precondition("object " + quoted(key) + " does not exist, so if_match '" + options.if_match +
                                   "' cannot match");
  throw sdk::failed_precondition("object " + quoted(key) + " has etag '" + current->info.etag +
                                 "', not the if_match '" + options.if_match + "'; read it again and retry");
}

sdk::ObjectInfo DynamoStorage::put(sdk::CallContext& ctx, std::string_view key, std::span<const std::uint8_t> body,
                                   const sdk::PutOptions& options) {
  sdk::check_key(key);
  if (body.size() > config_.max_object_bytes)
    throw sdk::resource_exhausted(
        "object " + quoted(key) + " has " + std::to_string(body.size()) +
        " bytes; this dynamodb instance stores at most " + std::to_string(config_.max_object_bytes) +
        " (config.max_object_bytes). Store large recordings in an s3 or fs instance, or raise the limit");
  if (options.content_type.size() > 1024)
    throw sdk::invalid_argument("content type of " + quoted(key) + " is longer than 1024 bytes");

  StoredObject o;
  o.info.key = std::string(key);
  o.info.size = body.size();
  o.info.content_type = options.content_type.empty() ? "application/octet-stream" : options.content_type;
  o.info.metadata = options.metadata;
  o.info.etag = aws::sigv4::sha256_hex(body);
  o.info.last_modified = sdk::format_rfc3339(std::chrono::system_clock::now());
  o.generation = new_generation();
  o.chunk_bytes = config_.chunk_bytes;

  json manifest = manifest_item(layout_.object(key), o, config_);
  const bool chunked = body.size() > inline_capacity(manifest);

  // The condition, checked by DynamoDB atomically with the write. RACE: if
  // an attempt is applied but its answer lost (timeout, 5xx), the retry of
  // a conditional write sees our own item and reports already_exists /
  // failed_precondition; the object is then stored all the same.
  json request{{"ReturnValues", "ALL_OLD"}};
  if (options.if_absent) {
    request["ConditionExpression"] = "attribute_not_exists(#pk)";
    request["ExpressionAttributeNames"] = json{{"#pk", config_.partition_key}};
  } else if (!options.if_match.empty()) {
    request["ConditionExpression"] = "#etag = :etag";
    request["ExpressionAttributeNames"] = json{{"#etag", "etag"}};
    request["ExpressionAttributeValues"] = json{{":etag", attr::S(options.if_match)}};
  }
  const bool conditional = request.contains("ConditionExpression");

  if (chunked) {
    // Fail fast before uploading chunks that the condition would orphan;
    // the conditional write of the item below stays the real check.
    if (conditional) {
      const auto current = read_item(ctx, key, false);
      if ((options.if_absent && current) ||
          (!options.if_absent && (!current || current->info.etag != options.if_match)))
        fail_condition(key, options, current);
    }
    o.chunks = chunks_.write(ctx, key, o.generation, body, o.chunk_bytes);
    manifest["chunks"] = attr::N(o.chunks);
  } else {
    add_body(manifest, body);
  }
  request["Item"] = std::move(manifest);

  const std::string what = "PutItem " + quoted(key);
  Answer answer;
  try {
    answer = client_.send(&ctx, "PutItem", std::move(request), what);
  } catch (...) {
    // No answer: the item may or may not have been written (a timeout
    // after DynamoDB applied it). Its chunks may go only if the item does
    // not name them; when that cannot be read either, they stay behind
    // unreachable rather than risk breaking a stored object.
    if (chunked) {
      try {
        const auto current = read_item(ctx, key, false);
        if (!current || current->generation != o.generation) chunks_.remove(key, o.generation, o.chunks);
      } catch (...) {
        host_.warn("dynamodb: the write of " + quoted(key) + " failed and its outcome is unknown; " +
                   std::to_string(o.chunks) + " chunk items of generation " + o.generation +
                   " may be left unreachable");
      }
    }
    throw;
  }
  if (!answer.ok()) {
    if (chunked) chunks_.remove(key, o.generation, o.chunks);
    if (answer.type == "ConditionalCheckFailedException") fail_condition(key, options, read_item(ctx, key, false));
    throw client_.error(answer, what);
  }
  // The replaced object's chunks are unreachable now: remove them.
  if (const auto old = answer.body.find("Attributes"); old != answer.body.end()) {
    const auto gen = attr::get_s(*old, "gen");
    const auto count = attr::get_n(*old, "chunks").value_or(0);
    if (gen && count > 0) chunks_.remove(key, *gen, count);
  }
  return o.info;
}

void DynamoStorage::get(sdk::CallContext& ctx, std::string_view key, const std::optional<sdk::ByteRange>& range,
                        sdk::GetSink& out) {
  sdk::check_key(key);
  if (range && range->first >= 0 && range->last >= 0 && range->last < range->first)
    throw sdk::invalid_argument("range ends before it starts");
  for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
    auto o = read_item(ctx, key, true);
    if (!o) throw sdk::not_found("no object with key " + quoted(key) + " in table '" + config_.table + "'");
    sdk::ResolvedRange r;
    try {
      r = sdk::resolve_range(range, o->info.size);
    } catch (const sdk::Error&) {
      out.info(o->info);
      throw;
    }
    std::string bytes;
    if (o->chunks == 0) {
      if (o->inline_body.size() != o->info.size)
        throw sdk::internal("the item of " + quoted(key) + " has no body of its " + std::to_string(o->info.size) +
                            " bytes");
      bytes = o->inline_body.substr(static_cast<std::size_t>(r.offset), static_cast<std::size_t>(r.length));
    } else {
      // Every byte is read before the first is sent, so a write that
      // replaces the object meanwhile shows up as a missing chunk and the
      // read starts over on the new item: the caller never gets a mix.
      auto read = chunks_.read(ctx, *o, r.offset, r.length);
      if (!read) continue;
      bytes = std::move(*read);
    }
    out.info(o->info);
    for (std::size_t done = 0; done < bytes.size();) {
      if (ctx.cancelled()) throw sdk::cancelled("get of " + quoted(key) + " was cancelled");
      const std::size_t n = std::min(kSendChunkBytes, bytes.size() - done);
      out.write(bytes.data() + done, n);
      done += n;
    }
    return;
  }
  throw sdk::unavailable("object " + quoted(key) + " was replaced " + std::to_string(kReadAttempts) +
                         " times while being read; retry the read");
}

void DynamoStorage::remove(sdk::CallContext& ctx, std::string_view key) {
  sdk::check_key(key);
  const std::string what = "DeleteItem " + quoted(key);
  // Conditional, so a missing key is reported without a read first and
  // two concurrent deletes cannot both succeed.
  const Answer answer = client_.send(&ctx, "DeleteItem",
                                     json{{"Key", key_json(key)},
                                          {"ConditionExpression", "attribute_exists(#pk)"},
                                          {"ExpressionAttributeNames", json{{"#pk", config_.partition_key}}},
                                          {"ReturnValues", "ALL_OLD"}},
                                     what);
  if (answer.type == "ConditionalCheckFailedException")
    throw sdk::not_found("no object with key " + quoted(key) + " in table '" + config_.table + "'");
  if (!answer.ok()) throw client_.error(answer, what);
  if (const auto old = answer.body.find("Attributes"); old != answer.body.end()) {
    const auto gen = attr::get_s(*old, "gen");
    const auto count = attr::get_n(*old, "chunks").value_or(0);
    if (gen && count > 0) chunks_.remove(key, *gen, count);
  }
}

sdk::ListPage DynamoStorage::list(sdk::CallContext& ctx, std::string_view prefix, std::string_view cursor,
                                  std::uint32_t limit) {
  const std::string after = cursor.empty() ? std::string() : sdk::decode_cursor(cursor);
  const auto query = layout_.list_query(prefix);
  if (!query)
    throw sdk::invalid_argument(
        "cannot list prefix " + quoted(prefix) + " on dynamodb instance of table '" + config_.table +
        "': its keys can lie in many partitions, and listing them would need a full-table Scan, which this "
        "backend refuses. Listable: " +
        layout_.listable_prefixes());
  sdk::ListPage page;
  // Where the Query starts: after the cursor's key when it lies inside the
  // listed range; a key before the range starts at the beginning, a key
  // beyond it leaves nothing to list (DynamoDB refuses a start key outside
  // the key condition).
  std::optional<json> start;
  if (!after.empty()) {
    if (after.compare(0, prefix.size(), prefix) == 0)
      start = key_json(after);
    else if (after > prefix)
      return page;
  }
  const Projection p = info_projection(config_);
  json names = p.names;
  json values{{":pk", attr::S(query->partition)}};
  std::string condition = "#pk = :pk";
  if (!query->sort_prefix.empty()) {
    condition += " AND begins_with(#sk, :prefix)";
    values[":prefix"] = attr::S(query->sort_prefix);
  }
  const std::string what = "Query " + quoted(prefix);
  // A Query page also ends at 1 MB read (inline bodies count), so keep
  // asking until the page is full or the partition ends: pages are exact.
  for (;;) {
    json request{{"KeyConditionExpression", condition},
                 {"ExpressionAttributeNames", names},
                 {"ExpressionAttributeValues", values},
                 {"ProjectionExpression", p.expression},
                 {"ConsistentRead", true},
                 {"Limit", limit - page.objects.size()}};
    if (start) request["ExclusiveStartKey"] = *start;
    const json answer = client_.call(&ctx, "Query", std::move(request), what);
    for (const auto& item : answer.value("Items", json::array())) {
      const auto sk = attr::get_s(item, config_.sort_key);
      if (!sk) throw sdk::internal("Query " + quoted(prefix) + " returned an item without " + config_.sort_key);
      page.objects.push_back(read_manifest(item, *sk).info);
    }
    const auto last = answer.find("LastEvaluatedKey");
    if (last == answer.end()) return page;
    if (page.objects.size() >= limit) {
      page.next_cursor = sdk::encode_cursor(page.objects.back().key);
      return page;
    }
    start = *last;
  }
}

void DynamoStorage::health() {
  SendOptions options;
  options.retry = false;
  options.timeout_ms = std::min(config_.timeout_ms, kHealthTimeoutMs);
  client_.call(nullptr, "DescribeTable", json::object(), "DescribeTable '" + config_.table + "'", options);
}

}  // namespace nexus::plugins::dynamodb
