// ApiKeyAuth — a "nexus.auth/1" provider that recognises static API keys
// configured by their SHA-256 (or read from the environment at create).
#pragma once

#include <nexus/sdk/auth.hpp>

#include "key_table.hpp"

namespace nexus::plugins::apikey {

class ApiKeyAuth : public sdk::Auth {
 public:
  explicit ApiKeyAuth(const sdk::InstanceArgs& args);
  sdk::AuthResult authenticate(sdk::CallContext& ctx, const sdk::RequestView& request) override;

 private:
  const KeyTable table_;  // immutable after create: safe to read from any thread
};

}  // namespace nexus::plugins::apikey
