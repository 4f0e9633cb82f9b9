// MemoryStorage: std::map under a shared_mutex; same semantics as the fs
// backend (ranges, metadata, if_absent, if_match, cursor format).
#include "memory_storage.hpp"

#include <nexus/sdk/storage_util.hpp>

#include <algorithm>
#include <chrono>
#include <mutex>

namespace nexus::plugins::memory {
namespace {

constexpr std::uint64_t kDefaultMaxBytes = 268435456;  // 256 MiB
constexpr std::size_t kChunkBytes = 1 << 20;           // bodies leave in 1 MiB chunks

std::uint64_t read_max_bytes(const sdk::Config& config) {
  for (const auto& [k, v] : config.json().items())
    if (k != "max_bytes")
      throw sdk::invalid_argument(config.path() + "." + k + " is not a memory storage setting; the only one is max_bytes");
  const auto max = config.get_or<std::int64_t>("max_bytes", static_cast<std::int64_t>(kDefaultMaxBytes));
  if (max < 0) throw sdk::invalid_argument(config.path() + ".max_bytes must be >= 0, got " + std::to_string(max));
  return static_cast<std::uint64_t>(max);
}

std::int64_t now_unix_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

MemoryStorage::MemoryStorage(const sdk::InstanceArgs& args) : max_bytes_(read_max_bytes(args.config)) {}

const MemoryStorage::Entry& MemoryStorage::find_locked(std::string_view key) const {
  const auto it = objects_.find(key);
  if (it == objects_.end()) throw sdk::not_found("no object with key '" + std::string(key) + "'");
  return it->second;
}

sdk::ObjectInfo MemoryStorage::put(sdk::CallContext&, std::string_view key, std::span<const std::uint8_t> body,
                                   const sdk::PutOptions& options) {
  sdk::check_key(key);
  // Copy the body before taking the lock: readers should not wait on a memcpy.
  auto copy = std::make_shared<const std::vector<std::uint8_t>>(body.begin(), body.end());

  std::unique_lock lock(mutex_);
  const auto it = objects_.find(key);
  const bool exists = it != objects_.end();
  if (options.if_absent && exists) throw sdk::already_exists("object '" + std::string(key) + "' already exists (if_absent was set)");
  if (!options.if_match.empty()) {
    if (!exists) throw sdk::failed_precondition("object '" + std::string(key) + "' does not exist, so if_match '" + options.if_match + "' cannot match");
    if (it->second.info.etag != options.if_match)
      throw sdk::failed_precondition("object '" + std::string(key) + "' has etag '" + it->second.info.etag + "', not the if_match '" +
                                     options.if_match + "'; read it again and retry");
  }
  const std::uint64_t old_size = exists ? it->second.info.size : 0;
  const std::uint64_t new_total = total_bytes_ - old_size + body.size();
  if (new_total > max_bytes_)
    throw sdk::resource_exhausted("storing " + std::to_string(body.size()) + " bytes under '" + std::string(key) + "' would hold " +
                                  std::to_string(new_total) + " bytes, over max_bytes " + std::to_string(max_bytes_) +
                                  "; delete objects or raise config.max_bytes");

  const std::int64_t now = now_unix_ns();
  Entry entry;
  entry.body = std::move(copy);
  entry.info.key = std::string(key);
  entry.info.size = body.size();
  entry.info.content_type = options.content_type.empty() ? "application/octet-stream" : options.content_type;
  entry.info.metadata = options.metadata;
  entry.info.etag = sdk::make_etag({++generation_, body.size(), static_cast<std::uint64_t>(now)});
  entry.info.last_modified = sdk::format_rfc3339_ns(now);
  sdk::ObjectInfo result = entry.info;

  objects_.insert_or_assign(std::string(key), std::move(entry));
  total_bytes_ = new_total;
  return result;
}

void MemoryStorage::get(sdk::CallContext& ctx, std::string_view key, const std::optional<sdk::ByteRange>& range, sdk::GetSink& out) {
  sdk::check_key(key);
  std::shared_ptr<const std::vector<std::uint8_t>> body;
  sdk::ObjectInfo info;
  {
    std::shared_lock lock(mutex_);
    const Entry& e = find_locked(key);
    body = e.body;
    info = e.info;
  }
  out.info(info);
  const sdk::ResolvedRange r = sdk::resolve_range(range, body->size());
  for (std::uint64_t done = 0; done < r.length;) {
    if (ctx.cancelled()) throw sdk::cancelled("get of '" + std::string(key) + "' was cancelled");
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes, r.length - done));
    out.write(body->data() + r.offset + done, n);
    done += n;
  }
}

sdk::ObjectInfo MemoryStorage::head(sdk::CallContext&, std::string_view key) {
  sdk::check_key(key);
  std::shared_lock lock(mutex_);
  return find_locked(key).info;
}

void MemoryStorage::remove(sdk::CallContext&, std::string_view key) {
  sdk::check_key(key);
  std::unique_lock lock(mutex_);
  const auto it = objects_.find(key);
  if (it == objects_.end()) throw sdk::not_found("no object with key '" + std::string(key) + "'");
  total_bytes_ -= it->second.info.size;
  objects_.erase(it);
}

sdk::ListPage MemoryStorage::list(sdk::CallContext&, std::string_view prefix, std::string_view cursor, std::uint32_t limit) {
  const std::string after = cursor.empty() ? std::string() : sdk::decode_cursor(cursor);
  sdk::ListPage page;
  std::shared_lock lock(mutex_);
  // Start at the first key after the cursor (or at the prefix), then walk
  // while keys still carry the prefix: the map is already in byte order.
  auto it = after.empty() ? objects_.lower_bound(prefix) : objects_.upper_bound(after);
  if (!after.empty() && std::string_view(after) < prefix) it = objects_.lower_bound(prefix);
  for (; it != objects_.end() && std::string_view(it->first).substr(0, prefix.size()) == prefix; ++it) {
    if (page.objects.size() == limit) {
      page.next_cursor = sdk::encode_cursor(page.objects.back().key);
      break;
    }
    page.objects.push_back(it->second.info);
  }
  return page;
}

}  // namespace nexus::plugins::memory
