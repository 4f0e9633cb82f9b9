// BearerTokens — the platform's own short-lived, scoped bearer tokens:
// "nexus.tokens/1" mints them (POST /v1/tokens) for an authenticated
// principal with a subset of its scopes, "nexus.auth/1" verifies them.
//
// Tokens are compact JWS, HS256, with "kid" naming the key: the first
// configured key signs, every configured key verifies, so a key is rotated
// by adding the new one first and removing the old one once its tokens have
// expired. Verification is stateless (signature + claims) plus the
// revocation list.
#pragma once

#include <nexus/sdk/auth.hpp>
#include <nexus/sdk/tokens.hpp>

#include <memory>

#include "bearer_settings.hpp"
#include "revocation_list.hpp"

namespace nexus::plugins::bearer {

class BearerTokens : public sdk::Auth, public sdk::TokenIssuer {
 public:
  explicit BearerTokens(const sdk::InstanceArgs& args);
  ~BearerTokens() override;

  sdk::AuthResult authenticate(sdk::CallContext& ctx, const sdk::RequestView& request) override;
  nlohmann::json mint(sdk::CallContext& ctx, const nlohmann::json& principal, const nlohmann::json& request) override;

 private:
  const SigningKey* key_by_kid(const std::string& kid) const;

  Settings settings_;  // immutable after create
  std::unique_ptr<RevocationList> revoked_;
};

}  // namespace nexus::plugins::bearer
