// One mapping from plugin statuses to HTTP, and request ids.
#include "nexus/host/call.hpp"

#include <openssl/rand.h>

#include <cstdint>
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

namespace {

// Request ids must be unique, not secret: they name a request in logs and
// answers. Asking OpenSSL's DRBG for each one cost ~5% of a small request's
// CPU (locks, a getpid() per call), so each thread seeds a splitmix64
// sequence from it once; a 64-bit random start per thread keeps ids from
// different threads and processes apart.
std::uint64_t next_id_bits() {
  thread_local std::uint64_t state = [] {
    std::uint64_t seed = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&seed), sizeof seed) != 1) seed = std::random_device{}();
    return seed;
  }();
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::string new_request_id() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t v = next_id_bits();
  std::string id = "req-0000000000000000";
  for (std::size_t i = id.size(); i > 4; --i, v >>= 4) id[i - 1] = kHex[v & 15];
  return id;
}

}  // namespace nexus::host
