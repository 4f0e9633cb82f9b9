// dedup_store — an example storage plugin: objects in a folder, each
// distinct content stored once. Uploading the same recording under ten keys
// costs the disk one copy; the etag is the content's SHA-256, so a client
// can tell whether it holds the current bytes without fetching them, and
// if_match means "only if the content is still what I read".
//
// Shows: a config schema with a required path and a bounded size, a backend
// that persists across restarts (root/index + root/blobs), range reads that
// stream from disk, conditional writes, cursor listings with the SDK's
// helpers, and a metric (nexus_plugin_dedup_bytes_saved_total).
//
// Config: {"root": "/var/lib/nexus/dedup", "max_object_bytes": 67108864}
#include <nexus/sdk/sdk.hpp>
#include <nexus/sdk/storage_util.hpp>

#include <mutex>
#include <shared_mutex>

#include "blob_store.hpp"
#include "key_index.hpp"

namespace sdk = nexus::sdk;

namespace {

constexpr const char* kSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "dedup store",
  "description": "Objects in a folder; identical contents are stored once.",
  "type": "object",
  "additionalProperties": false,
  "required": ["root"],
  "properties": {
    "root": {
      "description": "Folder of the store (created if missing): index/ holds one small file per key, blobs/ one file per distinct content.",
      "type": "string",
      "minLength": 1
    },
    "max_object_bytes": {
      "description": "Largest object a put accepts, in bytes.",
      "type": "integer",
      "minimum": 1,
      "maximum": 1073741824,
      "default": 67108864
    }
  }
})json";

class DedupStore : public sdk::Storage {
 public:
  explicit DedupStore(const sdk::InstanceArgs& args)
      : host_(args.host),
        root_(args.config.get<std::string>("root")),
        max_object_bytes_(args.config.get_or<std::uint64_t>("max_object_bytes", 67108864)),
        blobs_(root_ / "blobs"),
        index_(root_ / "index") {
    collect_unused_blobs();
  }

  sdk::ObjectInfo put(sdk::CallContext&, std::string_view key, std::span<const std::uint8_t> body,
                      const sdk::PutOptions& o) override {
    if (body.size() > max_object_bytes_)
      throw sdk::resource_exhausted(
          "object '" + std::string(key) + "' has " + std::to_string(body.size()) +
          " bytes; this store takes at most max_object_bytes = " + std::to_string(max_object_bytes_));
    const std::string hash = dedup::sha256_hex(body);  // outside the lock: the slow part
    std::unique_lock lock(mutex_);
    // Checks, blob write and index write under one lock, so no delete can
    // collect a blob between its write and the index entry that uses it.
    const Entry* old = index_.find(std::string(key));
    if (o.if_absent && old) throw sdk::already_exists("'" + std::string(key) + "' exists (if_absent was set)");
    if (!o.if_match.empty() && (!old || old->blob() != o.if_match))
      throw sdk::failed_precondition(
          "'" + std::string(key) + "' does not have the content " + o.if_match +
          (old ? " any more (its etag is now " + old->blob() + ")" : " (it does not exist)"));
    const std::string previous = old ? old->blob() : std::string();
    if (!blobs_.store(hash, body)) host_.counter_add("dedup_bytes_saved_total", static_cast<double>(body.size()));
    Entry e{{std::string(key), body.size(), o.content_type, hash, sdk::format_rfc3339(std::chrono::system_clock::now()),
             o.metadata}};
    index_.set(e);
    release(previous);
    return e.info;
  }

  void get(sdk::CallContext&, std::string_view key, const std::optional<sdk::ByteRange>& range,
           sdk::GetSink& out) override {
    std::shared_lock lock(mutex_);  // a delete waits, so the blob stays while it streams
    const Entry& e = find(key);
    out.info(e.info);
    const sdk::ResolvedRange r = sdk::resolve_range(range, e.info.size);
    blobs_.read(e.blob(), r.offset, r.length, [&](const char* data, std::size_t size) { out.write(data, size); });
  }

  sdk::ObjectInfo head(sdk::CallContext&, std::string_view key) override {
    std::shared_lock lock(mutex_);
    return find(key).info;
  }

  void remove(sdk::CallContext&, std::string_view key) override {
    std::unique_lock lock(mutex_);
    const std::string blob = find(key).blob();
    index_.erase(std::string(key));
    release(blob);
  }

  sdk::ListPage list(sdk::CallContext&, std::string_view prefix, std::string_view cursor,
                     std::uint32_t limit) override {
    std::shared_lock lock(mutex_);
    sdk::ListPage page;
    const std::string after = cursor.empty() ? std::string() : sdk::decode_cursor(cursor);
    const auto& entries = index_.entries();
    for (auto it = cursor.empty() ? entries.lower_bound(std::string(prefix)) : entries.upper_bound(after);
         it != entries.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      if (page.objects.size() == limit) {
        page.next_cursor = sdk::encode_cursor(page.objects.back().key);
        break;
      }
      page.objects.push_back(it->second.info);
    }
    return page;
  }

 private:
  using Entry = dedup::Entry;

  const Entry& find(std::string_view key) const {
    const Entry* e = index_.find(std::string(key));
    if (!e) throw sdk::not_found("no object '" + std::string(key) + "'");
    return *e;
  }

  // Deletes `blob` once no key names it. Caller holds the unique lock.
  void release(const std::string& blob) {
    if (!blob.empty() && index_.references(blob) == 0) blobs_.remove(blob);
  }

  // A crash between a blob's write and its index entry leaves a blob no key
  // names; drop those at start.
  void collect_unused_blobs() {
    std::size_t dropped = 0;
    for (const auto& blob : blobs_.all())
      if (index_.references(blob) == 0) blobs_.remove(blob), ++dropped;
    if (dropped) host_.info("dedup_store: removed " + std::to_string(dropped) + " blob(s) no key uses");
  }

  sdk::Host host_;
  std::filesystem::path root_;
  std::uint64_t max_object_bytes_;
  dedup::BlobStore blobs_;
  dedup::KeyIndex index_;
  std::shared_mutex mutex_;
};

}  // namespace

NEXUS_PLUGIN(DedupStore, .id = "dedup_store", .version = "1.0.0",
             .description = "Example storage: objects in a folder, identical contents stored once (etag = SHA-256)",
             .license = "Apache-2.0", .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
