// mcp/session.hpp — what the dispatcher needs from the transport: the
// session (or, in the later stateless revision, a per-request view built
// from `_meta`), a sink for messages to the client, and who is calling.
// The transport owns sessions and streams; the dispatcher owns neither.
#pragma once

#include <nexus/status.h>

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nexus::host::mcp {

// Protocol revisions this host speaks, newest first.
inline const std::vector<std::string>& supported_versions() {
  static const std::vector<std::string> v{"2025-11-25", "2025-06-18", "2025-03-26"};
  return v;
}
inline bool is_supported_version(const std::string& v) {
  for (const auto& s : supported_versions())
    if (s == v) return true;
  return false;
}

class Session {
 public:
  virtual ~Session() = default;
  virtual void set_protocol_version(const std::string& version) = 0;  // by initialize
  virtual void set_client_capabilities(const nlohmann::json& capabilities) = 0;
  virtual nlohmann::json client_capabilities() const = 0;
  // MCP logging level ("debug" ... "emergency"); notifications/message
  // below it are dropped.
  virtual std::string log_level() const = 0;
  virtual void set_log_level(const std::string& level) = 0;
  virtual void subscribe(const std::string& uri) = 0;
  virtual void unsubscribe(const std::string& uri) = 0;
  // notifications/cancelled for the request `request_id` of this session.
  virtual void cancel(const nlohmann::json& request_id) = 0;
};

class Sink {
 public:
  virtual ~Sink() = default;
  // A notification related to the request being answered (progress, log).
  virtual void notify(const nlohmann::json& notification) = 0;
  // A server-to-client request (sampling/createMessage, elicitation/create);
  // blocks until the client answers or the transport gives up. On OK,
  // `result` is the client's result; otherwise `error` says why.
  virtual nexus_status client_request(const std::string& method, const nlohmann::json& params, nlohmann::json& result,
                                      std::string& error) = 0;
};

struct Caller {
  bool authenticated = false;       // false: public route group, no scope checks
  std::vector<std::string> scopes;  // granted scopes
  std::string principal_json;       // for the plugin's call context
  std::string request_id;           // HTTP request id, for logs
};

struct Exchange {
  Session& session;
  Sink& sink;
  const Caller& caller;
  std::function<bool()> cancelled;  // the client or the host gave up
};

}  // namespace nexus::host::mcp
