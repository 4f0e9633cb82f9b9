// http/access_log.hpp — one structured line per request, logfmt style:
//   http method=GET path=/v1/storage/recordings/a.wav route=storage_object
//        status=200 bytes=5120 ms=1.8 request_id=req-3f... principal=key:ops
// Never headers (credentials live there), never the query (it may carry
// cursors or tokens), only the principal's subject.
#pragma once

#include <cstddef>
#include <string_view>

namespace nexus::host::http {

struct AccessRecord {
  std::string_view method, path, route;
  int status = 0;
  std::size_t body_bytes = 0;
  double duration_ms = 0;
  std::string_view request_id;
  std::string_view principal;  // subject; empty: none
};

void log_access(const AccessRecord& r);

}  // namespace nexus::host::http
