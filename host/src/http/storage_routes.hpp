// http/storage_routes.hpp — /v1/storage/{instance}[/{key}]: PUT, GET (with
// Range), HEAD, DELETE of objects and GET of listings.
#pragma once

#include "http/exchange.hpp"
#include "http/route_context.hpp"
#include "http/router.hpp"

namespace nexus::host::http {

// `route` is a storage_object or storage_list route whose method was
// checked; authorizes by scope, then calls the storage instance.
Reply handle_storage(const RouteContext& ctx, const Route& route);

}  // namespace nexus::host::http
