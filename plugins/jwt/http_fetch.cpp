#include "http_fetch.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace nexus::plugins::jwt {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

struct Body {
  std::string data;
  std::size_t max_bytes;
  bool too_large = false;
};

size_t on_data(char* ptr, size_t size, size_t n, void* user) {
  auto* b = static_cast<Body*>(user);
  const size_t len = size * n;
  if (b->data.size() + len > b->max_bytes) {
    b->too_large = true;
    return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
  }
  b->data.append(ptr, len);
  return len;
}

void global_init_once() {
  // curl_global_init is not reference-counted safely against other users in
  // old libcurls; doing it once per process and never cleaning up is the
  // documented safe choice for a library loaded into someone else's program.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

FetchResult http_get(const std::string& url, std::chrono::milliseconds timeout, std::size_t max_bytes,
                     const std::string& ca_file) {
  global_init_once();
  FetchResult r;
  CurlHandle h(curl_easy_init());
  if (!h) {
    r.error = "curl_easy_init failed";
    return r;
  }
  Body body{{}, max_bytes};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(h.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h.get(), CURLOPT_FOLLOWLOCATION, 0L);
  // libcurl's defaults, stated: keys fetched from an unverified peer would
  // let anyone on the path sign tokens for this issuer.
  curl_easy_setopt(h.get(), CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h.get(), CURLOPT_SSL_VERIFYHOST, 2L);
  if (!ca_file.empty()) curl_easy_setopt(h.get(), CURLOPT_CAINFO, ca_file.c_str());
  curl_easy_setopt(h.get(), CURLOPT_NOSIGNAL, 1L);  // no SIGALRM from a plugin inside a multi-threaded host
  curl_easy_setopt(h.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h.get(), CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h.get(), CURLOPT_WRITEFUNCTION, &on_data);
  curl_easy_setopt(h.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(h.get(), CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h.get(), CURLOPT_USERAGENT, "nexus-jwt/1.0");
  curl_easy_setopt(h.get(), CURLOPT_ACCEPT_ENCODING, "");
  struct curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(headers, &curl_slist_free_all);
  curl_easy_setopt(h.get(), CURLOPT_HTTPHEADER, headers);

  const CURLcode rc = curl_easy_perform(h.get());
  curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &r.status);
  if (body.too_large) {
    r.error = "response larger than " + std::to_string(max_bytes) + " bytes";
    return r;
  }
  if (rc != CURLE_OK) {
    r.status = 0;
    r.error = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
    return r;
  }
  r.body = std::move(body.data);
  if (r.status < 200 || r.status >= 300) r.error = "HTTP status " + std::to_string(r.status);
  return r;
}

}  // namespace nexus::plugins::jwt
