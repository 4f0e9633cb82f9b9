// plugin_harness — a tiny in-process loader for testing one plugin .so
// through its C ABI exactly as the host would call it, without the host:
// dlopen, resolve nexus_plugin_entry_v1, create instances from config JSON,
// and call storage/auth functions with a real nexus_call_context whose
// writers and callbacks collect everything into strings.
#pragma once

#include <nexus/nexus.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace nexus::test {

// Path of a plugin built by this tree: NEXUS_PLUGIN_DIR/libnexus_<id>.so.
std::string plugin_path(std::string_view id);

// Every log line a plugin wrote, through nexus_host or a call context.
// [any-thread]
class LogRecorder {
 public:
  void add(nexus_log_level level, std::string_view text);
  std::vector<std::string> lines() const;
  // True if any line contains `needle`.
  bool contains(std::string_view needle) const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

// Outcome of a call: the status, the callback_set_error message, and what
// the writers received.
struct CallResult {
  nexus_status status = NEXUS_INTERNAL;
  std::string error;
  std::string info;  // info / listing / principal JSON
  std::string body;  // get: the bytes
  bool ok() const noexcept { return status == NEXUS_OK; }
  nlohmann::json json() const { return nlohmann::json::parse(info); }
};

// Extra knobs for one call.
struct CallOptions {
  bool cancelled = false;  // callback_is_cancelled answers 1 from the start
};

class LoadedPlugin;

// One instance of a plugin; destroyed (on_instance_destroy) with the object.
// Not movable: the plugin keeps a pointer to its nexus_host.
class PluginInstance {
 public:
  PluginInstance(std::shared_ptr<void> library, const nexus_plugin_descriptor* d, std::shared_ptr<LogRecorder> log);
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;
  ~PluginInstance();

  // on_instance_create; NEXUS_OK or the status with the error text.
  std::pair<nexus_status, std::string> create(std::string_view name, std::string_view config_json);

  void* handle() const noexcept { return instance_; }
  const nexus_storage_v1* storage() const;  // nullptr if not provided
  const nexus_auth_v1* auth() const;
  const nexus_transcription_v1* transcription() const;
  LogRecorder& log() const noexcept { return *log_; }

 private:
  std::shared_ptr<void> library_;  // keeps the .so loaded while the instance lives
  const nexus_plugin_descriptor* descriptor_;
  std::shared_ptr<LogRecorder> log_;
  nexus_host host_{};
  void* instance_ = nullptr;
};

// A dlopen'd plugin (RTLD_NOW | RTLD_LOCAL). Throws std::runtime_error with
// dlerror() text when the file cannot be loaded or has no entry symbol.
class LoadedPlugin {
 public:
  explicit LoadedPlugin(const std::string& path);
  const nexus_plugin_descriptor& descriptor() const noexcept { return *descriptor_; }

  // Creates an instance. On failure the pointer is null and the pair holds
  // the status and the error writer's text.
  struct Created {
    std::unique_ptr<PluginInstance> instance;
    nexus_status status = NEXUS_INTERNAL;
    std::string error;
  };
  Created create(std::string_view config_json, std::string_view name = "test") const;
  // All log lines of every instance this plugin object created.
  LogRecorder& log() const noexcept { return *log_; }

 private:
  std::shared_ptr<void> library_;
  const nexus_plugin_descriptor* descriptor_ = nullptr;
  std::shared_ptr<LogRecorder> log_ = std::make_shared<LogRecorder>();
};

struct PutArgs {
  std::string content_type;
  std::string metadata_json;
  bool if_absent = false;
  std::string if_match;
};
// PutArgs with a content type and optional metadata JSON.
inline PutArgs typed(std::string content_type, std::string metadata_json = {}) {
  PutArgs a;
  a.content_type = std::move(content_type);
  a.metadata_json = std::move(metadata_json);
  return a;
}

// Calls "nexus.storage/1" on one instance. [any-thread]: every call builds
// its own context and sinks.
class StorageClient {
 public:
  explicit StorageClient(const PluginInstance& instance);
  CallResult put(std::string_view key, std::string_view body, const PutArgs& args = {}) const;
  CallResult get(std::string_view key, std::optional<std::pair<std::int64_t, std::int64_t>> range = std::nullopt,
                 CallOptions options = {}) const;
  CallResult head(std::string_view key) const;
  CallResult del(std::string_view key) const;
  CallResult list(std::string_view prefix, std::string_view cursor, std::uint32_t limit) const;

 private:
  const PluginInstance& instance_;
  const nexus_storage_v1* vt_;
};

struct AuthOutcome {
  nexus_status status = NEXUS_INTERNAL;
  nexus_auth_decision decision = NEXUS_AUTH_ABSTAIN;
  std::string principal;  // JSON text on ALLOW
  std::string error;      // callback_set_error text (the DENY reason)
};

// Calls "nexus.auth/1" on one instance.
class AuthClient {
 public:
  explicit AuthClient(const PluginInstance& instance);
  // Headers as given (names should be lower-case, as the host passes them).
  AuthOutcome authenticate(const std::vector<std::pair<std::string, std::string>>& headers) const;

 private:
  const PluginInstance& instance_;
  const nexus_auth_v1* vt_;
};

}  // namespace nexus::test
