// http/request_handler.hpp — the pistache handler: turns each request into
// an HttpRequest, dispatches it, writes the Reply, logs one access line.
#pragma once

#include <memory>

#include <pistache/http.h>

#include "http/server_state.hpp"

namespace nexus::host::http {

class RequestHandler : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(RequestHandler)

  explicit RequestHandler(std::shared_ptr<ServerState> state) : state_(std::move(state)) {}

  void onRequest(const Pistache::Http::Request& request, Pistache::Http::ResponseWriter response) override;

 private:
  std::shared_ptr<ServerState> state_;
};

}  // namespace nexus::host::http
