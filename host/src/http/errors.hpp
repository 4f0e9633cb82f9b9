// http/errors.hpp — every error reply has one shape:
//   {"error": {"code": "not_found", "message": "..."}}
// `code` is nexus_status_name() of the plugin status, or for the few HTTP
// situations no plugin status describes, a name of the same style
// ("method_not_allowed").
#pragma once

#include <nexus/status.h>

#include <string>
#include <string_view>
#include <vector>

#include "http/exchange.hpp"
#include "nexus/host/call.hpp"

namespace nexus::host::http {

// An error reply with the HTTP status http_status_for(status).
Reply error_reply(nexus_status status, std::string_view message);
// An error reply with an explicit HTTP status and code.
Reply error_reply(int http_status, std::string_view code, std::string_view message);
// A plugin call that did not succeed; an empty plugin message is replaced
// by one that names the operation so the client never sees "".
Reply error_reply(const CallOutcome& outcome, std::string_view what);

// "a, b, c" — or "(none)" — for messages that list what does exist.
std::string joined_names(const std::vector<std::string>& names);

// A JSON body reply (Content-Type: application/json).
Reply json_reply(int http_status, std::string body);

}  // namespace nexus::host::http
