// http/tokens_routes.hpp — POST /v1/tokens: an authenticated caller mints a
// short-lived token for itself with a subset of its own scopes, through an
// instance providing "nexus.tokens/1" (the bearer plugin).
#pragma once

#include "http/exchange.hpp"
#include "http/route_context.hpp"
#include "http/router.hpp"

namespace nexus::host::http {

Reply handle_tokens(const RouteContext& ctx, const Route& route);

}  // namespace nexus::host::http
