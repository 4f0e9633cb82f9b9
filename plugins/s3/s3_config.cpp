#include "s3_config.hpp"

#include <nexus/storage.h>
#include <nexus/sdk/error.hpp>
#include <nexus/sdk/io.hpp>

#include <cstdlib>
#include <set>

namespace nexus::plugins::s3 {
namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return (v && *v) ? std::string(v) : std::move(fallback);
}

void check_bucket(const std::string& b, const std::string& path) {
  bool ok = b.size() >= 3 && b.size() <= 63;
  for (char c : b) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.');
  if (!ok)
    throw sdk::invalid_argument(path + ".bucket '" + b + "' is not a valid S3 bucket name: 3..63 characters of a-z, 0-9, '-' and '.'");
}

}  // namespace

S3Config read_config(const sdk::Config& config) {
  // The host validates against the schema; these checks repeat it for
  // embedders and tests that create instances without a host.
  static const std::set<std::string> kKnown{"bucket",        "prefix",           "region",
                                            "endpoint",      "path_style",       "access_key_id",
                                            "secret_access_key", "session_token", "multipart_threshold_bytes",
                                            "multipart_part_bytes", "max_retries", "timeout_ms"};
  for (const auto& [k, v] : config.json().items())
    if (!kKnown.count(k))
      throw sdk::invalid_argument(config.path() + "." + k +
                                  " is not an s3 storage setting; known: bucket, prefix, region, endpoint, path_style, access_key_id, "
                                  "secret_access_key, session_token, multipart_threshold_bytes, multipart_part_bytes, max_retries, timeout_ms");
  S3Config c;
  const std::string& p = config.path();
  c.bucket = config.get<std::string>("bucket");
  check_bucket(c.bucket, p);

  c.prefix = config.get_or<std::string>("prefix", "");
  if (!c.prefix.empty()) {
    const std::string probe = c.prefix + "x";  // the prefix must be the start of valid keys
    if (const char* problem = nexus_storage_key_problem(sdk::to_nexus_str(probe)))
      throw sdk::invalid_argument(p + ".prefix '" + c.prefix + "' cannot start a valid key (" + problem + "); use a form like 'env/dev/'");
  }

  c.region = config.get_or<std::string>("region", env_or("AWS_REGION", env_or("AWS_DEFAULT_REGION", "us-east-1")));
  if (c.region.empty()) throw sdk::invalid_argument(p + ".region is empty; set it like 'eu-west-1'");

  std::string endpoint;
  std::string where = p + ".endpoint";
  if (config.has("endpoint")) {
    endpoint = config.get<std::string>("endpoint");
  } else if (const char* e = std::getenv("AWS_ENDPOINT_URL"); e && *e) {
    endpoint = e;
    where = "env AWS_ENDPOINT_URL";
  } else if (env_or("USE_LOCALSTACK", "") == "true") {
    endpoint = "http://localhost:4566";
    where = "USE_LOCALSTACK";
  }
  c.endpoint_overridden = !endpoint.empty();
  c.endpoint = parse_endpoint(c.endpoint_overridden ? endpoint : "https://s3." + c.region + ".amazonaws.com", where);
  c.path_style = config.get_or<bool>("path_style", c.endpoint_overridden);
  if (!c.path_style && c.bucket.find('.') != std::string::npos && c.endpoint.scheme == "https")
    throw sdk::invalid_argument(p + ".bucket '" + c.bucket + "' has dots, which break TLS for virtual-host style; set " + p + ".path_style to true");

  c.keys.access_key_id = config.get_or<std::string>("access_key_id", "");
  c.keys.secret_access_key = config.get_or<std::string>("secret_access_key", "");
  c.keys.session_token = config.get_or<std::string>("session_token", "");

  const auto threshold = config.get_or<std::int64_t>("multipart_threshold_bytes", static_cast<std::int64_t>(c.multipart_threshold_bytes));
  const auto part = config.get_or<std::int64_t>("multipart_part_bytes", static_cast<std::int64_t>(c.multipart_part_bytes));
  if (part < static_cast<std::int64_t>(kMinPartBytes) || part > (5ll << 30))
    throw sdk::invalid_argument(p + ".multipart_part_bytes must be 5 MiB (5242880) .. 5 GiB, got " + std::to_string(part));
  if (threshold < static_cast<std::int64_t>(kMinPartBytes))
    throw sdk::invalid_argument(p + ".multipart_threshold_bytes must be at least 5 MiB (5242880), got " + std::to_string(threshold));
  c.multipart_threshold_bytes = static_cast<std::uint64_t>(threshold);
  c.multipart_part_bytes = static_cast<std::uint64_t>(part);

  c.max_retries = config.get_or<int>("max_retries", 3);
  if (c.max_retries < 0 || c.max_retries > 20) throw sdk::invalid_argument(p + ".max_retries must be 0..20, got " + std::to_string(c.max_retries));
  c.timeout_ms = config.get_or<long>("timeout_ms", 30000);
  if (c.timeout_ms < 100) throw sdk::invalid_argument(p + ".timeout_ms must be at least 100, got " + std::to_string(c.timeout_ms));
  return c;
}

}  // namespace nexus::plugins::s3
