// http/reply_writer.cpp — see reply_writer.hpp.
//
// The reply is formatted and written here rather than by pistache's
// ResponseWriter::send, which copied the body into its stream buffer, that
// into a string, and that again into its write queue (a 1 MiB GET paid for
// each; bench/README.md), and which completes the write later from its
// reactor thread, a completion pistache 0.0.5 sometimes never reports
// (mcp_stream.hpp). Written straight to the socket, the body is not copied
// at all when the socket takes it, which it does for most replies.
//
// Two more pistache 0.0.5 behaviours this file replaces (checked by
// experiment): it answers "Connection: Close" unless the request carried
// "Connection: keep-alive" — wrong for HTTP/1.1, where connections persist
// by default, and costly: every request paid a new TCP connection — and it
// announces "Connection: Close" but never closes, so a client that reads to
// the end of the stream (HTTP/1.0 without a length, some proxies) would
// hang. The decision is made from the request, and a closing reply
// half-closes the connection once it is out.
#include "http/reply_writer.hpp"

#include <pistache/peer.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <optional>
#include <string>
#include <string_view>

#include "http/socket_write.hpp"

namespace nexus::host::http {
namespace {

using namespace Pistache;

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 416:
      return "Range Not Satisfiable";
    case 499:
      return "Client Closed Request";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

// Keeps `token` until the write behind `promise` settles either way; with
// `close_after`, then half-closes the connection.
void release_when_done(Async::Promise<ssize_t>&& promise, const std::shared_ptr<void>& token,
                       std::shared_ptr<Tcp::Peer> close_after) {
  auto finish = [token, close_after] {
    if (close_after) ::shutdown(close_after->fd(), SHUT_WR);
  };
  promise.then([finish](ssize_t) { finish(); }, [finish](const std::exception_ptr&) { finish(); });
}

}  // namespace

// pistache's spelling of the Connection values is kept: clients and tests
// have seen it so far.
std::string format_reply_head(const Reply& reply, bool keep, std::optional<std::uint64_t> content_length) {
  std::string head = "HTTP/1.1 " + std::to_string(reply.status) + ' ' + reason_phrase(reply.status) + "\r\n";
  for (const auto& [name, value] : reply.headers) {
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  }
  head += keep ? "Connection: Keep-Alive\r\n" : "Connection: Close\r\n";
  if (content_length) head += "Content-Length: " + std::to_string(*content_length) + "\r\n";
  head += "\r\n";
  return head;
}

bool send_rest_later(Pistache::Http::ResponseWriter& writer, std::string rest, std::shared_ptr<void> until_written,
                     bool keep) {
  const auto peer = writer.getPeer();
  if (!peer) return false;
  const std::size_t size = rest.size();
  release_when_done(peer->send(RawBuffer(std::move(rest), size)), until_written, keep ? nullptr : peer);
  return true;
}

std::size_t write_reply(const ReplyTarget& target, const Reply& reply, bool head_request, bool keep_alive,
                        std::shared_ptr<void> until_written) {
  const bool keep = keep_alive && !reply.close_connection;
  // 204 and 304 carry no Content-Length at all; HEAD announces the
  // object's size without the body.
  const bool bodiless_status = reply.status == 204 || reply.status == 304;
  std::optional<std::uint64_t> length;
  if (!bodiless_status)
    length = head_request && reply.head_content_length ? *reply.head_content_length : reply.body.size();
  const std::string head = format_reply_head(reply, keep, length);
  const std::string_view body = bodiless_status || head_request ? std::string_view() : std::string_view(reply.body);

  const SocketWriteResult r = write_all(target.fd, {head, body}, target.budget);
  if (r.status == SocketWriteResult::Status::failed) {
    spdlog::debug("http: the client left before its {} reply was written", reply.status);
    return 0;
  }
  if (r.status == SocketWriteResult::Status::done) {
    if (!keep) ::shutdown(target.fd, SHUT_WR);
    return body.size();
  }
  // The client is slow to read: pistache sends the rest as it makes room
  // (one copy, of the rest only), and the token lives until then.
  std::string rest = r.written < head.size() ? head.substr(r.written) + std::string(body)
                                             : std::string(body.substr(r.written - head.size()));
  return send_rest_later(target.writer, std::move(rest), std::move(until_written), keep) ? body.size() : 0;
}

}  // namespace nexus::host::http
