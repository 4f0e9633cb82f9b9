// The storage tools: each validates its arguments against its own
// inputSchema, calls the chosen storage dependency, and turns the outcome
// into content the model can use — or an isError text saying what to do.
#include "storage_tools.hpp"

#include <optional>

#include <nexus/sdk/error.hpp>
#include <nexus/sdk/scopes.hpp>
#include <nexus/sdk/storage.hpp>

#include "content_items.hpp"
#include <nexus/sdk/tool_support.hpp>

namespace nexus::plugins::storage_tools {
namespace {

using json = nlohmann::json;

constexpr std::uint32_t kDefaultListLimit = 100;
constexpr std::string_view kScheme = "storage://";

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes (a client expanding {key} per RFC 6570 sends '/' as %2F).
std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

const json& find_definition(const json& tools, std::string_view name) {
  for (const auto& t : tools)
    if (t["name"] == name) return t;
  static const json kNone;
  return kNone;
}

bool is_write_tool(std::string_view name) {
  return name == "storage_write" || name == "storage_delete";
}

// What a tool does to its storage: the operation of the scope the host's
// REST route needs for the same thing (storage:<instance>:<operation>), and
// the same in words for a refusal.
struct StorageAccess {
  std::string_view operation;
  std::string_view doing;
};

StorageAccess access_of(std::string_view tool) {
  if (tool == "storage_list") return {"list", "listing"};
  if (tool == "storage_write") return {"write", "writing"};
  if (tool == "storage_delete") return {"delete", "deleting"};
  return {"read", "reading"};  // storage_read, storage_info
}

// The isError result refusing `tool` on `args` when the caller lacks the
// storage scope it needs; null when the caller may go ahead.
json refusal_for(const sdk::CallContext& ctx, std::string_view tool, const json& args) {
  const std::string instance = args["storage"].get<std::string>();
  const StorageAccess access = access_of(tool);
  const std::string scope = sdk::storage_scope(instance, access.operation);
  if (sdk::caller_may(ctx, scope)) return nullptr;
  const std::string what = args.contains("key")
                               ? "'" + args["key"].get<std::string>() + "' in storage '" + instance + "'"
                               : "storage '" + instance + "'";
  return sdk::error_result(sdk::not_allowed_text(std::string(access.doing) + " " + what, scope));
}

}  // namespace

std::string object_uri(std::string_view instance, std::string_view key) {
  return std::string(kScheme) + std::string(instance) + "/" + std::string(key);
}

StorageTools::StorageTools(const sdk::InstanceArgs& args) {
  names_ = args.config.get<std::vector<std::string>>("storages");
  max_read_bytes_ = args.config.get_or<std::uint64_t>("max_read_bytes", 10485760);
  read_only_ = args.config.get_or<bool>("read_only", false);
  if (names_.empty()) throw sdk::invalid_argument("config.storages is empty; name at least one storage instance");
  if (max_read_bytes_ == 0) throw sdk::invalid_argument("config.max_read_bytes must be at least 1");
  for (const auto& n : names_) {
    if (n.empty() || n.find('/') != std::string::npos)
      throw sdk::invalid_argument("config.storages has the name '" + n +
                                  "'; instance names are non-empty and contain no '/'");
    if (storages_.count(n))
      throw sdk::invalid_argument("config.storages names '" + n + "' twice; list each instance once");
    // Looked up once at create: the host created each dependency first and
    // keeps it alive until this instance is destroyed.
    storages_.emplace(n, StorageClient(n, args.host.find<nexus_storage_v1>(n, NEXUS_STORAGE_V1)));
  }
  tools_ = tool_definitions(names_, read_only_);
}

json StorageTools::list_tools(sdk::CallContext&) {
  return tools_;
}

const StorageClient& StorageTools::storage(const std::string& name) const {
  const auto it = storages_.find(name);
  if (it == storages_.end()) throw sdk::invalid_argument("storage '" + name + "' is not configured for these tools");
  return it->second;
}

json StorageTools::call_tool(sdk::CallContext& ctx, std::string_view name, const json& arguments) {
  const json& definition = find_definition(tools_, name);
  if (definition.is_null()) {
    if (read_only_ && is_write_tool(name))
      throw sdk::not_found("tool '" + std::string(name) +
                           "' is not offered: these storage tools are read-only (config read_only); "
                           "use storage_list, storage_read and storage_info");
    throw sdk::not_found("no tool '" + std::string(name) +
                         "'; this instance offers storage_list, storage_read, storage_info" +
                         (read_only_ ? "" : ", storage_write, storage_delete"));
  }
  check_arguments(name, definition["inputSchema"], arguments);
  const StorageClient& s = storage(arguments["storage"].get<std::string>());
  if (arguments.contains("key")) check_storage_key("key", arguments["key"].get<std::string>());
  // The host checked only "tools:<name>"; the storage scope is checked here.
  if (json refused = refusal_for(ctx, name, arguments); !refused.is_null()) return refused;
  if (name == "storage_list") return list(ctx, s, arguments);
  if (name == "storage_read") return read(ctx, s, arguments);
  if (name == "storage_info") return info(ctx, s, arguments);
  if (name == "storage_write") return write(ctx, s, arguments);
  return remove(ctx, s, arguments);
}

json StorageTools::failure(std::string_view what, const StorageClient& s, std::string_view key,
                           const StorageReply& r) const {
  const std::string where = "'" + std::string(key) + "' in storage '" + s.instance() + "'";
  switch (r.status) {
    case NEXUS_NOT_FOUND:
      return error_result("no object " + where + "; check the key with storage_list");
    case NEXUS_UNAVAILABLE:
      return error_result("storage '" + s.instance() + "' is unavailable right now (" + r.error +
                          "); try again shortly");
    case NEXUS_RESOURCE_EXHAUSTED:
      return error_result(std::string(what) + " " + where + " was refused as too large (" + r.error + ")");
    default:
      return error_result(std::string(what) + " " + where + " failed: " + nexus_status_name(r.status) + ": " + r.error);
  }
}

json StorageTools::list(sdk::CallContext& ctx, const StorageClient& s, const json& args) {
  const StorageReply r = s.list(ctx, args.value("prefix", ""), args.value("cursor", ""),
                                args.value<std::uint32_t>("limit", kDefaultListLimit));
  if (r.status == NEXUS_INVALID_ARGUMENT)
    return error_result("the listing was refused: " + r.error +
                        "; pass the next_cursor of the previous page unchanged, or no cursor");
  if (!r.ok()) return failure("listing", s, args.value("prefix", ""), r);
  const json listing = r.info_json();
  return sdk::structured_result(
      {{"objects", listing.value("objects", json::array())},
       {"next_cursor", listing.contains("next_cursor") ? listing["next_cursor"] : json(nullptr)}});
}

json StorageTools::info(sdk::CallContext& ctx, const StorageClient& s, const json& args) {
  const std::string key = args["key"];
  const StorageReply r = s.head(ctx, key);
  if (!r.ok()) return failure("reading information of", s, key, r);
  return sdk::structured_result(r.info_json());
}

json StorageTools::read(sdk::CallContext& ctx, const StorageClient& s, const json& args) {
  const std::string key = args["key"];
  const StorageReply head = s.head(ctx, key);
  if (!head.ok()) return failure("reading", s, key, head);
  const json meta = head.info_json();
  const std::uint64_t size = meta.value<std::uint64_t>("size", 0);
  std::optional<sdk::ByteRange> range;
  if (args.contains("range"))
    range = sdk::ByteRange{args["range"]["first"].get<std::int64_t>(), args["range"].value<std::int64_t>("last", -1)};
  sdk::ResolvedRange selected;
  try {
    selected = sdk::resolve_range(range, size);
  } catch (const sdk::Error& e) {
    return error_result("the range does not fit object '" + key + "' of " + std::to_string(size) + " bytes (" +
                        e.what() + "); choose first between 0 and " + std::to_string(size == 0 ? 0 : size - 1));
  }
  if (selected.length > max_read_bytes_)
    return error_result("object '" + key + "' is " + std::to_string(size) + " bytes; reading " +
                        std::to_string(selected.length) + " bytes at once is more than max_read_bytes (" +
                        std::to_string(max_read_bytes_) + "); read it in parts with range {\"first\": 0, \"last\": " +
                        std::to_string(max_read_bytes_ - 1) + "} and so on");
  const StorageReply r = s.get(ctx, key, range, max_read_bytes_);
  if (r.status == NEXUS_RESOURCE_EXHAUSTED)
    return error_result("object '" + key + "' grew past max_read_bytes while it was read; read it in parts with range");
  if (!r.ok()) return failure("reading", s, key, r);
  const json got = r.info_json();
  const std::string content_type = got.value("content_type", meta.value("content_type", "application/octet-stream"));
  std::string note = "object '" + key + "' in storage '" + s.instance() + "': " + content_type + ", " +
                     std::to_string(got.value<std::uint64_t>("size", size)) + " bytes, etag " + got.value("etag", "");
  if (range)
    note += "; bytes " + std::to_string(selected.offset) + ".." +
            std::to_string(selected.offset + selected.length - 1) + " shown";
  return {{"content", json::array({content_item(object_uri(s.instance(), key), content_type, r.body),
                                   {{"type", "text"}, {"text", note}}})},
          {"isError", false}};
}

json StorageTools::write(sdk::CallContext& ctx, const StorageClient& s, const json& args) {
  const std::string key = args["key"];
  const bool has_text = args.contains("text");
  const bool has_base64 = args.contains("base64");
  if (has_text == has_base64)
    throw sdk::invalid_argument(
        "storage_write needs exactly one of 'text' (UTF-8 content) or 'base64' (binary content)");
  std::string body;
  if (has_text) {
    body = args["text"].get<std::string>();
  } else if (!base64_decode(args["base64"].get<std::string>(), body)) {
    throw sdk::invalid_argument("'base64' is not valid base64; encode the bytes with standard base64, or pass 'text'");
  }
  const std::string content_type =
      args.value("content_type", has_text ? "text/plain; charset=utf-8" : "application/octet-stream");
  const StorageReply r = s.put(ctx, key, body, content_type);
  if (!r.ok()) return failure("writing", s, key, r);
  return sdk::structured_result(r.info_json());
}

json StorageTools::remove(sdk::CallContext& ctx, const StorageClient& s, const json& args) {
  const std::string key = args["key"];
  const StorageReply r = s.remove(ctx, key);
  if (r.status == NEXUS_NOT_FOUND)
    return error_result("no object '" + key + "' in storage '" + s.instance() +
                        "', nothing was deleted; check the key with storage_list");
  if (!r.ok()) return failure("deleting", s, key, r);
  return sdk::text_result("deleted '" + key + "' from storage '" + s.instance() + "'");
}

json StorageTools::list_resources(sdk::CallContext& ctx) {
  // Objects can be millions: offer one template per storage rather than a
  // list — and only for the storages the caller may read.
  json templates = json::array();
  for (const auto& n : names_) {
    if (!sdk::caller_may(ctx, sdk::storage_scope(n, "read"))) continue;
    templates.push_back(
        {{"uriTemplate", std::string(kScheme) + n + "/{key}"},
         {"name", n + "-objects"},
         {"title", "Objects in storage '" + n + "'"},
         {"description", "An object of storage '" + n + "' by key, e.g. " + object_uri(n, "calls/call-1.json") +
                             "; text types come back as text, others as base64 blobs"}});
  }
  return {{"resources", json::array()}, {"resourceTemplates", templates}};
}

json StorageTools::read_resource(sdk::CallContext& ctx, std::string_view uri) {
  if (uri.substr(0, kScheme.size()) != kScheme)
    throw sdk::not_found("resource '" + std::string(uri) +
                         "' is not served here; URIs look like storage://<storage>/<key>");
  const std::string_view rest = uri.substr(kScheme.size());
  const auto slash = rest.find('/');
  const std::string name(rest.substr(0, slash));
  const auto it = storages_.find(name);
  if (slash == std::string_view::npos || it == storages_.end())
    throw sdk::not_found("resource '" + std::string(uri) +
                         "' names no configured storage; URIs look like storage://<storage>/<key>");
  const std::string key = percent_decode(rest.substr(slash + 1));
  check_storage_key("key", key);
  if (const std::string scope = sdk::storage_scope(name, "read"); !sdk::caller_may(ctx, scope))
    throw sdk::Error(NEXUS_PERMISSION_DENIED,
                     sdk::not_allowed_text("reading '" + key + "' in storage '" + name + "'", scope));
  const StorageReply r = it->second.get(ctx, key, std::nullopt, max_read_bytes_);
  if (r.status == NEXUS_NOT_FOUND) throw sdk::not_found("no object '" + key + "' in storage '" + name + "'");
  if (r.status == NEXUS_RESOURCE_EXHAUSTED)
    throw sdk::resource_exhausted("object '" + key + "' is larger than max_read_bytes (" +
                                  std::to_string(max_read_bytes_) +
                                  "); read it in parts with the storage_read tool and a range");
  if (!r.ok()) throw sdk::Error(r.status, "reading '" + key + "' from storage '" + name + "' failed: " + r.error);
  const json got = r.info_json();
  return {{"contents",
           json::array({resource_contents(uri, got.value("content_type", "application/octet-stream"), r.body)})}};
}

json StorageTools::complete_resource_argument(sdk::CallContext& ctx, std::string_view uri_template,
                                              std::string_view argument, std::string_view partial, const json&) {
  if (argument != "key" || uri_template.substr(0, kScheme.size()) != kScheme) return sdk::completion_values({});
  const std::string_view rest = uri_template.substr(kScheme.size());
  const auto it = storages_.find(rest.substr(0, rest.find('/')));
  if (it == storages_.end()) return sdk::completion_values({});
  // Completing a key lists keys: without the list scope there is nothing to offer.
  if (!sdk::caller_may(ctx, sdk::storage_scope(it->first, "list"))) return sdk::completion_values({});
  const StorageReply r = it->second.list(ctx, partial, "", 100);
  std::vector<std::string> keys;
  if (r.ok())
    for (const auto& o : r.info_json().value("objects", json::array())) keys.push_back(o.value("key", ""));
  return sdk::completion_values(keys, r.ok() && r.info_json().contains("next_cursor"));
}

}  // namespace nexus::plugins::storage_tools
