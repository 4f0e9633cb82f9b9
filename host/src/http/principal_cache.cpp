// http/principal_cache.cpp — see principal_cache.hpp.
#include "http/principal_cache.hpp"

namespace nexus::host::http {

const Principal* PrincipalCache::find(std::string_view auth_name, std::string_view text) const {
  for (std::size_t i = 0; i < used_; ++i) {
    const Entry& e = entries_[i];
    if (e.text == text && e.auth_name == auth_name) return &e.principal;
  }
  return nullptr;
}

void PrincipalCache::remember(std::string_view auth_name, std::string_view text, const Principal& principal) {
  if (text.size() > kMaxTextBytes) return;
  std::size_t slot = 0;
  if (used_ < kEntries) {
    slot = used_++;
  } else {
    slot = next_;
    next_ = (next_ + 1) % kEntries;
  }
  Entry& e = entries_[slot];
  e.auth_name.assign(auth_name);
  e.text.assign(text);
  e.principal = principal;
}

}  // namespace nexus::host::http
