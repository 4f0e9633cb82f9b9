// Multipart upload: CreateMultipartUpload, UploadPart × N,
// CompleteMultipartUpload; AbortMultipartUpload on any failure so no
// half-written object and no billed orphan parts stay behind. The object
// becomes visible only when Complete succeeds, so readers see the old
// object or the new one, never a mix.
#include <nexus/sdk/storage_util.hpp>

#include <chrono>

#include "s3_object.hpp"
#include "s3_storage.hpp"
#include "xml.hpp"

namespace nexus::plugins::s3 {

sdk::ObjectInfo S3Storage::put_multipart(sdk::CallContext& ctx, std::string_view key, std::span<const std::uint8_t> body,
                                         const sdk::PutOptions& options, const http::Headers& object_headers,
                                         const http::Headers& condition_headers) {
  const std::string k = "'" + std::string(key) + "'";
  S3Call create;
  create.method = "POST";
  create.object_key = full_key(key);
  create.query = {{"uploads", ""}};
  create.headers = object_headers;  // content type and metadata belong to the upload
  const std::string create_op = "CreateMultipartUpload " + k;
  const http::Response created = client_.send(&ctx, create, create_op);
  if (created.status != 200) fail_put(created, key, options, create_op);
  const std::string upload_id = xml::text(created.body, "UploadId").value_or("");
  if (upload_id.empty()) throw sdk::unavailable(create_op + ": the answer has no UploadId; the endpoint is not S3-compatible enough");

  const auto abort = [&] {
    // Best effort, and never with the caller's context: a cancelled call
    // must still clean up. s3rver has no AbortMultipartUpload and answers
    // 405; that is ignored, its parts stay in its temp store.
    try {
      S3Call a;
      a.method = "DELETE";
      a.object_key = full_key(key);
      a.query = {{"uploadId", upload_id}};
      a.retry = false;
      (void)client_.send(nullptr, a, "AbortMultipartUpload " + k);
    } catch (...) {
    }
  };

  try {
    const std::uint64_t part_size = config_.multipart_part_bytes;
    const std::uint64_t parts = (body.size() + part_size - 1) / part_size;
    if (parts > 10000) throw sdk::resource_exhausted("object " + k + " needs " + std::to_string(parts) + " parts of multipart_part_bytes " +
                                                     std::to_string(part_size) + "; S3 allows 10000: raise config.multipart_part_bytes");
    std::string complete_xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
    for (std::uint64_t i = 0; i < parts; ++i) {
      ctx.check();
      const std::uint64_t offset = i * part_size;
      const std::uint64_t len = std::min<std::uint64_t>(part_size, body.size() - offset);
      S3Call part;
      part.method = "PUT";
      part.object_key = full_key(key);
      part.query = {{"partNumber", std::to_string(i + 1)}, {"uploadId", upload_id}};
      part.body = body.subspan(offset, len);
      const std::string op = "UploadPart " + std::to_string(i + 1) + "/" + std::to_string(parts) + " of " + k;
      const http::Response r = client_.send(&ctx, part, op);
      if (r.status != 200) throw client_.error(r, op);
      const auto etag = r.header("etag");
      if (!etag) throw sdk::unavailable(op + ": the answer has no ETag");
      complete_xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + xml::escape(*etag) + "</ETag></Part>";
      ctx.progress(static_cast<double>(offset + len), static_cast<double>(body.size()), "uploaded part " + std::to_string(i + 1));
    }
    complete_xml += "</CompleteMultipartUpload>";

    S3Call complete;
    complete.method = "POST";
    complete.object_key = full_key(key);
    complete.query = {{"uploadId", upload_id}};
    complete.headers = {{"Content-Type", "application/xml"}};
    complete.headers.insert(complete.headers.end(), condition_headers.begin(), condition_headers.end());
    complete.body = std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(complete_xml.data()), complete_xml.size());
    const std::string op = "CompleteMultipartUpload " + k;
    const http::Response r = client_.send(&ctx, complete, op);
    if (r.status != 200) fail_put(r, key, options, op);
    // Complete can fail after "200 OK": the error is then in the body.
    if (xml::text(r.body, "Code") && !xml::elements(r.body, "Error").empty()) {
      http::Response as_error = r;
      as_error.status = 500;
      throw client_.error(as_error, op);
    }
    sdk::ObjectInfo info;
    info.key = std::string(key);
    info.size = body.size();
    info.content_type = options.content_type.empty() ? "application/octet-stream" : options.content_type;
    info.metadata = options.metadata;
    info.etag = unquote_etag(xml::text(r.body, "ETag").value_or(r.header("etag").value_or("")));
    const std::string date = http_date_to_rfc3339(r.header("date").value_or(""));
    info.last_modified = date.empty() ? sdk::format_rfc3339(std::chrono::system_clock::now()) : date;
    return info;
  } catch (...) {
    abort();
    throw;
  }
}

}  // namespace nexus::plugins::s3
