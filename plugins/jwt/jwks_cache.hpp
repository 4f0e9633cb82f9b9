// jwks_cache — the issuer's signing keys, fetched (discovery → JWKS) and
// cached. Thread-safe.
//
// Fetch policy, so bad tokens cannot turn into a fetch storm on the issuer:
//   - every fetch attempt, successful or not, starts a quiet period of
//     refresh_min_interval during which no other fetch is made;
//   - an unknown kid or a cache older than cache_lifetime asks for a fetch;
//     inside the quiet period the answer comes from what is cached;
//   - a failed fetch keeps the old keys: a JWKS endpoint that is down only
//     makes NEW keys unavailable.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include <nexus/types.h>

#include "jwt_settings.hpp"
#include "public_key.hpp"

namespace nexus::plugins::jwt {

class JwksCache {
 public:
  using Clock = std::chrono::steady_clock;
  using Logger = std::function<void(nexus_log_level, const std::string&)>;

  JwksCache(const Settings& settings, Logger log);

  struct Lookup {
    enum class Outcome { Found, UnknownKey, NothingCached } outcome = Outcome::NothingCached;
    std::vector<PublicKey> keys;  // Found: the key with the kid, or (no kid) every key
  };
  // The key(s) for `kid` (nullopt: the token has no kid → every key).
  // Fetches when needed and allowed. [any-thread]
  Lookup find(const std::optional<std::string>& kid);

  // One fetch now if the quiet period allows it (used at create to warm the
  // cache). True when keys are cached afterwards.
  bool prefetch();

 private:
  using KeyMap = std::multimap<std::string, PublicKey>;  // by kid ("" when the JWK has none)
  struct Snapshot {
    std::shared_ptr<const KeyMap> keys;  // null: never fetched successfully
    Clock::time_point fetched_at;
  };
  Snapshot snapshot() const;
  static bool has(const KeyMap& m, const std::optional<std::string>& kid);
  static Lookup lookup_in(const std::shared_ptr<const KeyMap>& keys, const std::optional<std::string>& kid);
  // Fetches if the quiet period allows; keeps the old keys on failure.
  // With wait=false, returns at once when another thread is fetching.
  void refresh(bool wait);
  std::optional<std::string> resolve_jwks_uri();
  std::shared_ptr<const KeyMap> fetch_keys(const std::string& uri);

  const Settings& settings_;
  Logger log_;

  mutable std::shared_mutex mutex_;  // guards keys_, fetched_at_
  std::shared_ptr<const KeyMap> keys_;
  Clock::time_point fetched_at_{};

  std::mutex fetch_mutex_;  // one fetch at a time; guards the members below
  std::optional<Clock::time_point> last_attempt_;
  std::optional<std::string> jwks_uri_;  // configured, or learnt from discovery
};

}  // namespace nexus::plugins::jwt
