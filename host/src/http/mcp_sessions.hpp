// http/mcp_sessions.hpp — the Streamable HTTP transport's sessions: what
// one MCP session remembers (negotiated version, log level, subscriptions,
// running calls, server-to-client requests awaiting an answer, the GET
// stream) and the table of them.
//
// A session id is signed (mcp/session_id.hpp), so a replica that never saw
// a session still accepts its id and starts a fresh local state for it
// (log level and subscriptions are per replica). Ended sessions are
// remembered (tombstones) so their id answers 404 here afterwards; another
// replica does not learn about a DELETE.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "http/exchange.hpp"
#include "http/mcp_stream.hpp"
#include "mcp/session.hpp"
#include "mcp/session_id.hpp"

namespace nexus::host::http {

class McpSession final : public mcp::Session {
 public:
  explicit McpSession(std::string id) : id_(std::move(id)) {}
  const std::string& id() const noexcept { return id_; }

  // mcp::Session
  void set_protocol_version(const std::string& version) override;
  void set_client_capabilities(const nlohmann::json& capabilities) override;
  nlohmann::json client_capabilities() const override;
  std::string log_level() const override;
  void set_log_level(const std::string& level) override;
  void subscribe(const std::string& uri) override;
  void unsubscribe(const std::string& uri) override;
  void cancel(const nlohmann::json& request_id) override;

  bool subscribed(const std::string& uri) const;

  // A running request: its cancellation flag, set by notifications/cancelled
  // or when the session ends. Call finish_call when it is answered.
  std::shared_ptr<std::atomic<bool>> start_call(const nlohmann::json& request_id);
  void finish_call(const nlohmann::json& request_id);

  // Server-to-client requests: a fresh id, then wait for the client's
  // response (delivered by deliver_response from another POST).
  std::string next_request_id();
  struct Awaited {
    std::mutex mutex;
    std::condition_variable cv;
    std::optional<nlohmann::json> response;
  };
  std::shared_ptr<Awaited> await_response(const std::string& id);
  void forget_response(const std::string& id);
  // False when nobody waits for a response with that id.
  bool deliver_response(const nlohmann::json& response);

  // The GET stream for server-initiated messages (at most one; a new GET
  // replaces the old one).
  void set_get_stream(std::shared_ptr<SseStream> stream);
  // Sends on the GET stream; false when there is none or it broke.
  bool send_on_get_stream(const nlohmann::json& message);

  // Cancels running calls, wakes waiting client requests, closes the GET stream.
  void end();
  bool ended() const;

 private:
  const std::string id_;
  mutable std::mutex mutex_;
  std::string version_ = "2025-03-26";
  nlohmann::json client_capabilities_;  // null until initialize (unknown)
  std::string log_level_ = "debug";
  std::set<std::string> subscriptions_;
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> running_;  // key: request id JSON text
  std::map<std::string, std::shared_ptr<Awaited>> awaited_;
  std::uint64_t next_request_ = 1;
  std::shared_ptr<SseStream> get_stream_;
  bool ended_ = false;
};

class McpSessions {
 public:
  // `key`: mcp.session_key, or a random one (see session_id.hpp).
  explicit McpSessions(std::string key) : ids_(std::move(key)) {}

  // A new session with a fresh id; not yet in the table (see add), so a
  // failed initialize leaves nothing behind.
  std::shared_ptr<McpSession> make();
  void add(const std::shared_ptr<McpSession>& session);

  // The session named by the request's MCP-Session-Id, or the reply to
  // send: 400 when the header is missing, 404 when the id is forged,
  // malformed or ended.
  std::variant<std::shared_ptr<McpSession>, Reply> find(const HttpRequest& request);
  // Ends the session and remembers its id as ended.
  void end(const std::shared_ptr<McpSession>& session);

  // Every live session (for resource-updated notifications).
  std::vector<std::shared_ptr<McpSession>> all() const;

 private:
  mcp::SessionIds ids_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<McpSession>> live_;
  std::set<std::string> ended_;
};

// A JSON-RPC error body as an HTTP reply (transport-level failures).
Reply jsonrpc_error_reply(int http_status, int code, const std::string& message);

}  // namespace nexus::host::http
