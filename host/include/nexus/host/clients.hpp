// nexus/host/clients.hpp — typed, host-side handles on one instance's
// interface. They build the call context, serialise calls when the plugin
// declared NEXUS_CONCURRENCY_SERIAL, count in-flight calls (so code is never
// unloaded under a call), and collect every output into host-owned memory.
#pragma once

#include <nexus/auth.h>
#include <nexus/prompts.h>
#include <nexus/resources.h>
#include <nexus/storage.h>
#include <nexus/tokens.h>
#include <nexus/tools.h>
#include <nexus/transcription.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nexus/host/call.hpp"

namespace nexus::host {

class LiveInstance;  // defined in the host's sources

struct PutRequest {
  std::string_view key;
  std::span<const std::uint8_t> body;
  std::string_view content_type;   // empty: application/octet-stream
  std::string_view metadata_json;  // empty: none
  bool if_absent = false;
  std::string_view if_match;
};

// Receives body chunks of a get; return false to stop (client went away).
using BodySink = std::function<bool(const void* data, std::size_t size)>;

// A storage object its backend offered as a file (storage.h on_open): the
// descriptor is the host's, closed when this is destroyed.
class ObjectFile {
 public:
  ObjectFile() = default;
  ObjectFile(int fd, std::uint64_t offset) noexcept : fd_(fd), offset_(offset) {}
  ObjectFile(ObjectFile&& other) noexcept;
  ObjectFile& operator=(ObjectFile&& other) noexcept;
  ObjectFile(const ObjectFile&) = delete;
  ObjectFile& operator=(const ObjectFile&) = delete;
  ~ObjectFile();
  bool valid() const noexcept { return fd_ >= 0; }
  int fd() const noexcept { return fd_; }
  std::uint64_t offset() const noexcept { return offset_; }  // where the object's bytes begin

 private:
  int fd_ = -1;
  std::uint64_t offset_ = 0;
};

class StorageClient {
 public:
  explicit StorageClient(std::shared_ptr<LiveInstance> inst) : inst_(std::move(inst)) {}
  // info_json: the object info JSON (see storage.h) on success.
  CallOutcome put(const CallOptions& o, const PutRequest& r, std::string* info_json = nullptr) const;
  // `info` is called with the object info before the first body chunk.
  CallOutcome get(const CallOptions& o, std::string_view key, std::optional<nexus_byte_range> range,
                  const std::function<void(const std::string& info_json)>& info, const BodySink& body) const;
  CallOutcome head(const CallOptions& o, std::string_view key, std::string* info_json) const;
  // The whole object as a file to send from (storage.h on_open): its info
  // JSON and the descriptor. NEXUS_UNIMPLEMENTED without a plugin call when
  // the plugin offers no files (on_open NULL, or a table built before ABI
  // 1.1 that ends before it); the caller then uses get().
  CallOutcome open(const CallOptions& o, std::string_view key, std::string* info_json, ObjectFile* file) const;
  CallOutcome remove(const CallOptions& o, std::string_view key) const;
  CallOutcome list(const CallOptions& o, std::string_view prefix, std::string_view cursor, std::uint32_t limit,
                   std::string* listing_json) const;

 private:
  std::shared_ptr<LiveInstance> inst_;
};

// A header for AuthClient::authenticate (name lower-case).
struct Header {
  std::string name;
  std::string value;
};

struct AuthRequest {
  std::string method, path, query, remote_address, route_group;
  std::vector<Header> headers;
};

class AuthClient {
 public:
  explicit AuthClient(std::shared_ptr<LiveInstance> inst) : inst_(std::move(inst)) {}
  CallOutcome authenticate(const CallOptions& o, const AuthRequest& r, nexus_auth_decision* decision,
                           std::string* principal_json) const;

 private:
  std::shared_ptr<LiveInstance> inst_;
};

class TranscriptionClient {
 public:
  explicit TranscriptionClient(std::shared_ptr<LiveInstance> inst) : inst_(std::move(inst)) {}
  CallOutcome transcribe(const CallOptions& o, std::span<const std::uint8_t> audio, std::string_view media_type,
                         std::string_view options_json, std::string* transcript_json) const;

 private:
  std::shared_ptr<LiveInstance> inst_;
};

class ToolsClient {
 public:
  explicit ToolsClient(std::shared_ptr<LiveInstance> inst) : inst_(std::move(inst)) {}
  CallOutcome list_tools(const CallOptions& o, std::string* tools_json) const;
  CallOutcome call_tool(const CallOptions& o, std::string_view name, std::string_view arguments_json,
                        std::string* result_json) const;

 private:
  std::shared_ptr<LiveInstance> inst_;
};

class ResourcesClient {
 public:
  explicit ResourcesClient(std::shared_ptr<LiveInstance> inst) : inst_(std::move(inst)) {}
  CallOutcome list_resources(const CallOptions& o, std::string* listing_json) const;
  CallOutcome read_resource(const CallOptions& o, std::string_view uri, std::string* result_json) const;
  // UNIMPLEMENTED when the plugin offers no completion.
  CallOutcome complete(const CallOptions& o, std::string_view uri_template, std::string_view argument,
                       std::string_view partial, std::string_view context_json, std::string* result_json) const;

 private:
  std::shared_ptr<LiveInstance> inst_;
};

class PromptsClient {
 public:
  explicit PromptsClient(std::shared_ptr<LiveInstance> inst) : inst_(std::move(inst)) {}
  CallOutcome list_prompts(const CallOptions& o, std::string* prompts_json) const;
  CallOutcome get_prompt(const CallOptions& o, std::string_view name, std::string_view arguments_json,
                         std::string* result_json) const;
  CallOutcome complete(const CallOptions& o, std::string_view prompt, std::string_view argument, std::string_view partial,
                       std::string_view context_json, std::string* result_json) const;

 private:
  std::shared_ptr<LiveInstance> inst_;
};

class TokensClient {
 public:
  explicit TokensClient(std::shared_ptr<LiveInstance> inst) : inst_(std::move(inst)) {}
  // The caller's principal travels in o.principal_json.
  CallOutcome mint(const CallOptions& o, std::string_view request_json, std::string* token_json) const;

 private:
  std::shared_ptr<LiveInstance> inst_;
};

}  // namespace nexus::host
