// http/request_view.hpp — pistache's request to the host's HttpRequest.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <pistache/http.h>

#include "http/exchange.hpp"

namespace nexus::host::http {

// Copies method, raw path, raw query, headers (names lower-cased) and the
// remote address; the body is borrowed (`request` must outlive the view).
HttpRequest make_request_view(const Pistache::Http::Request& request);

// The client's X-Request-Id when it matches [A-Za-z0-9._-]{1,64} (so it is
// safe to log and echo), else a fresh new_request_id().
std::string choose_request_id(std::optional<std::string_view> incoming);

}  // namespace nexus::host::http
