// http/request_view.hpp — pistache's request to the host's HttpRequest.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <pistache/http.h>

#include "http/exchange.hpp"

namespace nexus::host::http {

// Copies method, raw path, raw query, headers (names lower-cased) and the
// remote address. The body is left out: see take_body().
HttpRequest make_request_view(const Pistache::Http::Request& request);

// Moves the body out of pistache's request (no copy), leaving it empty.
// Call it once, in onRequest, where the request is complete and pistache
// no longer reads the body: pistache only reset()s the request after
// onRequest returns, which empties the body but keeps its buffer, so an
// upload's memory stayed with the connection until it closed or the next
// request; taken, it lives exactly as long as the exchange that uses it.
std::string take_body(const Pistache::Http::Request& request);

// The client's X-Request-Id when it matches [A-Za-z0-9._-]{1,64} (so it is
// safe to log and echo), else a fresh new_request_id().
std::string choose_request_id(std::optional<std::string_view> incoming);

}  // namespace nexus::host::http
