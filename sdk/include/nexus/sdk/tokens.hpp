// nexus/sdk/tokens.hpp — mint scoped bearer tokens ("nexus.tokens/1") by
// deriving from nexus::sdk::TokenIssuer.
#pragma once

#include <nexus/tokens.h>

#include <string_view>

#include <nlohmann/json.hpp>

#include "nexus/sdk/context.hpp"
#include "nexus/sdk/error.hpp"
#include "nexus/sdk/instance.hpp"
#include "nexus/sdk/io.hpp"

namespace nexus::sdk {

class TokenIssuer : public virtual Instance {
 public:
  // `principal` is the caller (never null here); `request` the JSON of
  // tokens.h. Return the token JSON of tokens.h.
  virtual nlohmann::json mint(CallContext& ctx, const nlohmann::json& principal, const nlohmann::json& request) = 0;
};

namespace detail {

template <typename P>
struct TokensAdapter {
  static nexus_status on_mint(void* inst, const nexus_call_context* c, nexus_str request_json, const nexus_writer* out) noexcept {
    CallContext ctx(c);
    return guard([&] {
      const nlohmann::json principal = ctx.principal();
      if (!principal.is_object()) throw Error(NEXUS_UNAUTHENTICATED, "minting a token needs an authenticated caller");
      nlohmann::json request = nlohmann::json::parse(view(request_json), nullptr, false);
      if (!request.is_object()) throw invalid_argument("the token request must be a JSON object");
      const nlohmann::json r = static_cast<TokenIssuer&>(*static_cast<P*>(inst)).mint(ctx, principal, request);
      if (!r.is_object() || !r.contains("token")) throw internal("mint must return {\"token\": ...}");
      Writer(out).write(r.dump());
    }, [&](std::string_view m) { ctx.set_error(m); });
  }
  static constexpr nexus_tokens_v1 table{sizeof(nexus_tokens_v1), &on_mint};
};

}  // namespace detail
}  // namespace nexus::sdk
