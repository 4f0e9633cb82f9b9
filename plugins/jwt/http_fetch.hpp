// http_fetch — one blocking HTTP(S) GET with libcurl, for the discovery
// document and the JWKS. Bounded in time and size: a slow or huge answer
// from the issuer must not hold a request thread or memory hostage.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace nexus::plugins::jwt {

struct FetchResult {
  long status = 0;  // HTTP status; 0 when no answer came (see error)
  std::string body;
  std::string error;  // what went wrong, for a log line; empty on 2xx
  bool ok() const noexcept { return status >= 200 && status < 300 && error.empty(); }
};

// GETs `url` (http or https only, no redirects followed: the issuer's URLs
// are configured or come from its own discovery document). HTTPS peers are
// verified (certificate chain and host name) against the system's CAs, or
// against the PEM bundle `ca_file` when it is not empty. Never throws.
// [any-thread]
FetchResult http_get(const std::string& url, std::chrono::milliseconds timeout, std::size_t max_bytes,
                     const std::string& ca_file = {});

}  // namespace nexus::plugins::jwt
