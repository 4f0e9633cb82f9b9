#include "nexus_aws/http.hpp"

#include <algorithm>
#include <cstring>

namespace nexus::plugins::aws::http {
namespace {

// curl_global_init is not safe to race with other curl use in old libcurl;
// do it once, first. It is never undone: other code in the process may use
// curl, and curl_global_cleanup would pull the rug out from under it.
void global_init_once() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

struct SlistDeleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

void append(Slist& list, const std::string& line) {
  curl_slist* next = curl_slist_append(list.get(), line.c_str());
  if (!next) throw std::bad_alloc();
  list.release();
  list.reset(next);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) noexcept {
  try {
    static_cast<Response*>(user)->body.append(data, size * n);
    return size * n;
  } catch (...) {
    return 0;  // curl turns this into CURLE_WRITE_ERROR
  }
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) noexcept {
  try {
    auto* r = static_cast<Response*>(user);
    const std::string_view line(data, size * n);
    // A new status line (after a redirect or 100 Continue) starts a new set.
    if (line.rfind("HTTP/", 0) == 0) {
      r->headers.clear();
      return size * n;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos)
      r->headers.emplace_back(lower(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
    return size * n;
  } catch (...) {
    return 0;
  }
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) noexcept {
  const auto* abort = static_cast<const std::function<bool()>*>(user);
  try {
    return (*abort && (*abort)()) ? 1 : 0;
  } catch (...) {
    return 1;
  }
}

}  // namespace

std::optional<std::string> Response::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return v;
  return std::nullopt;
}

Pool::Pool() {
  global_init_once();
  share_ = curl_share_init();
  if (!share_) throw std::runtime_error("curl_share_init failed");
  curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &Pool::lock_cb);
  curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &Pool::unlock_cb);
  curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
}

Pool::~Pool() {
  // Handles must go before the share they use.
  idle_.clear();
  if (share_) curl_share_cleanup(share_);
}

void Pool::lock_cb(CURL*, curl_lock_data data, curl_lock_access, void* self) noexcept {
  static_cast<Pool*>(self)->locks_[data].lock();
}
void Pool::unlock_cb(CURL*, curl_lock_data data, void* self) noexcept {
  static_cast<Pool*>(self)->locks_[data].unlock();
}

Pool::Lease Pool::checkout() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      EasyHandle h = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(h));
    }
  }
  EasyHandle h(curl_easy_init());
  if (!h) throw std::runtime_error("curl_easy_init failed (out of memory?)");
  return Lease(*this, std::move(h));
}

void Pool::give_back(EasyHandle h) noexcept {
  std::lock_guard lock(mutex_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(h));
}

Pool::Lease::~Lease() {
  if (handle_ && pool_) pool_->give_back(std::move(handle_));
}

Response perform(Pool& pool, const Request& request) {
  Pool::Lease lease = pool.checkout();
  CURL* h = lease.get();
  curl_easy_reset(h);  // keeps the handle's connection and DNS caches

  Response response;
  Slist headers;
  // curl drops "Name:" with an empty value; "Name;" sends it empty.
  for (const auto& [k, v] : request.headers) append(headers, v.empty() ? k + ";" : k + ": " + v);
  // No "Expect: 100-continue" round trip, and no default form content type.
  append(headers, "Expect:");
  bool has_content_type = false;
  for (const auto& [k, v] : request.headers) has_content_type = has_content_type || lower(k) == "content-type";
  if (!has_content_type) append(headers, "Content-Type:");

  Slist connect_to;
  if (!request.connect_to.empty()) append(connect_to, request.connect_to);

  curl_easy_setopt(h, CURLOPT_SHARE, pool.share());
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  if (connect_to) curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to.get());
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, std::max(1L, request.timeout_ms));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   std::max(1L, std::min(request.connect_timeout_ms, request.timeout_ms)));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &response);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  if (request.should_abort) {
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &request.should_abort);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  }

  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET" && request.body.empty()) {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    // POSTFIELDS sends the bytes as they are, with Content-Length, and can
    // be replayed on a retry; the method is then set explicitly.
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS,
                     request.body.empty() ? "" : reinterpret_cast<const char*>(request.body.data()));
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  const CURLcode rc = curl_easy_perform(h);
  // Do not let the reused handle keep pointers into this frame.
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(h, CURLOPT_CONNECT_TO, nullptr);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  if (rc != CURLE_OK) {
    std::string msg = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    throw TransportError(rc, msg);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace nexus::plugins::aws::http
