// http/storage_ops.hpp — one function per storage operation, called by
// handle_storage once the caller is authorized, the instance resolved and
// the key checked.
#pragma once

#include <string>

#include "http/exchange.hpp"
#include "http/route_context.hpp"
#include "nexus/host/clients.hpp"

namespace nexus::host::http {

Reply put_object(const RouteContext& ctx, const StorageClient& store, const std::string& key);
Reply get_object(const RouteContext& ctx, const StorageClient& store, const std::string& key);
Reply head_object(const RouteContext& ctx, const StorageClient& store, const std::string& key);
Reply delete_object(const RouteContext& ctx, const StorageClient& store, const std::string& key);
Reply list_objects(const RouteContext& ctx, const StorageClient& store);

}  // namespace nexus::host::http
