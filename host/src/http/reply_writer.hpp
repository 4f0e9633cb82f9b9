// http/reply_writer.hpp — puts a Reply on the wire through pistache.
#pragma once

#include <cstddef>

#include <pistache/http.h>

#include "http/exchange.hpp"

namespace nexus::host::http {

// Writes `reply`; for a HEAD request the headers only (Content-Length as
// for GET). Returns the number of body bytes sent. `until_written` is kept
// alive until pistache has finished (or failed) writing the bytes.
// `keep_alive`: the client keeps the connection (HttpRequest::keep_alive);
// the reply keeps it too unless reply.close_connection.
std::size_t write_reply(Pistache::Http::ResponseWriter& writer, const Reply& reply, bool head_request,
                        bool keep_alive, std::shared_ptr<void> until_written);

}  // namespace nexus::host::http
