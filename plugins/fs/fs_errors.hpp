// How the fs backend turns an errno into a status and a message a caller can
// act on. Messages name the key, never the absolute root path.
#pragma once

#include <nexus/sdk/error.hpp>

#include <string>
#include <string_view>

namespace nexus::plugins::fs {

// Error for `err` while doing `what` ("writing", "reading the directory of")
// on key `key`: ENOSPC/EDQUOT → resource_exhausted, EACCES/EPERM →
// permission_denied, anything else → internal; the text carries strerror.
sdk::Error errno_error(int err, std::string_view what, std::string_view key);

}  // namespace nexus::plugins::fs
