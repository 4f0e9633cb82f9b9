// nexus/host/http_server.hpp — serve a Runtime over HTTP (pistache).
//
// Routes: GET /health, GET /ready, GET /v1/plugins, GET /v1/instances,
// POST /v1/admin/reload (Runtime::reload of the config file),
// PUT|GET|HEAD|DELETE /v1/storage/{instance}/{key...},
// GET /v1/storage/{instance}?prefix=&cursor=&limit=.
// Every route group except health/ready is guarded by the auth chain named
// in config "routes"; errors are {"error": {"code", "message"}}.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace nexus::host {

class Runtime;

class HttpServer {
 public:
  // Serves config().http.listen (or `listen_override` when not empty).
  HttpServer(Runtime& runtime, const std::string& listen_override = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving on background threads; returns at once.
  // Throws std::runtime_error naming the address when it cannot bind.
  void start();
  // Stops accepting, lets in-flight requests finish (up to the configured
  // grace period), then returns. Idempotent.
  void stop();
  // The port actually bound (useful with port 0).
  std::uint16_t port() const;
  // After stop(): plugin calls that overran their deadline and never
  // returned. Their code is still running, so the Runtime must not be
  // destroyed (nexusd exits without unloading plugins instead).
  unsigned abandoned_calls() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nexus::host
