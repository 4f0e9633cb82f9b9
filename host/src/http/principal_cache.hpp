// http/principal_cache.hpp — the principals one thread parsed last.
//
// An auth plugin writes the same principal JSON for the same caller on every
// request (apikey: one text per configured key; jwt: one per token). Parsing
// it again is a few percent of a small request's CPU, so each I/O or worker
// thread keeps its last few parsed principals, keyed by the auth instance
// and the exact text the plugin wrote: the same text always parses to the
// same principal, so a hit cannot change a decision. The credential itself
// is never a key (it is not in the principal), and nothing is shared between
// threads (no lock, no contention).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "http/auth_guard.hpp"

namespace nexus::host::http {

class PrincipalCache {
 public:
  static constexpr std::size_t kEntries = 8;
  // Larger principals (a token with many claims) are parsed every time: the
  // cache's memory stays under kEntries × (this + the parsed copy) a thread.
  static constexpr std::size_t kMaxTextBytes = 4096;

  // The principal parsed from `text` for `auth_name`, if this thread has it.
  const Principal* find(std::string_view auth_name, std::string_view text) const;
  // Keeps `principal` (parsed from `text`), replacing the oldest entry when full.
  void remember(std::string_view auth_name, std::string_view text, const Principal& principal);

 private:
  struct Entry {
    std::string auth_name, text;
    Principal principal;
  };
  std::array<Entry, kEntries> entries_;
  std::size_t used_ = 0;  // entries_[0, used_) are filled
  std::size_t next_ = 0;  // the one remember() replaces when full
};

}  // namespace nexus::host::http
