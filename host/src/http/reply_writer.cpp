// http/reply_writer.cpp — see reply_writer.hpp.
//
// Two pistache 0.0.5 behaviours shape this file (checked by experiment):
//   - headers added with Collection::addRaw are NOT written on responses;
//     only typed headers are. Our own headers therefore go in as a small
//     typed Header subclass carrying any name (DynamicHeader).
//   - ResponseWriter::send always appends "Content-Length: <body size>".
//     A HEAD reply must announce the object's size without a body, and a
//     204 must carry no Content-Length at all, so those two are written by
//     hand straight to the peer.
#include "http/reply_writer.hpp"

#include <pistache/peer.h>
#include <sys/socket.h>

#include <sstream>

namespace nexus::host::http {
namespace {

using namespace Pistache;

class DynamicHeader final : public Http::Header::Header {
 public:
  DynamicHeader(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void write(std::ostream& os) const override { os << value_; }
  // Deliberately NOT the hash of a typed header of the same name: pistache's
  // header_cast compares hashes, and a DynamicHeader named "Content-Type"
  // must never be cast to Http::Header::ContentType.
  std::uint64_t hash() const override { return Http::Header::detail::hash(name_.c_str()) ^ 0x5bd1e995u; }

 private:
  std::string name_, value_;
};

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

// pistache 0.0.5 answers "Connection: Close" (and closes) unless the
// request carried "Connection: keep-alive" — wrong for HTTP/1.1, where
// connections persist by default, and a large cost: every request paid a
// new TCP connection. The decision is made here from the request instead.
void set_connection(Http::ResponseWriter& writer, bool keep_alive) {
  writer.headers().remove<Http::Header::Connection>();
  writer.headers().add<Http::Header::Connection>(keep_alive ? Http::ConnectionControl::KeepAlive
                                                            : Http::ConnectionControl::Close);
}

// Keeps `token` until the write behind `promise` settles either way. With
// `close_after`, then half-closes the connection: pistache 0.0.5 announces
// "Connection: Close" but never closes, so a client that waits for the end
// of the stream (HTTP/1.0 without a length, some proxies) would hang.
void release_when_done(Async::Promise<ssize_t>&& promise, const std::shared_ptr<void>& token,
                       std::shared_ptr<Tcp::Peer> close_after = nullptr) {
  auto finish = [token, close_after] {
    if (close_after) ::shutdown(close_after->fd(), SHUT_WR);
  };
  promise.then([finish](ssize_t) { finish(); }, [finish](const std::exception_ptr&) { finish(); });
}

// Status line and headers by hand; no body.
void write_headers_only(Http::ResponseWriter& writer, const Reply& reply, bool with_length,
                        std::shared_ptr<void> token, std::shared_ptr<Tcp::Peer> close_after) {
  std::ostringstream out;
  out << "HTTP/1.1 " << reply.status << ' ' << reason_phrase(reply.status) << "\r\n";
  for (const auto& [name, value] : reply.headers) out << name << ": " << value << "\r\n";
  // Keep pistache's keep-alive decision (it put a typed Connection header
  // on the writer from the request's Connection header).
  if (auto conn = writer.headers().tryGet<Http::Header::Connection>()) {
    out << "Connection: ";
    conn->write(out);
    out << "\r\n";
  }
  if (with_length) {
    out << "Content-Length: " << (reply.head_content_length ? *reply.head_content_length : reply.body.size()) << "\r\n";
  }
  out << "\r\n";
  const std::string text = out.str();
  if (auto peer = writer.getPeer())
    release_when_done(peer->send(RawBuffer(text, text.size())), std::move(token), std::move(close_after));
}

}  // namespace

std::size_t write_reply(Http::ResponseWriter& writer, const Reply& reply, bool head_request, bool keep_alive,
                        std::shared_ptr<void> until_written) {
  const bool keep = keep_alive && !reply.close_connection;
  set_connection(writer, keep);
  std::shared_ptr<Tcp::Peer> close_after = keep ? nullptr : writer.getPeer();
  if (reply.status == 204 || reply.status == 304) {
    write_headers_only(writer, reply, false, std::move(until_written), std::move(close_after));
    return 0;
  }
  if (head_request) {
    write_headers_only(writer, reply, true, std::move(until_written), std::move(close_after));
    return 0;
  }
  for (const auto& [name, value] : reply.headers) writer.headers().add(std::make_shared<DynamicHeader>(name, value));
  release_when_done(writer.send(static_cast<Http::Code>(reply.status), reply.body), std::move(until_written),
                    std::move(close_after));
  return reply.body.size();
}

}  // namespace nexus::host::http
