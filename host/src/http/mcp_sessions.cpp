// http/mcp_sessions.cpp — see mcp_sessions.hpp.
#include "http/mcp_sessions.hpp"

#include "mcp/jsonrpc.hpp"

namespace nexus::host::http {

using nlohmann::json;

namespace {

// Bounds what one process remembers. Past it an arbitrary tombstone is
// dropped: its id becomes valid again here (it is still signed), which only
// lets its own holder resume it.
constexpr std::size_t kMaxTombstones = 100000;

}  // namespace

Reply jsonrpc_error_reply(int http_status, int code, const std::string& message) {
  Reply r;
  r.status = http_status;
  r.body = mcp::make_error(nullptr, code, message).dump();
  r.header("Content-Type", "application/json");
  return r;
}

void McpSession::set_protocol_version(const std::string& version) {
  std::lock_guard lock(mutex_);
  version_ = version;
}
void McpSession::set_client_capabilities(const json& capabilities) {
  std::lock_guard lock(mutex_);
  client_capabilities_ = capabilities.is_object() ? capabilities : json::object();
}
json McpSession::client_capabilities() const {
  std::lock_guard lock(mutex_);
  return client_capabilities_;
}
std::string McpSession::log_level() const {
  std::lock_guard lock(mutex_);
  return log_level_;
}
void McpSession::set_log_level(const std::string& level) {
  std::lock_guard lock(mutex_);
  log_level_ = level;
}
void McpSession::subscribe(const std::string& uri) {
  std::lock_guard lock(mutex_);
  subscriptions_.insert(uri);
}
void McpSession::unsubscribe(const std::string& uri) {
  std::lock_guard lock(mutex_);
  subscriptions_.erase(uri);
}
bool McpSession::subscribed(const std::string& uri) const {
  std::lock_guard lock(mutex_);
  return subscriptions_.count(uri) != 0;
}

void McpSession::cancel(const json& request_id) {
  std::lock_guard lock(mutex_);
  if (auto it = running_.find(request_id.dump()); it != running_.end()) *it->second = true;
}

std::shared_ptr<std::atomic<bool>> McpSession::start_call(const json& request_id) {
  auto flag = std::make_shared<std::atomic<bool>>(false);
  std::lock_guard lock(mutex_);
  if (ended_) *flag = true;
  running_[request_id.dump()] = flag;
  return flag;
}

void McpSession::finish_call(const json& request_id) {
  std::lock_guard lock(mutex_);
  running_.erase(request_id.dump());
}

std::string McpSession::next_request_id() {
  std::lock_guard lock(mutex_);
  return "nexus-" + std::to_string(next_request_++);
}

std::shared_ptr<McpSession::Awaited> McpSession::await_response(const std::string& id) {
  auto a = std::make_shared<Awaited>();
  std::lock_guard lock(mutex_);
  awaited_[id] = a;
  return a;
}

void McpSession::forget_response(const std::string& id) {
  std::lock_guard lock(mutex_);
  awaited_.erase(id);
}

bool McpSession::deliver_response(const json& response) {
  if (!response.contains("id") || !response["id"].is_string()) return false;
  std::shared_ptr<Awaited> a;
  {
    std::lock_guard lock(mutex_);
    auto it = awaited_.find(response["id"].get<std::string>());
    if (it == awaited_.end()) return false;
    a = it->second;
    awaited_.erase(it);
  }
  {
    std::lock_guard lock(a->mutex);
    a->response = response;
  }
  a->cv.notify_all();
  return true;
}

void McpSession::set_get_stream(std::shared_ptr<SseStream> stream) {
  std::shared_ptr<SseStream> old;
  {
    std::lock_guard lock(mutex_);
    old = std::exchange(get_stream_, std::move(stream));
  }
  if (old) old->close_without_waiting();  // may run on a reactor thread
}

bool McpSession::send_on_get_stream(const json& message) {
  std::shared_ptr<SseStream> s;
  {
    std::lock_guard lock(mutex_);
    s = get_stream_;
  }
  return s && s->send(message);
}

void McpSession::end() {
  std::map<std::string, std::shared_ptr<Awaited>> awaited;
  std::shared_ptr<SseStream> stream;
  {
    std::lock_guard lock(mutex_);
    ended_ = true;
    for (auto& [id, flag] : running_) *flag = true;
    awaited.swap(awaited_);
    stream = std::exchange(get_stream_, nullptr);
  }
  for (auto& [id, a] : awaited) a->cv.notify_all();
  if (stream) stream->close_without_waiting();  // DELETE runs on a reactor thread
}

bool McpSession::ended() const {
  std::lock_guard lock(mutex_);
  return ended_;
}

std::shared_ptr<McpSession> McpSessions::make() { return std::make_shared<McpSession>(ids_.issue()); }

void McpSessions::add(const std::shared_ptr<McpSession>& session) {
  std::lock_guard lock(mutex_);
  live_[session->id()] = session;
}

std::variant<std::shared_ptr<McpSession>, Reply> McpSessions::find(const HttpRequest& request) {
  const auto header = request.header("mcp-session-id");
  if (!header || header->empty()) {
    return jsonrpc_error_reply(400, mcp::kInvalidRequest,
                               "Bad Request: missing MCP-Session-Id header; send the id the initialize response "
                               "returned, or initialize a new session");
  }
  const std::string id(*header);
  std::lock_guard lock(mutex_);
  if (auto it = live_.find(id); it != live_.end()) return it->second;
  if (ended_.count(id) || !ids_.verify(id)) {
    return jsonrpc_error_reply(404, mcp::kInvalidRequest,
                               "Session not found: the MCP-Session-Id is unknown, ended or forged; initialize a new session");
  }
  // Signed by a replica sharing our key (or by this process before a
  // restart): adopt it with fresh local state.
  auto session = std::make_shared<McpSession>(id);
  live_[id] = session;
  return session;
}

void McpSessions::end(const std::shared_ptr<McpSession>& session) {
  {
    std::lock_guard lock(mutex_);
    live_.erase(session->id());
    if (ended_.size() >= kMaxTombstones) ended_.erase(ended_.begin());
    ended_.insert(session->id());
  }
  session->end();
}

std::vector<std::shared_ptr<McpSession>> McpSessions::all() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<McpSession>> out;
  for (const auto& [id, s] : live_) out.push_back(s);
  return out;
}

}  // namespace nexus::host::http
