// http/storage_routes.cpp — see storage_routes.hpp. Order of checks:
// scope (so an unauthorized caller learns nothing about instances), then
// the instance, then the key, then the operation.
#include "http/storage_routes.hpp"

#include <nexus/storage.h>

#include <algorithm>

#include "http/errors.hpp"
#include "http/storage_ops.hpp"
#include "nexus/host/runtime.hpp"

namespace nexus::host::http {
namespace {

std::string required_scope(const Route& route, const std::string& method) {
  const std::string base = "storage:" + route.instance + ":";
  if (route.kind == RouteKind::storage_list) return base + "list";
  if (method == "PUT") return base + "write";
  if (method == "DELETE") return base + "delete";
  return base + "read";  // GET, HEAD
}

// A key short enough to quote in a message.
std::string shown_key(const std::string& key) {
  return key.size() > 200 ? key.substr(0, 200) + "..." : key;
}

}  // namespace

Reply handle_storage(const RouteContext& ctx, const Route& route) {
  if (auto denied = require_scope(ctx.principal, required_scope(route, ctx.request.method), ctx.request)) {
    return *denied;
  }

  const auto storage_instances = ctx.runtime.instances_providing(NEXUS_STORAGE_V1);
  if (std::find(storage_instances.begin(), storage_instances.end(), route.instance) == storage_instances.end()) {
    const bool exists = ctx.runtime.has_instance(route.instance);
    return error_reply(NEXUS_NOT_FOUND, (exists ? "instance '" + route.instance + "' is not a storage instance"
                                                : "no instance named '" + route.instance + "'") +
                                            "; storage instances: " + joined_names(storage_instances));
  }
  const StorageClient store = ctx.runtime.storage(route.instance);

  if (route.kind == RouteKind::storage_list) return list_objects(ctx, store);

  // The same rule every backend applies again (storage.h); checking here
  // keeps a bad key from ever reaching a plugin and names the problem.
  if (const char* problem = nexus_storage_key_problem({route.key.data(), route.key.size()})) {
    return error_reply(NEXUS_INVALID_ARGUMENT,
                       "key '" + shown_key(route.key) + "' (decoded from the path): " + problem);
  }
  const std::string& m = ctx.request.method;
  if (m == "PUT") return put_object(ctx, store, route.key);
  if (m == "GET") return get_object(ctx, store, route.key);
  if (m == "HEAD") return head_object(ctx, store, route.key);
  return delete_object(ctx, store, route.key);  // check_method allowed nothing else
}

}  // namespace nexus::host::http
