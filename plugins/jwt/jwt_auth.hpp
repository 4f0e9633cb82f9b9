// JwtAuth — a "nexus.auth/1" provider for JWTs from one OIDC issuer
// (Amazon Cognito user pools, Auth0, Keycloak, Entra ID, ...), verified
// against the issuer's JWKS.
//
// Decisions: no Bearer token, not JWT-shaped, or another issuer's "iss" →
// ABSTAIN (the next provider in the chain may own it); our issuer but a bad
// algorithm, key, signature or claim → DENY with a reason (never the token);
// no key ever fetched (issuer unreachable since create) → NEXUS_UNAVAILABLE.
#pragma once

#include <nexus/sdk/auth.hpp>

#include <memory>

#include "jwks_cache.hpp"
#include "jwt_settings.hpp"

namespace nexus::plugins::jwt {

class JwtAuth : public sdk::Auth {
 public:
  explicit JwtAuth(const sdk::InstanceArgs& args);
  sdk::AuthResult authenticate(sdk::CallContext& ctx, const sdk::RequestView& request) override;

 private:
  sdk::Principal principal_from(const nlohmann::json& claims) const;

  const Settings settings_;
  sdk::Host host_;
  std::unique_ptr<JwksCache> keys_;  // thread-safe; the settings it reads are immutable
};

}  // namespace nexus::plugins::jwt
