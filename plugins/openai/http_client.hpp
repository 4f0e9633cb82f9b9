// http_client — one multipart/form-data POST with libcurl (curl_mime), the
// only kind of request this plugin makes. The audio is read from the
// caller's borrowed bytes, never copied; the answer is buffered up to a
// limit. Easy handles are kept in a small pool so a later call reuses the
// connection (and TLS session) of an earlier one.
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nexus::plugins::openai::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct FilePart {
  std::string field = "file";
  std::string file_name;               // "audio.wav": OpenAI reads the format from the extension
  std::string media_type;              // the part's Content-Type
  std::span<const std::uint8_t> data;  // borrowed for the call
};

struct MultipartPost {
  std::string url;
  Headers headers;                                          // e.g. the auth header
  std::vector<std::pair<std::string, std::string>> fields;  // sent before the file, in order
  FilePart file;
  long timeout_ms = 300000;  // the whole exchange
  long connect_timeout_ms = 10000;
  std::size_t max_response_bytes = 32u << 20;
  // Polled about every second and on every block sent or received; true
  // aborts the transfer (TransportError::aborted()).
  std::function<bool()> should_abort;
  // Called once, when the last byte of the request body has been sent.
  std::function<void()> on_upload_complete;
};

struct Response {
  long status = 0;
  Headers headers;  // names lower-cased, in arrival order
  std::string body;
  std::optional<std::string> header(std::string_view lower_name) const;
};

// No HTTP answer arrived: refused, reset, DNS, TLS, timeout, aborted, or
// an answer larger than max_response_bytes. `code` is the CURLcode.
class TransportError : public std::runtime_error {
 public:
  TransportError(CURLcode code, std::string message, bool too_large = false)
      : std::runtime_error(std::move(message)), code_(code), too_large_(too_large) {}
  CURLcode code() const noexcept { return code_; }
  bool aborted() const noexcept { return code_ == CURLE_ABORTED_BY_CALLBACK; }
  bool timed_out() const noexcept { return code_ == CURLE_OPERATION_TIMEDOUT; }
  bool response_too_large() const noexcept { return too_large_; }
  // Worth another attempt: the server may not have seen the request, or
  // failed without answering (refused, reset, DNS, TLS handshake, timeout).
  bool retryable() const noexcept;

 private:
  CURLcode code_;
  bool too_large_;
};

// Idle easy handles of one instance. [any-thread]
class HandlePool {
 public:
  HandlePool();
  HandlePool(const HandlePool&) = delete;
  HandlePool& operator=(const HandlePool&) = delete;

  struct Deleter {
    void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
  };
  using Handle = std::unique_ptr<CURL, Deleter>;

  Handle take();                      // an idle handle or a new one
  void give_back(Handle h) noexcept;  // kept if there is room

 private:
  static constexpr std::size_t kMaxIdle = 8;
  std::mutex mutex_;
  std::vector<Handle> idle_;  // guarded by mutex_
};

// Sends `request`. Any HTTP status is a Response; throws TransportError
// when none arrived. [any-thread]
Response post_multipart(HandlePool& pool, const MultipartPost& request);

}  // namespace nexus::plugins::openai::http
