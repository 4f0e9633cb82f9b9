#include "http_client.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <new>

namespace nexus::plugins::openai::http {
namespace {

// curl_global_init is not safe to race with other curl use in old libcurl;
// do it once, first. Never undone: other code in the host process may use
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
  (void)list.release();  // `next` is the same list, grown: it now owns every node
  list.reset(next);
}

struct MimeDeleter {
  void operator()(curl_mime* m) const noexcept { curl_mime_free(m); }
};
using Mime = std::unique_ptr<curl_mime, MimeDeleter>;

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

// The audio part reads straight from the caller's bytes; seeking lets curl
// rewind it if it must send the body again.
struct SpanReader {
  std::span<const std::uint8_t> data;
  std::size_t pos = 0;

  static std::size_t read(char* buffer, std::size_t size, std::size_t n, void* self) noexcept {
    auto* r = static_cast<SpanReader*>(self);
    const std::size_t len = std::min(size * n, r->data.size() - r->pos);
    if (len) std::memcpy(buffer, r->data.data() + r->pos, len);
    r->pos += len;
    return len;
  }
  static int seek(void* self, curl_off_t offset, int origin) noexcept {
    auto* r = static_cast<SpanReader*>(self);
    if (origin != SEEK_SET || offset < 0 || static_cast<std::size_t>(offset) > r->data.size())
      return CURL_SEEKFUNC_CANTSEEK;
    r->pos = static_cast<std::size_t>(offset);
    return CURL_SEEKFUNC_OK;
  }
};

struct Transfer {
  const MultipartPost* request;
  Response* response;
  bool too_large = false;
  bool upload_reported = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) noexcept {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t len = size * n;
  if (t->response->body.size() + len > t->request->max_response_bytes) {
    t->too_large = true;
    return 0;  // curl fails the transfer with CURLE_WRITE_ERROR
  }
  try {
    t->response->body.append(data, len);
    return len;
  } catch (...) {
    return 0;
  }
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) noexcept {
  try {
    auto* r = static_cast<Transfer*>(user)->response;
    const std::string_view line(data, size * n);
    // A new status line (after "100 Continue") starts a new set.
    if (line.rfind("HTTP/", 0) == 0) {
      r->headers.clear();
      return size * n;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && r->headers.size() < 200)
      r->headers.emplace_back(lower(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
    return size * n;
  } catch (...) {
    return 0;
  }
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t ultotal, curl_off_t ulnow) noexcept {
  auto* t = static_cast<Transfer*>(user);
  try {
    if (!t->upload_reported && ultotal > 0 && ulnow >= ultotal) {
      t->upload_reported = true;
      if (t->request->on_upload_complete) t->request->on_upload_complete();
    }
    return (t->request->should_abort && t->request->should_abort()) ? 1 : 0;
  } catch (...) {
    return 1;  // an abort check that fails must not keep a transfer alive
  }
}

void check(CURLcode rc, const char* what) {
  if (rc == CURLE_OUT_OF_MEMORY) throw std::bad_alloc();
  if (rc != CURLE_OK) throw TransportError(rc, std::string(what) + ": " + curl_easy_strerror(rc));
}

}  // namespace

std::optional<std::string> Response::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return v;
  return std::nullopt;
}

bool TransportError::retryable() const noexcept {
  switch (code_) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

HandlePool::HandlePool() {
  global_init_once();
}

HandlePool::Handle HandlePool::take() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      Handle h = std::move(idle_.back());
      idle_.pop_back();
      return h;
    }
  }
  Handle h(curl_easy_init());
  if (!h) throw std::bad_alloc();
  return h;
}

void HandlePool::give_back(Handle h) noexcept {
  std::lock_guard lock(mutex_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(h));
}

Response post_multipart(HandlePool& pool, const MultipartPost& request) {
  HandlePool::Handle handle = pool.take();
  CURL* h = handle.get();
  curl_easy_reset(h);  // options go; the connection and DNS caches stay

  Mime mime(curl_mime_init(h));
  if (!mime) throw std::bad_alloc();
  for (const auto& [name, value] : request.fields) {
    curl_mimepart* part = curl_mime_addpart(mime.get());
    if (!part) throw std::bad_alloc();
    check(curl_mime_name(part, name.c_str()), "form field name");
    check(curl_mime_data(part, value.data(), value.size()), "form field value");
  }
  SpanReader audio{request.file.data};
  curl_mimepart* file = curl_mime_addpart(mime.get());
  if (!file) throw std::bad_alloc();
  check(curl_mime_name(file, request.file.field.c_str()), "file field name");
  check(curl_mime_filename(file, request.file.file_name.c_str()), "file name");
  check(curl_mime_type(file, request.file.media_type.c_str()), "file media type");
  check(curl_mime_data_cb(file, static_cast<curl_off_t>(request.file.data.size()), &SpanReader::read, &SpanReader::seek,
                          nullptr, &audio),
        "file data");

  Slist headers;
  for (const auto& [k, v] : request.headers) append(headers, k + ": " + v);
  append(headers, "Accept: application/json");
  // No "Expect: 100-continue" round trip: one request, one answer, and no
  // one-second stall against servers that never send 100.
  append(headers, "Expect:");

  Response response;
  Transfer transfer{&request, &response};
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect would carry the key elsewhere
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);        // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(h, CURLOPT_USERAGENT, "nexus-openai/1.0");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_MIMEPOST, mime.get());
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, std::max(1L, request.timeout_ms));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   std::max(1L, std::min(request.connect_timeout_ms, request.timeout_ms)));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

  const CURLcode rc = curl_easy_perform(h);
  // The pooled handle must not keep pointers into this frame.
  curl_easy_setopt(h, CURLOPT_MIMEPOST, nullptr);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  if (rc == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  mime.reset();
  pool.give_back(std::move(handle));

  if (transfer.too_large)
    throw TransportError(rc, "the answer is larger than " + std::to_string(request.max_response_bytes) + " bytes",
                         true);
  if (rc != CURLE_OK) throw TransportError(rc, errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc)));
  return response;
}

}  // namespace nexus::plugins::openai::http
