// credentials — where an AWS plugin's (s3, dynamodb) keys come from, in the
// order every AWS SDK uses:
//   1. the instance config (access_key_id / secret_access_key / session_token)
//   2. env AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
//   3. profile AWS_PROFILE (default "default") in AWS_SHARED_CREDENTIALS_FILE
//      or ~/.aws/credentials
//   4. the ECS container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
//      (http://169.254.170.2$URI) or AWS_CONTAINER_CREDENTIALS_FULL_URI with
//      AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)
//   5. EC2 instance metadata, IMDSv2 (token PUT, role GET, credentials GET)
//      at 169.254.169.254, or AWS_EC2_METADATA_SERVICE_ENDPOINT; off with
//      AWS_EC2_METADATA_DISABLED=true.
// Test hooks (never set in production): NEXUS_TEST_ECS_ENDPOINT replaces
// http://169.254.170.2 and NEXUS_TEST_IMDS_ENDPOINT replaces the IMDS base,
// so tests can serve both on 127.0.0.1.
// Temporary credentials (4, 5, and any with an Expiration) are refreshed
// five minutes before they expire.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "nexus_aws/http.hpp"
#include "nexus_aws/sigv4.hpp"

namespace nexus::plugins::aws {

struct StaticKeys {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
};

// One answer of a source: the keys, where they came from, and when they
// stop working (nullopt: long-term keys).
struct SourcedCredentials {
  sigv4::Credentials keys;
  std::string source;  // "config", "env AWS_ACCESS_KEY_ID", "ECS endpoint", ... never a secret
  std::optional<std::chrono::system_clock::time_point> expiration;
};

// [any-thread]
class CredentialProvider {
 public:
  // Walks the chain; throws sdk::Error(FAILED_PRECONDITION) naming every
  // place it looked when none has credentials.
  CredentialProvider(StaticKeys config_keys, http::Pool& pool);

  // Current keys; refreshes temporary ones that expire within 5 minutes.
  // Throws sdk::Error(UNAVAILABLE) when a refresh fails and the old keys
  // have expired.
  sigv4::Credentials get();
  std::string source() const;

  static constexpr std::chrono::minutes kRefreshBefore{5};

 private:
  using Fetch = std::function<SourcedCredentials()>;

  http::Pool& pool_;
  Fetch refresh_;  // the source that answered, asked again on refresh
  mutable std::mutex mutex_;
  SourcedCredentials current_;  // guarded by mutex_
};

// Parses an AWS shared credentials file (INI) and returns the profile's
// keys, or nullopt when the profile or its two keys are not there.
std::optional<StaticKeys> parse_credentials_file(std::string_view text, std::string_view profile);

// "2026-01-02T03:04:05Z" (fraction and offset allowed) → time point.
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text);

}  // namespace nexus::plugins::aws
