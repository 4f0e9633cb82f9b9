// http/reply_writer.hpp — puts a Reply on the wire.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include <pistache/http.h>

#include "http/exchange.hpp"

namespace nexus::host::http {

// Where a reply goes and how long its writer may wait for the client.
struct ReplyTarget {
  // The connection; what the socket does not take within `budget` is
  // handed to pistache to send as the client makes room.
  Pistache::Http::ResponseWriter& writer;
  // The connection's socket. From a thread other than the connection's
  // reactor: a duplicate taken in the handler, so a connection pistache
  // closed (and whose number it gave to a new one) is never written to.
  int fd;
  // Zero on a reactor thread (never wait there).
  std::chrono::milliseconds budget;
};

// Writes `reply`; for a HEAD request the headers only (Content-Length as
// for GET). The status line and headers are formatted here and sent with
// the body in one gathered write straight to the socket: no copy of the
// body. Returns the number of body bytes sent or queued. `until_written` is
// kept alive until every byte has been written (or the write failed).
// `keep_alive`: the client keeps the connection (HttpRequest::keep_alive);
// the reply keeps it too unless reply.close_connection, else the connection
// is half-closed once the reply is out.
std::size_t write_reply(const ReplyTarget& target, const Reply& reply, bool head_request, bool keep_alive,
                        std::shared_ptr<void> until_written);

// The status line and headers of `reply`, with "Connection" (`keep`) and,
// when given, "Content-Length"; ends with the blank line.
std::string format_reply_head(const Reply& reply, bool keep, std::optional<std::uint64_t> content_length);

// Hands `rest` (the part of a reply a slow client has not taken) to
// pistache, which sends it as the client makes room; keeps `until_written`
// until then, and half-closes the connection after it unless `keep`.
// False when the connection is gone already.
bool send_rest_later(Pistache::Http::ResponseWriter& writer, std::string rest, std::shared_ptr<void> until_written,
                     bool keep);

}  // namespace nexus::host::http
