// http/storage_ops.cpp — see storage_ops.hpp.
//
// PUT answers 200 OK with the new object's info JSON (and its ETag), or
// 201 Created when the client sent If-None-Match: * — only then does the
// server know the object did not exist before; an unconditional put cannot
// tell "created" from "replaced" without a racy extra HEAD.
#include "http/storage_ops.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "http/body_stream.hpp"
#include "http/errors.hpp"
#include "http/object_headers.hpp"
#include "http/range.hpp"
#include "http/url.hpp"

namespace nexus::host::http {
namespace {

// The most a GET reserves for a body before the bytes arrive.
constexpr std::uint64_t kMaxBodyReserve = 64u << 20;

// From this size a whole object is streamed (when the route may): below it,
// one write of head and body costs less than a write per plugin chunk.
constexpr std::uint64_t kStreamFromBytes = 64u << 10;

Reply bad_info(const RouteContext& ctx, const char* op) {
  spdlog::error("request {}: storage {} returned OK with object info that is not valid JSON object info",
                ctx.request.request_id, op);
  return error_reply(NEXUS_INTERNAL, std::string("the storage plugin's ") + op +
                                         " returned invalid object info; this is a bug in the plugin (see the "
                                         "server log, request " +
                                         ctx.request.request_id + ")");
}

Reply unsatisfiable(std::uint64_t size, const std::string& message) {
  Reply r = error_reply(NEXUS_OUT_OF_RANGE, message);
  r.header("Content-Range", "bytes */" + std::to_string(size));
  return r;
}

// GET of an object its backend opened as a file: a small one is read into
// the reply; a larger one streams from the file (sendfile).
Reply send_object_file(const RouteContext& ctx, const std::string& key, const std::string& info_json,
                       const ObjectFile& file) {
  const auto info = parse_object_info(info_json);
  if (!info) return bad_info(ctx, "open");
  Reply r;
  add_object_headers(r, *info);
  if (info->size < kStreamFromBytes) {
    r.body.resize(static_cast<std::size_t>(info->size));
    for (std::size_t done = 0; done < r.body.size();) {
      const ssize_t n = ::pread(file.fd(), r.body.data() + done, r.body.size() - done,
                                static_cast<off_t>(file.offset() + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        spdlog::error("request {}: reading the file of object '{}' failed or it ended early", ctx.request.request_id,
                      key);
        return error_reply(NEXUS_INTERNAL, "the object's file could not be read whole; see the server log (request " +
                                               ctx.request.request_id + ")");
      }
      done += static_cast<std::size_t>(n);
    }
    return r;
  }
  if (!ctx.stream->begin(r, info->size)) return r;  // answered already (the deadline): not sent
  if (!ctx.stream->write_file(file.fd(), file.offset(), info->size)) {
    spdlog::debug("request {}: the file of object '{}' was not sent whole; the connection is closed",
                  ctx.request.request_id, key);
  }
  r.streamed = true;
  r.streamed_bytes = ctx.stream->finish();
  return r;
}

}  // namespace

Reply put_object(const RouteContext& ctx, const StorageClient& store, const std::string& key) {
  const HttpRequest& req = ctx.request;
  if (req.body.size() > ctx.max_body_bytes) {
    return error_reply(NEXUS_RESOURCE_EXHAUSTED,
                       "request body is " + std::to_string(req.body.size()) + " bytes; this server accepts at most " +
                           std::to_string(ctx.max_body_bytes) + " (http.max_body_bytes in the config)");
  }
  PutRequest put;
  put.key = key;
  put.body = req.body_bytes();  // borrowed: the body taken from pistache (take_body), never copied
  const auto content_type = req.header("content-type");
  if (content_type) put.content_type = *content_type;

  auto meta = metadata_from_headers(req);
  if (auto* reply = std::get_if<Reply>(&meta)) return std::move(*reply);
  const std::string metadata_json = std::get<std::string>(std::move(meta));
  put.metadata_json = metadata_json;

  if (auto none_match = req.header("if-none-match")) {
    if (unquote_etag(*none_match) != "*") {
      return error_reply(NEXUS_INVALID_ARGUMENT,
                         "If-None-Match on PUT supports only '*' (create only if absent); to replace a known "
                         "version send If-Match: \"<etag>\"");
    }
    put.if_absent = true;
  }
  std::string if_match;
  if (auto match = req.header("if-match")) {
    if_match = unquote_etag(*match);
    if (if_match == "*" || if_match.empty() || if_match.find(',') != std::string::npos) {
      return error_reply(NEXUS_INVALID_ARGUMENT,
                         "If-Match on PUT must be one ETag (\"<etag>\" as returned by GET/HEAD/PUT); '*' and "
                         "lists are not supported");
    }
    put.if_match = if_match;
  }

  std::string info_json;
  const CallOutcome outcome = store.put(ctx.call, put, &info_json);
  if (!outcome.ok()) return error_reply(outcome, "put");
  const auto info = parse_object_info(info_json);
  Reply r = json_reply(put.if_absent ? 201 : 200, info_json);
  if (info) {
    if (auto etag = quoted_etag(info->etag)) r.header("ETag", *etag);
  }
  return r;
}

Reply get_object(const RouteContext& ctx, const StorageClient& store, const std::string& key) {
  const ParsedRange range = parse_range_header(ctx.request.header("range"));
  if (range.kind == RangeKind::unsatisfiable) {
    // "bytes=-0" selects nothing of any object; 416 still needs the size.
    std::string info_json;
    const CallOutcome outcome = store.head(ctx.call, key, &info_json);
    if (!outcome.ok()) return error_reply(outcome, "head");
    const auto info = parse_object_info(info_json);
    if (!info) return bad_info(ctx, "head");
    return unsatisfiable(info->size, "Range 'bytes=-0' selects no byte; ask for at least one byte");
  }

  // A whole object its backend offers as a file (fs) is sent from the file.
  if (ctx.stream && range.kind == RangeKind::none) {
    std::string info_json;
    ObjectFile file;
    const CallOutcome opened = store.open(ctx.call, key, &info_json, &file);
    if (opened.ok()) return send_object_file(ctx, key, info_json, file);
    if (opened.status != NEXUS_UNIMPLEMENTED) return error_reply(opened, "get");
  }

  // A whole object of kStreamFromBytes or more leaves as the plugin writes
  // it, when the route may stream (body_stream.hpp); anything else (a range,
  // a small object) is collected and sent in one write with its head.
  std::string info_json;
  std::string body;
  const std::optional<nexus_byte_range> plugin_range =
      range.kind == RangeKind::single ? std::optional(range.range) : std::nullopt;
  std::optional<ObjectInfo> streamed_info;  // set when this body is to be streamed
  Reply streamed_head;
  const CallOutcome outcome = store.get(
      ctx.call, key, plugin_range,
      [&](const std::string& info) {
        info_json = info;
        const auto i = parse_object_info(info);
        if (!i || plugin_range) return;
        if (ctx.stream && i->size >= kStreamFromBytes) {
          streamed_info = i;
          add_object_headers(streamed_head, *i);
          return;
        }
        // One allocation of the right size instead of the doublings of
        // append (each a copy of everything so far). Bounded: the size is
        // the plugin's word, and a range needs less.
        body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(i->size, kMaxBodyReserve)));
      },
      [&](const void* data, std::size_t size) {
        if (!streamed_info) {
          body.append(static_cast<const char*>(data), size);
          return true;
        }
        if (!ctx.stream->began() && !ctx.stream->begin(streamed_head, streamed_info->size)) return false;
        return ctx.stream->write(data, size);
      });
  if (streamed_info && ctx.stream->began()) {
    // The head is out: whatever happened, the reply is what was sent.
    if (!outcome.ok()) {
      spdlog::warn("request {}: storage get of '{}' failed after its reply began ({}: {}); the connection is closed",
                   ctx.request.request_id, key, nexus_status_name(outcome.status), outcome.message);
    }
    streamed_head.streamed = true;
    streamed_head.streamed_bytes = ctx.stream->finish();
    return streamed_head;
  }
  if (outcome.status == NEXUS_OUT_OF_RANGE) {
    const auto info = parse_object_info(info_json);
    Reply r = error_reply(outcome, "get");
    if (info) r.header("Content-Range", "bytes */" + std::to_string(info->size));
    return r;
  }
  if (!outcome.ok()) return error_reply(outcome, "get");
  const auto info = parse_object_info(info_json);
  if (!info) return bad_info(ctx, "get");

  Reply r;
  r.status = plugin_range ? 206 : 200;
  add_object_headers(r, *info);
  if (plugin_range) r.header("Content-Range", content_range(*plugin_range, info->size, body.size()));
  r.body = std::move(body);
  return r;
}

Reply head_object(const RouteContext& ctx, const StorageClient& store, const std::string& key) {
  std::string info_json;
  const CallOutcome outcome = store.head(ctx.call, key, &info_json);
  if (!outcome.ok()) return error_reply(outcome, "head");
  const auto info = parse_object_info(info_json);
  if (!info) return bad_info(ctx, "head");
  Reply r;
  add_object_headers(r, *info);
  r.head_content_length = info->size;
  return r;
}

Reply delete_object(const RouteContext& ctx, const StorageClient& store, const std::string& key) {
  const CallOutcome outcome = store.remove(ctx.call, key);
  if (!outcome.ok()) return error_reply(outcome, "delete");
  Reply r;
  r.status = 204;
  return r;
}

Reply list_objects(const RouteContext& ctx, const StorageClient& store) {
  std::string why;
  const auto params = parse_query(ctx.request.query, why);
  if (!params) return error_reply(NEXUS_INVALID_ARGUMENT, why);
  for (const auto& [name, value] : *params) {
    if (name != "prefix" && name != "cursor" && name != "limit") {
      return error_reply(NEXUS_INVALID_ARGUMENT,
                         "unknown query parameter '" + name + "'; listing takes prefix, cursor and limit");
    }
  }
  auto get = [&](const char* name) {
    const auto it = params->find(name);
    return it == params->end() ? std::string() : it->second;
  };
  std::uint32_t limit = 100;
  if (const std::string text = get("limit"); !text.empty() || params->count("limit")) {
    unsigned long long v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < 1 || v > 1000) {
      return error_reply(NEXUS_INVALID_ARGUMENT, "limit '" + text + "' must be a whole number from 1 to 1000");
    }
    limit = static_cast<std::uint32_t>(v);
  }
  std::string listing;
  const CallOutcome outcome = store.list(ctx.call, get("prefix"), get("cursor"), limit, &listing);
  if (!outcome.ok()) return error_reply(outcome, "list");
  return json_reply(200, std::move(listing));
}

}  // namespace nexus::host::http
