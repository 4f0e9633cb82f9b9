// http/exchange.hpp — the host's own view of one HTTP request and the reply
// to it. Route code works on these plain types, never on pistache types, so
// it can be read (and reasoned about) without knowing pistache.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nexus::host::http {

struct HttpRequest {
  std::string method;                                        // "GET", upper-case as on the wire
  std::string path;                                          // raw (still percent-encoded), without the query
  std::string query;                                         // raw, without '?'; may be empty
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string_view body;                                     // the exchange's body (take_body), borrowed for the call
  std::string remote_address;                                // "127.0.0.1"
  std::string request_id;                                    // chosen by choose_request_id()
  // The client keeps the connection open after this request: HTTP/1.1
  // unless it sent "Connection: close", HTTP/1.0 only with "keep-alive".
  bool keep_alive = false;

  // First value of header `lower_name`, if present.
  std::optional<std::string_view> header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return std::string_view(value);
    }
    return std::nullopt;
  }
  std::span<const std::uint8_t> body_bytes() const {
    return {reinterpret_cast<const std::uint8_t*>(body.data()), body.size()};
  }
};

struct Reply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // written as given
  std::string body;
  // For HEAD: the Content-Length to announce when it is not body.size()
  // (the object's size; the body itself is never sent for HEAD).
  std::optional<std::uint64_t> head_content_length;
  bool close_connection = false;
  // Set by a route that sent this reply itself, through its BodyStream
  // (http/body_stream.hpp): status and headers are what went out, `body`
  // is empty, `streamed_bytes` counts the body; nothing more is written.
  bool streamed = false;
  std::size_t streamed_bytes = 0;
  // Who made the request (the principal's subject), for the access log
  // only; never sent. Empty: unauthenticated or public.
  std::string log_subject;

  Reply& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace nexus::host::http
