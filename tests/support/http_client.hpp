// support/http_client.hpp — a small blocking HTTP/1.1 client on libcurl
// for integration tests. It only ever talks to 127.0.0.1.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nexus::test {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  long status = 0;                             // 0: the request failed (see `error`)
  std::map<std::string, std::string> headers;  // names lower-case; a repeated header keeps the last value
  std::string body;
  std::string error;  // curl's message when status == 0

  // The header's value, or "" when absent.
  std::string header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  bool has_header(const std::string& lower_name) const { return headers.count(lower_name) != 0; }
};

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port) : port_(port) {}

  // `path` is sent exactly as given (no normalisation of "..", no
  // re-encoding), so tests can send hostile paths. `body` is borrowed, not
  // copied (large uploads). "Expect: 100-continue" is never sent.
  HttpResponse request(const std::string& method, const std::string& path, const HeaderList& headers = {},
                       std::string_view body = {}, long timeout_seconds = 60) const;

  HttpResponse get(const std::string& path, const HeaderList& headers = {}) const {
    return request("GET", path, headers);
  }
  HttpResponse head(const std::string& path, const HeaderList& headers = {}) const {
    return request("HEAD", path, headers);
  }
  HttpResponse put(const std::string& path, std::string_view body, const HeaderList& headers = {}) const {
    return request("PUT", path, headers, body);
  }
  HttpResponse del(const std::string& path, const HeaderList& headers = {}) const {
    return request("DELETE", path, headers);
  }

  std::uint16_t port() const noexcept { return port_; }
  // Throttles uploads to about this many bytes per second (0: no limit), to
  // keep a request in flight long enough for a test to act on it.
  void set_max_send_speed(long bytes_per_second) { max_send_speed_ = bytes_per_second; }
  // Called once, on the requesting thread, when the last byte of a request
  // body has been handed to the socket (the server may still be reading).
  void set_on_upload_complete(std::function<void()> callback) { on_upload_complete_ = std::move(callback); }

 private:
  std::uint16_t port_;
  long max_send_speed_ = 0;
  std::function<void()> on_upload_complete_;
};

// Percent-encodes every byte outside [A-Za-z0-9-._~] (and keeps '/' when
// `keep_slash`), for building paths from keys.
std::string url_encode(std::string_view text, bool keep_slash = true);

}  // namespace nexus::test
