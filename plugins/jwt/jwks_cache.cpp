#include "jwks_cache.hpp"

#include <nexus/sdk/jose.hpp>

#include "http_fetch.hpp"

namespace nexus::plugins::jwt {
namespace {

constexpr std::size_t kMaxDocumentBytes = 512 * 1024;

std::string discovery_url(std::string issuer) {
  while (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
  return issuer + "/.well-known/openid-configuration";
}

}  // namespace

JwksCache::JwksCache(const Settings& settings, Logger log) : settings_(settings), log_(std::move(log)) {
  if (settings_.jwks_uri) jwks_uri_ = settings_.jwks_uri;
}

JwksCache::Snapshot JwksCache::snapshot() const {
  std::shared_lock lock(mutex_);
  return {keys_, fetched_at_};
}

bool JwksCache::has(const KeyMap& m, const std::optional<std::string>& kid) {
  return kid ? m.count(*kid) > 0 : !m.empty();
}

JwksCache::Lookup JwksCache::lookup_in(const std::shared_ptr<const KeyMap>& keys,
                                       const std::optional<std::string>& kid) {
  Lookup l;
  if (!keys) return l;  // NothingCached
  if (kid) {
    const auto [b, e] = keys->equal_range(*kid);
    for (auto it = b; it != e; ++it) l.keys.push_back(it->second);
  } else {
    for (const auto& [k, v] : *keys) l.keys.push_back(v);
  }
  l.outcome = l.keys.empty() ? Lookup::Outcome::UnknownKey : Lookup::Outcome::Found;
  return l;
}

JwksCache::Lookup JwksCache::find(const std::optional<std::string>& kid) {
  Snapshot s = snapshot();
  const bool fresh = s.keys && Clock::now() - s.fetched_at < settings_.cache_lifetime;
  if (fresh && has(*s.keys, kid)) return lookup_in(s.keys, kid);
  // A stale cache that has the key serves it at once if another thread is
  // already fetching, rather than queueing this request behind the fetch.
  const bool can_serve_stale = s.keys && has(*s.keys, kid);
  refresh(/*wait=*/!can_serve_stale);  // may do nothing inside the quiet period
  return lookup_in(snapshot().keys, kid);
}

bool JwksCache::prefetch() {
  refresh(/*wait=*/true);
  return snapshot().keys != nullptr;
}

void JwksCache::refresh(bool wait) {
  std::unique_lock fetch_lock(fetch_mutex_, std::defer_lock);
  if (wait)
    fetch_lock.lock();
  else if (!fetch_lock.try_lock())
    return;
  const auto now = Clock::now();
  // Checked under fetch_mutex_: threads that queued behind a fetch find the
  // quiet period started and use its result instead of fetching again.
  if (last_attempt_ && now - *last_attempt_ < settings_.refresh_min_interval) return;
  last_attempt_ = now;

  const auto uri = resolve_jwks_uri();
  if (!uri) return;
  auto keys = fetch_keys(*uri);
  if (!keys) return;
  std::unique_lock lock(mutex_);
  keys_ = std::move(keys);
  fetched_at_ = Clock::now();
}

std::optional<std::string> JwksCache::resolve_jwks_uri() {
  if (jwks_uri_) return jwks_uri_;
  const std::string url = discovery_url(settings_.issuer);
  const FetchResult r = http_get(url, settings_.timeout, kMaxDocumentBytes, settings_.ca_file);
  if (!r.ok()) {
    log_(NEXUS_LOG_WARN, "jwt: discovery document " + url + " unavailable (" + r.error +
                             "); keys cannot be fetched yet, retrying in " +
                             std::to_string(settings_.refresh_min_interval.count()) + " s at the earliest");
    return std::nullopt;
  }
  const auto doc = nlohmann::json::parse(r.body, nullptr, false);
  const auto iss = doc.is_object() ? sdk::jose::string_claim(doc, "issuer") : std::nullopt;
  const auto jwks = doc.is_object() ? sdk::jose::string_claim(doc, "jwks_uri") : std::nullopt;
  if (!iss || !jwks) {
    log_(NEXUS_LOG_WARN, "jwt: discovery document " + url +
                             " is not JSON with \"issuer\" and \"jwks_uri\"; set jwks_uri in the config");
    return std::nullopt;
  }
  // OpenID Connect Discovery §4.3: the document's issuer must be ours, or a
  // spoofed document could point us at someone else's keys.
  if (*iss != settings_.issuer) {
    log_(NEXUS_LOG_WARN, "jwt: discovery document " + url + " names issuer '" + *iss + "', not the configured '" +
                             settings_.issuer + "'; fix config.issuer to match exactly (trailing slash included)");
    return std::nullopt;
  }
  if (jwks->rfind("https://", 0) != 0 && jwks->rfind("http://", 0) != 0) {
    log_(NEXUS_LOG_WARN, "jwt: discovery document " + url + " has a jwks_uri that is not http(s)");
    return std::nullopt;
  }
  jwks_uri_ = *jwks;
  return jwks_uri_;
}

std::shared_ptr<const JwksCache::KeyMap> JwksCache::fetch_keys(const std::string& uri) {
  const FetchResult r = http_get(uri, settings_.timeout, kMaxDocumentBytes, settings_.ca_file);
  if (!r.ok()) {
    log_(NEXUS_LOG_WARN, "jwt: JWKS " + uri + " unavailable (" + r.error + "); keeping the cached keys");
    return nullptr;
  }
  const auto doc = nlohmann::json::parse(r.body, nullptr, false);
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    log_(NEXUS_LOG_WARN, "jwt: JWKS " + uri + " is not a JSON object with a \"keys\" array; keeping the cached keys");
    return nullptr;
  }
  auto keys = std::make_shared<KeyMap>();
  std::string kids;
  for (const auto& jwk : doc["keys"]) {
    std::string why;
    auto k = PublicKey::from_jwk(jwk, why);
    if (!k) {
      const auto kid = jwk.is_object() ? sdk::jose::string_claim(jwk, "kid").value_or("(no kid)") : "(not an object)";
      log_(NEXUS_LOG_DEBUG, "jwt: JWKS key '" + kid + "' skipped: " + why);
      continue;
    }
    kids += (kids.empty() ? "" : ", ") + k->kid();
    keys->emplace(k->kid(), std::move(*k));
  }
  log_(NEXUS_LOG_INFO, "jwt: " + std::to_string(keys->size()) + " signing key(s) from " + uri +
                           (kids.empty() ? "" : " (" + kids + ")"));
  return keys;
}

}  // namespace nexus::plugins::jwt
