#include "revocation_list.hpp"

#include <fstream>

#include <nexus/sdk/error.hpp>

namespace nexus::plugins::bearer {

RevocationList::RevocationList(std::set<std::string> fixed, std::optional<std::filesystem::path> file,
                               const std::string& path, Logger log)
    : fixed_(std::move(fixed)), file_(std::move(file)), log_(std::move(log)) {
  if (file_ && !reload_if_changed())
    throw sdk::invalid_argument(path + ": cannot read revocation file '" + file_->string() +
                                "'; create it (it may be empty: one token id per line) or remove the setting");
}

bool RevocationList::reload_if_changed() {
  struct stat st {};
  if (::stat(file_->c_str(), &st) != 0) return false;
  const FileId id{st.st_mtim, st.st_size, st.st_ino};
  if (seen_ && *seen_ == id) return true;
  std::ifstream in(*file_);
  if (!in) return false;
  std::set<std::string> ids;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;  // blank or comment
    ids.insert(line.substr(start));
  }
  from_file_ = std::move(ids);
  seen_ = id;
  log_(NEXUS_LOG_INFO, "bearer: revocation file " + file_->string() + " read, " + std::to_string(from_file_.size()) +
                           " revoked token id(s)");
  return true;
}

bool RevocationList::revoked(const std::string& jti) {
  if (fixed_.count(jti)) return true;
  if (!file_) return false;
  std::lock_guard lock(mutex_);
  if (!reload_if_changed()) {
    if (!warned_)
      log_(NEXUS_LOG_WARN,
           "bearer: revocation file " + file_->string() + " cannot be read; the last list read stays in force");
    warned_ = true;
  } else {
    warned_ = false;
  }
  return from_file_.count(jti) > 0;
}

}  // namespace nexus::plugins::bearer
