#include "fs_errors.hpp"

#include <cerrno>
#include <cstring>

namespace nexus::plugins::fs {

sdk::Error errno_error(int err, std::string_view what, std::string_view key) {
  std::string m = std::string(what) + " '" + std::string(key) + "' failed: " + std::strerror(err);
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      return sdk::resource_exhausted(m + "; free disk space or raise the quota of the storage root");
    case EACCES:
    case EPERM:
      return sdk::permission_denied(m + "; give the nexusd user access to the storage root");
    case EROFS:
      return sdk::permission_denied(m + "; the storage root is on a read-only file system");
    default:
      return sdk::internal(m);
  }
}

}  // namespace nexus::plugins::fs
