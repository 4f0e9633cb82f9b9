#include "ddb_config.hpp"

#include <nexus/sdk/error.hpp>

#include <cstdlib>
#include <set>

namespace nexus::plugins::dynamodb {
namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return (v && *v) ? std::string(v) : std::move(fallback);
}

// DynamoDB table names: 3..255 of [a-zA-Z0-9_.-].
void check_table(const std::string& t, const std::string& path) {
  bool ok = t.size() >= 3 && t.size() <= 255;
  for (char c : t)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                c == '.');
  if (!ok)
    throw sdk::invalid_argument(
        path + ".table '" + t +
        "' is not a valid DynamoDB table name: 3..255 characters of a-z, A-Z, 0-9, '_', '-' and '.'");
}

// Attribute names: 1..255 bytes; kept to a plain alphabet so they never
// need escaping in messages or collide with the plugin's own attributes.
void check_attribute_name(const std::string& name, const std::string& where) {
  static const std::set<std::string> kTaken{"size", "content_type", "metadata",    "etag", "last_modified", "gen",
                                            "body", "chunks",       "chunk_bytes", "data", "chunk_of"};
  bool ok = !name.empty() && name.size() <= 255;
  for (char c : name)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                c == '.');
  if (!ok)
    throw sdk::invalid_argument(where + " '" + name + "' must be 1..255 characters of a-z, A-Z, 0-9, '_', '-' and '.'");
  if (kTaken.count(name))
    throw sdk::invalid_argument(
        where + " '" + name + "' is an attribute the plugin stores objects in; pick another name such as 'PK' or 'SK'");
}

// A partition value or prefix: printable UTF-8 without "//" (chunk items
// live in "<partition>//chunks", which must never be an object's partition).
void check_partition_text(const std::string& text, const std::string& where, bool may_be_empty) {
  if (text.empty() && !may_be_empty) throw sdk::invalid_argument(where + " is empty; set it like 'objects'");
  if (text.size() > 256) throw sdk::invalid_argument(where + " is longer than 256 bytes");
  if (text.find("//") != std::string::npos)
    throw sdk::invalid_argument(where + " '" + text + "' contains '//', which the plugin reserves for chunk items");
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f) throw sdk::invalid_argument(where + " contains a control character");
}

}  // namespace

DdbConfig read_config(const sdk::Config& config) {
  // The host validates against the schema; these checks repeat it for
  // embedders and tests that create instances without a host.
  static const std::set<std::string> kKnown{
      "table",         "region",      "endpoint",         "access_key_id",   "secret_access_key", "session_token",
      "partition_key", "sort_key",    "key_rule",         "partition_depth", "partition_prefix",  "partition_value",
      "create_table",  "chunk_bytes", "max_object_bytes", "max_retries",     "timeout_ms"};
  for (const auto& [k, v] : config.json().items())
    if (!kKnown.count(k))
      throw sdk::invalid_argument(
          config.path() + "." + k +
          " is not a dynamodb storage setting; known: table, region, endpoint, access_key_id, secret_access_key, "
          "session_token, partition_key, sort_key, key_rule, partition_depth, partition_prefix, partition_value, "
          "create_table, chunk_bytes, max_object_bytes, max_retries, timeout_ms");
  const std::string& p = config.path();
  DdbConfig c;
  c.table = config.get<std::string>("table");
  check_table(c.table, p);

  c.region = config.get_or<std::string>("region", env_or("AWS_REGION", env_or("AWS_DEFAULT_REGION", "us-east-1")));
  if (c.region.empty()) throw sdk::invalid_argument(p + ".region is empty; set it like 'eu-west-1'");

  // The service-specific variable wins over the general one, as in the AWS SDKs.
  std::string endpoint;
  c.endpoint_source = "default";
  if (config.has("endpoint")) {
    endpoint = config.get<std::string>("endpoint");
    c.endpoint_source = p + ".endpoint";
  } else if (const char* e = std::getenv("AWS_ENDPOINT_URL_DYNAMODB"); e && *e) {
    endpoint = e;
    c.endpoint_source = "env AWS_ENDPOINT_URL_DYNAMODB";
  } else if (const char* e2 = std::getenv("AWS_ENDPOINT_URL"); e2 && *e2) {
    endpoint = e2;
    c.endpoint_source = "env AWS_ENDPOINT_URL";
  } else if (env_or("USE_LOCALSTACK", "") == "true") {
    endpoint = "http://localhost:4566";
    c.endpoint_source = "USE_LOCALSTACK";
  }
  c.endpoint = aws::parse_endpoint(endpoint.empty() ? "https://dynamodb." + c.region + ".amazonaws.com" : endpoint,
                                   c.endpoint_source);

  c.keys.access_key_id = config.get_or<std::string>("access_key_id", "");
  c.keys.secret_access_key = config.get_or<std::string>("secret_access_key", "");
  c.keys.session_token = config.get_or<std::string>("session_token", "");

  c.partition_key = config.get_or<std::string>("partition_key", "PK");
  c.sort_key = config.get_or<std::string>("sort_key", "SK");
  check_attribute_name(c.partition_key, p + ".partition_key");
  check_attribute_name(c.sort_key, p + ".sort_key");
  if (c.partition_key == c.sort_key)
    throw sdk::invalid_argument(p + ".partition_key and " + p + ".sort_key must differ");

  const std::string rule = config.get_or<std::string>("key_rule", "prefix");
  if (rule == "prefix")
    c.key_rule = KeyRule::prefix;
  else if (rule == "single")
    c.key_rule = KeyRule::single;
  else
    throw sdk::invalid_argument(p + ".key_rule must be \"prefix\" or \"single\", got \"" + rule + "\"");
  c.partition_depth = config.get_or<int>("partition_depth", 1);
  if (c.partition_depth < 1 || c.partition_depth > 8)
    throw sdk::invalid_argument(p + ".partition_depth must be 1..8, got " + std::to_string(c.partition_depth));
  c.partition_prefix = config.get_or<std::string>("partition_prefix", "");
  check_partition_text(c.partition_prefix, p + ".partition_prefix", true);
  c.partition_value = config.get_or<std::string>("partition_value", "objects");
  check_partition_text(c.partition_value, p + ".partition_value", false);

  c.create_table = config.get_or<bool>("create_table", false);

  const auto chunk = config.get_or<std::int64_t>("chunk_bytes", static_cast<std::int64_t>(kMaxChunkBytes));
  if (chunk < static_cast<std::int64_t>(kMinChunkBytes) || chunk > static_cast<std::int64_t>(kMaxChunkBytes))
    throw sdk::invalid_argument(
        p + ".chunk_bytes must be 1024..393216 (384 KiB, what fits in DynamoDB's 400 KB item), got " +
        std::to_string(chunk));
  c.chunk_bytes = static_cast<std::size_t>(chunk);
  const auto max_object =
      config.get_or<std::int64_t>("max_object_bytes", static_cast<std::int64_t>(c.max_object_bytes));
  if (max_object < 0 || max_object > (1ll << 30))
    throw sdk::invalid_argument(p + ".max_object_bytes must be 0..1073741824 (1 GiB), got " +
                                std::to_string(max_object));
  c.max_object_bytes = static_cast<std::uint64_t>(max_object);

  c.max_retries = config.get_or<int>("max_retries", 3);
  if (c.max_retries < 0 || c.max_retries > 20)
    throw sdk::invalid_argument(p + ".max_retries must be 0..20, got " + std::to_string(c.max_retries));
  c.timeout_ms = config.get_or<long>("timeout_ms", 30000);
  if (c.timeout_ms < 100)
    throw sdk::invalid_argument(p + ".timeout_ms must be at least 100, got " + std::to_string(c.timeout_ms));
  return c;
}

}  // namespace nexus::plugins::dynamodb
