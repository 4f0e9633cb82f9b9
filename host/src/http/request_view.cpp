// http/request_view.cpp — see request_view.hpp.
#include "http/request_view.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "nexus/host/call.hpp"

namespace nexus::host::http {

namespace {

// RFC 9112 §9.3: HTTP/1.1 persists unless "close" is among the Connection
// options; HTTP/1.0 only with "keep-alive".
bool wants_keep_alive(Pistache::Http::Version version, std::optional<std::string_view> connection) {
  std::string options(connection.value_or(""));
  std::transform(options.begin(), options.end(), options.begin(), [](unsigned char c) { return std::tolower(c); });
  if (version == Pistache::Http::Version::Http11) return options.find("close") == std::string::npos;
  return options.find("keep-alive") != std::string::npos;
}

}  // namespace

HttpRequest make_request_view(const Pistache::Http::Request& request) {
  HttpRequest out;
  out.method = Pistache::Http::methodString(request.method());
  out.path = request.resource();
  // pistache splits the query into a map and keeps values encoded; as_str()
  // rebuilds "?a=1&b=2" (parameter order is not preserved).
  out.query = request.query().as_str();
  if (!out.query.empty() && out.query.front() == '?') out.query.erase(0, 1);
  // rawList() holds every header as received, typed ones included.
  for (const auto& [key, raw] : request.headers().rawList()) {
    std::string name = raw.name();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    out.headers.emplace_back(std::move(name), raw.value());
  }
  out.remote_address = request.address().host();
  out.request_id = choose_request_id(out.header("x-request-id"));
  out.keep_alive = wants_keep_alive(request.version(), out.header("connection"));
  return out;
}

std::string take_body(const Pistache::Http::Request& request) {
  // The request is the parser's (non-const) object, handed to onRequest as
  // const: taking its body is defined behaviour.
  return std::move(const_cast<std::string&>(request.body()));
}

std::string choose_request_id(std::optional<std::string_view> incoming) {
  if (incoming && !incoming->empty() && incoming->size() <= 64 &&
      std::all_of(incoming->begin(), incoming->end(),
                  [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '-'; })) {
    return std::string(*incoming);
  }
  return new_request_id();
}

}  // namespace nexus::host::http
