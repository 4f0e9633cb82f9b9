// mcp/dispatcher.hpp — answers one MCP JSON-RPC message, whatever carried
// it. It does not know HTTP: the transport gives it a Session view, a Sink
// for notifications and server-to-client requests, and the Caller. A later
// stateless revision (version and capabilities in each request's _meta)
// builds a Session view per request and reuses this class unchanged.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "mcp/jsonrpc.hpp"
#include "mcp/session.hpp"
#include "mcp/tool_catalog.hpp"

namespace nexus::host {
class Runtime;
}

namespace nexus::host::mcp {

class Dispatcher {
 public:
  explicit Dispatcher(const Runtime& runtime) : runtime_(runtime) {}

  // The response to a request (result or error), or nullopt for a
  // notification. Never throws: plugin failures and bad params become
  // JSON-RPC errors or isError tool results.
  std::optional<nlohmann::json> handle(const Message& message, Exchange& exchange) const;

  // True when answering `message` may send notifications or requests to the
  // client before the response (tools/call), so the transport should run it
  // on a thread of its own with a stream rather than answer at once. False
  // for a tools/call of a tool declared "x-nexus-inline" (tools.h), which
  // the transport may answer on the thread that read it. [any-thread]
  bool may_stream(const Message& message, Exchange& exchange) const;
  // True for a tools/call of a tool declared "x-nexus-inline".
  bool calls_inline_tool(const Message& message, Exchange& exchange) const;

 private:
  const Runtime& runtime_;
  // Tools and their compiled schemas, per runtime snapshot: answering a
  // message does not change what the dispatcher answers, only this cache.
  mutable ToolCatalogCache tool_catalogs_;
};

}  // namespace nexus::host::mcp
