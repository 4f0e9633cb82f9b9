// http/dispatch.hpp — one request through the pipeline: route, method,
// auth chain, then the route's handler. Knows nothing about pistache.
#pragma once

#include <cstddef>
#include <functional>

#include "http/exchange.hpp"

namespace nexus::host {
class Runtime;
}

namespace nexus::host::http {

struct DispatchOptions {
  std::size_t max_body_bytes = 0;
  bool draining = false;
  std::function<bool()> cancelled;  // becomes CallOptions::cancelled
};

Reply dispatch(const Runtime& runtime, const HttpRequest& request, const DispatchOptions& options);

}  // namespace nexus::host::http
