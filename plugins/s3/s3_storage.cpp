#include "s3_storage.hpp"

#include <nexus/sdk/storage_util.hpp>

#include <algorithm>
#include <chrono>

#include "s3_list_cursor.hpp"
#include "s3_object.hpp"
#include "xml.hpp"

namespace nexus::plugins::s3 {
namespace {

constexpr std::size_t kChunkBytes = 1 << 20;  // bodies leave in 1 MiB chunks
constexpr long kHealthTimeoutMs = 5000;       // /ready must be quick

std::string quoted(std::string_view key) { return "'" + std::string(key) + "'"; }

}  // namespace

S3Storage::S3Storage(const sdk::InstanceArgs& args)
    : config_(read_config(args.config)), credentials_(config_.keys, pool_), client_(config_, credentials_, pool_) {
  // Never log the keys: the source says enough.
  args.host.info("s3 instance '" + args.name + "': bucket '" + config_.bucket + "', prefix '" + config_.prefix + "', endpoint " +
                 config_.endpoint.url() + (config_.path_style ? " (path-style)" : " (virtual-host style)") + ", credentials from " +
                 credentials_.source());
}

std::optional<sdk::ObjectInfo> S3Storage::try_head(sdk::CallContext& ctx, std::string_view key) {
  S3Call call;
  call.method = "HEAD";
  call.object_key = full_key(key);
  const std::string op = "HEAD " + quoted(key);
  const http::Response r = client_.send(&ctx, call, op);
  if (r.status == 404) return std::nullopt;
  if (r.status != 200) throw client_.error(r, op);
  return info_from_headers(key, r);
}

sdk::ObjectInfo S3Storage::head(sdk::CallContext& ctx, std::string_view key) {
  sdk::check_key(key);
  auto info = try_head(ctx, key);
  if (!info) throw sdk::not_found("no object with key " + quoted(key) + " in bucket '" + config_.bucket + "'");
  return *info;
}

void S3Storage::fail_put(const http::Response& r, std::string_view key, const sdk::PutOptions& options, const std::string& op) {
  if (r.status == 412 || r.status == 409) {
    if (options.if_absent) throw sdk::already_exists("object " + quoted(key) + " already exists (if_absent was set)");
    if (!options.if_match.empty())
      throw sdk::failed_precondition("object " + quoted(key) + " no longer has etag '" + options.if_match + "'; read it again and retry");
  }
  throw client_.error(r, op);
}

sdk::ObjectInfo S3Storage::put(sdk::CallContext& ctx, std::string_view key, std::span<const std::uint8_t> body,
                               const sdk::PutOptions& options) {
  sdk::check_key(key);
  http::Headers conditions;
  if (options.if_absent) conditions.emplace_back("If-None-Match", "*");
  if (!options.if_match.empty()) conditions.emplace_back("If-Match", quote_etag(options.if_match));
  if (!conditions.empty()) {
    // S3 enforces If-None-Match / If-Match on PUT atomically (since 2024),
    // but S3-compatible servers such as s3rver ignore them. So check with a
    // HEAD first as well. RACE: between that HEAD and the PUT another writer
    // can create or change the object; only a server that honours the
    // headers (real S3) closes that window.
    const auto current = try_head(ctx, key);
    if (options.if_absent && current) throw sdk::already_exists("object " + quoted(key) + " already exists (if_absent was set)");
    if (!options.if_match.empty()) {
      if (!current)
        throw sdk::failed_precondition("object " + quoted(key) + " does not exist, so if_match '" + options.if_match + "' cannot match");
      if (current->etag != options.if_match)
        throw sdk::failed_precondition("object " + quoted(key) + " has etag '" + current->etag + "', not the if_match '" + options.if_match +
                                       "'; read it again and retry");
    }
  }
  http::Headers object_headers;
  object_headers.emplace_back("Content-Type", options.content_type.empty() ? "application/octet-stream" : options.content_type);
  for (auto& h : metadata_headers(options.metadata)) object_headers.push_back(std::move(h));

  if (body.size() >= config_.multipart_threshold_bytes && body.size() > config_.multipart_part_bytes)
    return put_multipart(ctx, key, body, options, object_headers, conditions);

  http::Headers headers = object_headers;
  headers.insert(headers.end(), conditions.begin(), conditions.end());
  return put_single(ctx, key, body, options, headers);
}

sdk::ObjectInfo S3Storage::put_single(sdk::CallContext& ctx, std::string_view key, std::span<const std::uint8_t> body,
                                      const sdk::PutOptions& options, const http::Headers& headers) {
  S3Call call;
  call.method = "PUT";
  call.object_key = full_key(key);
  call.headers = headers;
  call.body = body;
  const std::string op = "PUT " + quoted(key);
  const http::Response r = client_.send(&ctx, call, op);
  if (r.status != 200) fail_put(r, key, options, op);
  sdk::ObjectInfo info;
  info.key = std::string(key);
  info.size = body.size();
  info.content_type = options.content_type.empty() ? "application/octet-stream" : options.content_type;
  info.metadata = options.metadata;
  info.etag = unquote_etag(r.header("etag").value_or(""));
  // PUT answers carry no Last-Modified; S3 stamps the object with the time
  // it received the request, which the Date header reports to the second.
  const std::string date = http_date_to_rfc3339(r.header("date").value_or(""));
  info.last_modified = date.empty() ? sdk::format_rfc3339(std::chrono::system_clock::now()) : date;
  return info;
}

void S3Storage::get(sdk::CallContext& ctx, std::string_view key, const std::optional<sdk::ByteRange>& range, sdk::GetSink& out) {
  sdk::check_key(key);
  S3Call call;
  call.object_key = full_key(key);
  const std::string op = "GET " + quoted(key);
  if (range) {
    if (range->first >= 0 && range->last >= 0 && range->last < range->first) throw sdk::invalid_argument("range ends before it starts");
    if (range->first < 0) {
      // Suffix range: some S3-compatible servers (s3rver) answer
      // "bytes=-N" wrongly, so resolve it against the size from a HEAD and
      // send an explicit "bytes=a-b". RACE: the object may change between
      // the two requests; the info written is the GET's, which describes
      // what is sent.
      const auto info = try_head(ctx, key);
      if (!info) throw sdk::not_found("no object with key " + quoted(key) + " in bucket '" + config_.bucket + "'");
      sdk::ResolvedRange r;
      try {
        r = sdk::resolve_range(range, info->size);
      } catch (const sdk::Error&) {
        out.info(*info);
        throw;
      }
      call.headers.emplace_back("Range", "bytes=" + std::to_string(r.offset) + "-" + std::to_string(r.offset + r.length - 1));
    } else if (range->first > 0 || range->last >= 0) {
      call.headers.emplace_back("Range", "bytes=" + std::to_string(range->first) + "-" + (range->last >= 0 ? std::to_string(range->last) : ""));
    }
    // else "bytes=0-" is the whole object: a plain GET, resolved below (an
    // empty object is then out of range, as the contract says; s3rver
    // would hang answering "bytes=0-" on an empty object).
  }
  const http::Response r = client_.send(&ctx, call, op);
  if (r.status == 404 && parse_error_body(r).code != "NoSuchBucket")
    throw sdk::not_found("no object with key " + quoted(key) + " in bucket '" + config_.bucket + "'");
  if (r.status == 416) {
    // Not satisfiable: the contract still wants the object's info first.
    const auto info = try_head(ctx, key);
    if (!info) throw sdk::not_found("no object with key " + quoted(key) + " in bucket '" + config_.bucket + "'");
    out.info(*info);
    sdk::resolve_range(range, info->size);  // throws the precise out_of_range
    throw sdk::out_of_range("range does not select any byte of " + quoted(key));
  }
  if (r.status != 200 && r.status != 206) throw client_.error(r, op);

  sdk::ObjectInfo info = info_from_headers(key, r);
  std::uint64_t offset = 0;
  std::uint64_t length = r.body.size();
  if (r.status == 200) {
    // Whole object: either no range was asked, or the server ignored it.
    info.size = r.body.size();
    out.info(info);
    const sdk::ResolvedRange rr = sdk::resolve_range(range, info.size);
    offset = rr.offset;
    length = rr.length;
  } else {
    out.info(info);
  }
  for (std::uint64_t done = 0; done < length;) {
    if (ctx.cancelled()) throw sdk::cancelled("get of " + quoted(key) + " was cancelled");
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes, length - done));
    out.write(r.body.data() + offset + done, n);
    done += n;
  }
}

void S3Storage::remove(sdk::CallContext& ctx, std::string_view key) {
  sdk::check_key(key);
  // S3 answers 204 to a DELETE whether or not the key existed; the storage
  // contract reports not_found, so look first. RACE: a concurrent delete
  // between the HEAD and the DELETE makes both callers see success.
  if (!try_head(ctx, key)) throw sdk::not_found("no object with key " + quoted(key) + " in bucket '" + config_.bucket + "'");
  S3Call call;
  call.method = "DELETE";
  call.object_key = full_key(key);
  const std::string op = "DELETE " + quoted(key);
  const http::Response r = client_.send(&ctx, call, op);
  if (r.status != 204 && r.status != 200) throw client_.error(r, op);
}

sdk::ListPage S3Storage::list(sdk::CallContext& ctx, std::string_view prefix, std::string_view cursor, std::uint32_t limit) {
  const ListCursor from = decode_list_cursor(cursor);
  S3Call call;
  call.query = {{"list-type", "2"}, {"prefix", config_.prefix + std::string(prefix)}, {"max-keys", std::to_string(limit)}};
  if (from.kind == ListCursor::Kind::continuation) call.query.emplace_back("continuation-token", from.value);
  if (from.kind == ListCursor::Kind::start_after) call.query.emplace_back("start-after", config_.prefix + from.value);
  const std::string op = "list " + quoted(prefix);
  const http::Response r = client_.send(&ctx, call, op);
  if (r.status == 400 && from.kind == ListCursor::Kind::continuation) {
    // S3's answer to a token it cannot use (expired, another bucket's):
    // 400 InvalidArgument "The continuation token provided is incorrect".
    const S3ErrorBody refusal = parse_error_body(r);
    if (refusal.code == "InvalidArgument")
      throw sdk::invalid_argument("list cursor is no longer valid: S3 refused the continuation token it carries (" +
                                  (refusal.message.empty() ? refusal.code : refusal.message) +
                                  "); it expired or came from another bucket, so start the listing over without a cursor");
  }
  if (r.status != 200) throw client_.error(r, op);
  return read_list_page(r.body, limit);
}

sdk::ListPage S3Storage::read_list_page(std::string_view body, std::uint32_t limit) const {
  sdk::ListPage page;
  std::string last_key;  // the last key consumed from S3's page, shown or not
  bool cut = false;      // the page ends before S3's did
  for (const std::string_view c : xml::elements(body, "Contents")) {
    if (page.objects.size() == limit) {
      // S3 never sends more than max-keys, but a compatible server might;
      // the contract allows at most `limit`.
      cut = true;
      break;
    }
    const std::string full = xml::text(c, "Key").value_or("");
    if (full.compare(0, config_.prefix.size(), config_.prefix) != 0) continue;  // cannot happen with a prefix query
    sdk::ObjectInfo info;
    info.key = full.substr(config_.prefix.size());
    last_key = info.key;
    // Objects written by other tools may have names that are not valid
    // Nexus keys ("a//b"); they are not shown, but the cursor moves past them.
    if (nexus_storage_key_problem(sdk::to_nexus_str(info.key)) != nullptr) continue;
    info.size = std::strtoull(xml::text(c, "Size").value_or("0").c_str(), nullptr, 10);
    info.etag = unquote_etag(xml::text(c, "ETag").value_or(""));
    info.last_modified = iso_to_rfc3339(xml::text(c, "LastModified").value_or(""));
    // ListObjectsV2 does not report content types; "" says "unknown" rather
    // than inventing one (HEAD the object for it).
    info.content_type.clear();
    page.objects.push_back(std::move(info));
  }
  if (!cut && xml::text(body, "IsTruncated").value_or("false") != "true") return page;  // the end of the listing
  // S3's token continues exactly where S3's page ended, so it is only right
  // when the whole page was consumed; otherwise, or when the server sent no
  // usable token, StartAfter the last key consumed does the same job.
  const std::string token = xml::text(body, "NextContinuationToken").value_or("");
  if (!cut && is_usable_continuation_token(token))
    page.next_cursor = encode_continuation_cursor(token);
  else if (!last_key.empty())
    page.next_cursor = sdk::encode_cursor(last_key);
  else
    throw sdk::internal("list: the server answered a truncated page with neither a NextContinuationToken nor a key to continue after "
                        "(bucket '" + config_.bucket + "', endpoint " + config_.endpoint.url() +
                        "), so the listing cannot go on; this endpoint does not page ListObjectsV2 as S3 does");
  return page;
}

void S3Storage::health() {
  S3Call call;
  call.method = "HEAD";
  call.retry = false;
  call.timeout_ms = std::min(config_.timeout_ms, kHealthTimeoutMs);
  const http::Response r = client_.send(nullptr, call, "HEAD bucket");
  if (r.status != 200) throw client_.error(r, "HEAD bucket");
}

}  // namespace nexus::plugins::s3
