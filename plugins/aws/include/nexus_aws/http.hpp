// http — a small libcurl client: a per-instance pool of easy handles that
// share DNS, TLS sessions and connections through one CURLSH, and one
// function that performs a request and buffers the response.
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

namespace nexus::plugins::aws::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";
  std::string url;
  Headers headers;                     // sent as given (plus nothing curl adds that matters)
  std::span<const std::uint8_t> body;  // borrowed for the call
  long timeout_ms = 30000;             // whole transfer
  long connect_timeout_ms = 10000;
  // "host:port:connect-host:connect-port" (CURLOPT_CONNECT_TO): reach a
  // virtual-host style name at the endpoint's address without DNS for it.
  std::string connect_to;
  std::function<bool()> should_abort;  // polled during the transfer
};

struct Response {
  long status = 0;
  Headers headers;  // names lower-cased, in arrival order
  std::string body;
  // First value of header `lower_name`, or nullopt.
  std::optional<std::string> header(std::string_view lower_name) const;
};

// A transport failure: no HTTP status was received (refused, reset, DNS,
// timeout, TLS). `code` is the CURLcode.
class TransportError : public std::runtime_error {
 public:
  TransportError(int code, std::string message) : std::runtime_error(std::move(message)), code_(code) {}
  int code() const noexcept { return code_; }
  bool aborted() const noexcept { return code_ == CURLE_ABORTED_BY_CALLBACK; }
  bool timed_out() const noexcept { return code_ == CURLE_OPERATION_TIMEDOUT; }

 private:
  int code_;
};

struct EasyDeleter {
  void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

// Handles checked out of the pool return to it when the lease ends.
// [any-thread]
class Pool {
 public:
  Pool();
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  class Lease {
   public:
    Lease(Pool& pool, EasyHandle h) noexcept : pool_(&pool), handle_(std::move(h)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept = default;
    ~Lease();
    CURL* get() const noexcept { return handle_.get(); }

   private:
    Pool* pool_;
    EasyHandle handle_;
  };

  Lease checkout();
  CURLSH* share() const noexcept { return share_; }

 private:
  friend class Lease;
  void give_back(EasyHandle h) noexcept;
  static void lock_cb(CURL*, curl_lock_data data, curl_lock_access, void* self) noexcept;
  static void unlock_cb(CURL*, curl_lock_data data, void* self) noexcept;

  static constexpr std::size_t kMaxIdle = 16;
  CURLSH* share_ = nullptr;
  std::mutex locks_[CURL_LOCK_DATA_LAST];  // one per shared data kind
  std::mutex mutex_;
  std::vector<EasyHandle> idle_;  // guarded by mutex_
};

// Performs `request` on a pooled handle. Throws TransportError when no
// response arrived. Any HTTP status is a Response.
Response perform(Pool& pool, const Request& request);

}  // namespace nexus::plugins::aws::http
