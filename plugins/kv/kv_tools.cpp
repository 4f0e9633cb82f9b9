// The kv tools: each one validates its arguments, maps the agent's key under
// the configured prefix, calls the storage dependency and reports the
// outcome in words the model can act on.
#include "kv_tools.hpp"

#include <nexus/sdk/error.hpp>

#include <nexus/sdk/tool_support.hpp>

namespace nexus::plugins::kv {
namespace {

constexpr std::uint32_t kDefaultListLimit = 100;

KvSettings read_settings(const sdk::Config& c) {
  KvSettings s;
  s.storage = c.get<std::string>("storage");
  s.prefix = c.get_or<std::string>("prefix", "kv/");
  s.max_value_bytes = c.get_or<std::uint64_t>("max_value_bytes", 1048576);
  s.read_only = c.get_or<bool>("read_only", false);
  if (s.storage.empty())
    throw sdk::invalid_argument("config.storage is empty; name the storage instance that holds the values");
  if (s.max_value_bytes == 0) throw sdk::invalid_argument("config.max_value_bytes must be at least 1");
  // The prefix must yield valid keys: "kv/" + "x" has to be a key.
  if (!s.prefix.empty() && nexus_storage_key_problem(sdk::to_nexus_str(s.prefix + "x")) != nullptr)
    throw sdk::invalid_argument("config.prefix '" + s.prefix + "' does not form valid storage keys (" +
                                nexus_storage_key_problem(sdk::to_nexus_str(s.prefix + "x")) + "); use e.g. 'kv/'");
  return s;
}

const json& find_definition(const json& tools, std::string_view name) {
  for (const auto& t : tools)
    if (t["name"] == name) return t;
  static const json kNone;
  return kNone;
}

}  // namespace

KvTools::KvTools(const sdk::InstanceArgs& args)
    : settings_(read_settings(args.config)), tools_(tool_definitions(settings_.read_only)) {
  // Look the dependency up once: the host created it first and keeps it
  // alive until this instance is destroyed.
  storage_.emplace(settings_.storage, args.host.find<nexus_storage_v1>(settings_.storage, NEXUS_STORAGE_V1));
}

json KvTools::list_tools(sdk::CallContext&) {
  return tools_;
}

json KvTools::call_tool(sdk::CallContext& ctx, std::string_view name, const json& arguments) {
  const json& definition = find_definition(tools_, name);
  if (definition.is_null()) {
    if (settings_.read_only && (name == "kv_put" || name == "kv_delete"))
      throw sdk::not_found("tool '" + std::string(name) +
                           "' is not offered: this kv instance is read-only (config read_only); "
                           "use kv_get and kv_list");
    throw sdk::not_found("no tool '" + std::string(name) + "'; this instance offers kv_get, kv_list" +
                         (settings_.read_only ? "" : ", kv_put, kv_delete"));
  }
  check_arguments(name, definition["inputSchema"], arguments);
  if (name == "kv_get") return get(ctx, arguments);
  if (name == "kv_put") return put(ctx, arguments);
  if (name == "kv_delete") return remove(ctx, arguments);
  return list(ctx, arguments);
}

std::string KvTools::stored_key(std::string_view key) const {
  check_storage_key("key", key);
  std::string full = settings_.prefix + std::string(key);
  check_storage_key("key with the store's prefix", full);
  return full;
}

json KvTools::storage_failure(std::string_view what, std::string_view key, const StorageReply& r) const {
  const std::string k(key);
  switch (r.status) {
    case NEXUS_NOT_FOUND:
      return error_result("no value under key '" + k + "'; check the key with kv_list");
    case NEXUS_FAILED_PRECONDITION:
      return error_result("key '" + k +
                          "' was changed since you read it (its etag no longer matches if_match); "
                          "read it again with kv_get and retry with the new etag");
    case NEXUS_RESOURCE_EXHAUSTED:
      return error_result("the value of key '" + k + "' is larger than this store allows (" + r.error +
                          "); store a smaller value");
    case NEXUS_UNAVAILABLE:
      return error_result("the storage '" + storage_->instance() + "' is unavailable right now (" + r.error +
                          "); try again shortly");
    default:
      return error_result(std::string(what) + " of key '" + k +
                          "' failed: " + std::string(nexus_status_name(r.status)) + ": " + r.error);
  }
}

json KvTools::get(sdk::CallContext& ctx, const json& args) {
  const std::string key = args["key"];
  const StorageReply r = storage_->get(ctx, stored_key(key), std::nullopt, settings_.max_value_bytes);
  if (r.status == NEXUS_RESOURCE_EXHAUSTED)
    return error_result("the value of key '" + key + "' is larger than max_value_bytes (" +
                        std::to_string(settings_.max_value_bytes) + "); it cannot be returned by kv_get");
  if (!r.ok()) return storage_failure("reading", key, r);
  const json info = r.info_json();
  const bool text = is_valid_utf8(r.body);
  json out{{"key", key},
           {"value", text ? r.body : base64_encode(r.body)},
           {"encoding", text ? "utf-8" : "base64"},
           {"content_type", info.value("content_type", "application/octet-stream")},
           {"etag", info.value("etag", "")},
           {"size", r.body.size()}};
  const std::string shown = text ? r.body
                                 : "(binary value of " + std::to_string(r.body.size()) +
                                       " bytes, base64-encoded below and in structuredContent.value)\n" +
                                       out["value"].get<std::string>();
  return {
      {"content", json::array({{{"type", "text"}, {"text", shown}}})}, {"structuredContent", out}, {"isError", false}};
}

json KvTools::put(sdk::CallContext& ctx, const json& args) {
  const std::string key = args["key"];
  const std::string encoding = args.value("encoding", "utf-8");
  std::string value = args["value"];
  if (encoding == "base64") {
    std::string decoded;
    if (!base64_decode(value, decoded))
      throw sdk::invalid_argument(
          "value is not valid base64; encode the bytes with standard base64 or use encoding 'utf-8'");
    value = std::move(decoded);
  }
  if (value.size() > settings_.max_value_bytes)
    return error_result("the value is " + std::to_string(value.size()) + " bytes, more than max_value_bytes (" +
                        std::to_string(settings_.max_value_bytes) +
                        "); store a smaller value or split it over several keys");
  const std::string content_type =
      args.value("content_type", encoding == "base64" ? "application/octet-stream" : "text/plain; charset=utf-8");
  const StorageReply r = storage_->put(ctx, stored_key(key), value, content_type, args.value("if_match", ""));
  if (!r.ok()) return storage_failure("writing", key, r);
  const json info = r.info_json();
  return sdk::structured_result(
      {{"key", key}, {"etag", info.value("etag", "")}, {"size", value.size()}, {"content_type", content_type}});
}

json KvTools::remove(sdk::CallContext& ctx, const json& args) {
  const std::string key = args["key"];
  const StorageReply r = storage_->remove(ctx, stored_key(key));
  if (r.status == NEXUS_NOT_FOUND)
    return error_result("no value under key '" + key + "', nothing was deleted; check the key with kv_list");
  if (!r.ok()) return storage_failure("deleting", key, r);
  return sdk::text_result("deleted key '" + key + "'");
}

json KvTools::list(sdk::CallContext& ctx, const json& args) {
  const std::string prefix = args.value("prefix", "");
  const std::string cursor = args.value("cursor", "");
  const auto limit = args.value<std::uint32_t>("limit", kDefaultListLimit);
  const StorageReply r = storage_->list(ctx, settings_.prefix + prefix, cursor, limit);
  if (r.status == NEXUS_INVALID_ARGUMENT)
    return error_result("the listing was refused: " + r.error +
                        "; pass the next_cursor of the previous page unchanged, or no cursor");
  if (!r.ok()) return storage_failure("listing", prefix, r);
  const json listing = r.info_json();
  json keys = json::array();
  for (const auto& o : listing.value("objects", json::array())) {
    const std::string full = o.value("key", "");
    keys.push_back(full.substr(std::min(full.size(), settings_.prefix.size())));
  }
  json out{{"keys", keys}, {"next_cursor", listing.contains("next_cursor") ? listing["next_cursor"] : json(nullptr)}};
  return sdk::structured_result(out);
}

}  // namespace nexus::plugins::kv
