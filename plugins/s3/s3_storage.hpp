// S3Storage — a "nexus.storage/1" backend on an S3 bucket (AWS S3 or any
// S3-compatible endpoint), with the same semantics as the fs and memory
// backends: ranges, metadata, if_absent / if_match, list cursors
// (s3_list_cursor.hpp). Keys live under config.prefix inside config.bucket.
#pragma once

#include <nexus/sdk/storage.hpp>

#include <optional>
#include <string>

#include "aws.hpp"
#include "s3_client.hpp"
#include "s3_config.hpp"

namespace nexus::plugins::s3 {

class S3Storage : public sdk::Storage {
 public:
  explicit S3Storage(const sdk::InstanceArgs& args);

  sdk::ObjectInfo put(sdk::CallContext& ctx, std::string_view key, std::span<const std::uint8_t> body,
                      const sdk::PutOptions& options) override;
  void get(sdk::CallContext& ctx, std::string_view key, const std::optional<sdk::ByteRange>& range, sdk::GetSink& out) override;
  sdk::ObjectInfo head(sdk::CallContext& ctx, std::string_view key) override;
  void remove(sdk::CallContext& ctx, std::string_view key) override;
  sdk::ListPage list(sdk::CallContext& ctx, std::string_view prefix, std::string_view cursor, std::uint32_t limit) override;
  void health() override;

 private:
  std::string full_key(std::string_view key) const { return config_.prefix + std::string(key); }
  // HEAD of `key`; nullopt when there is no such object.
  std::optional<sdk::ObjectInfo> try_head(sdk::CallContext& ctx, std::string_view key);
  sdk::ObjectInfo put_single(sdk::CallContext& ctx, std::string_view key, std::span<const std::uint8_t> body,
                             const sdk::PutOptions& options, const http::Headers& headers);
  sdk::ObjectInfo put_multipart(sdk::CallContext& ctx, std::string_view key, std::span<const std::uint8_t> body,
                                const sdk::PutOptions& options, const http::Headers& object_headers,
                                const http::Headers& condition_headers);
  // The Nexus page in a ListObjectsV2 answer `body` (for a request of
  // max-keys `limit`), with the cursor that continues after it.
  sdk::ListPage read_list_page(std::string_view body, std::uint32_t limit) const;
  [[noreturn]] void fail_put(const http::Response& r, std::string_view key, const sdk::PutOptions& options, const std::string& op);

  S3Config config_;
  http::Pool pool_;                // before credentials_: ECS/IMDS calls use it
  CredentialProvider credentials_;
  S3Client client_;
};

}  // namespace nexus::plugins::s3
