// One mapping from plugin statuses to HTTP, and request ids.
#include "nexus/host/call.hpp"

#include <openssl/rand.h>

#include <array>
#include <random>

namespace nexus::host {

int http_status_for(nexus_status s) noexcept {
  switch (s) {
    case NEXUS_OK: return 200;
    case NEXUS_INVALID_ARGUMENT: return 400;
    case NEXUS_NOT_FOUND: return 404;
    case NEXUS_ALREADY_EXISTS: return 409;
    case NEXUS_FAILED_PRECONDITION: return 412;
    case NEXUS_PERMISSION_DENIED: return 403;
    case NEXUS_UNAUTHENTICATED: return 401;
    case NEXUS_RESOURCE_EXHAUSTED: return 413;
    case NEXUS_UNAVAILABLE: return 503;
    case NEXUS_DEADLINE_EXCEEDED: return 504;
    case NEXUS_CANCELLED: return 499;
    case NEXUS_UNIMPLEMENTED: return 501;
    case NEXUS_OUT_OF_RANGE: return 416;
    case NEXUS_INTERNAL:
    default: return 500;
  }
}

std::string new_request_id() {
  std::array<unsigned char, 8> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    thread_local std::mt19937_64 fallback{std::random_device{}()};
    const auto v = fallback();
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "req-";
  for (unsigned char c : b) {
    id += kHex[c >> 4];
    id += kHex[c & 15];
  }
  return id;
}

}  // namespace nexus::host
