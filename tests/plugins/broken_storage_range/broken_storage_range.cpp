// broken_storage_range — in-memory storage that is right in everything but
// one thing: get ignores the range and always writes the whole object.
// A fixture for nexus-plugin-check (tests/unit/plugin_check_test.cpp).
#include <nexus/sdk/plugin.hpp>
#include <nexus/sdk/storage_util.hpp>

#include <map>
#include <mutex>

namespace {

namespace sdk = nexus::sdk;

class BrokenRangeStorage : public sdk::Storage {
 public:
  explicit BrokenRangeStorage(const sdk::InstanceArgs&) {}

  sdk::ObjectInfo put(sdk::CallContext&, std::string_view key, std::span<const std::uint8_t> body,
                      const sdk::PutOptions& o) override {
    std::lock_guard lock(mutex_);
    const auto it = objects_.find(std::string(key));
    if (o.if_absent && it != objects_.end()) throw sdk::already_exists("object exists (if_absent)");
    if (!o.if_match.empty() && (it == objects_.end() || it->second.info.etag != o.if_match))
      throw sdk::failed_precondition("etag does not match if_match");
    Entry e;
    e.body.assign(body.begin(), body.end());
    e.info = sdk::ObjectInfo{std::string(key),       body.size(), o.content_type, sdk::hex64(++generation_),
                             "2026-01-01T00:00:00Z", o.metadata};
    objects_[std::string(key)] = e;
    return e.info;
  }

  void get(sdk::CallContext&, std::string_view key, const std::optional<sdk::ByteRange>&, sdk::GetSink& out) override {
    std::lock_guard lock(mutex_);
    const Entry& e = find(key);
    out.info(e.info);
    out.write(e.body);  // THE BUG: the range is ignored
  }

  sdk::ObjectInfo head(sdk::CallContext&, std::string_view key) override {
    std::lock_guard lock(mutex_);
    return find(key).info;
  }

  void remove(sdk::CallContext&, std::string_view key) override {
    std::lock_guard lock(mutex_);
    if (objects_.erase(std::string(key)) == 0) throw sdk::not_found("no object '" + std::string(key) + "'");
  }

  sdk::ListPage list(sdk::CallContext&, std::string_view prefix, std::string_view cursor,
                     std::uint32_t limit) override {
    std::lock_guard lock(mutex_);
    const std::string after = cursor.empty() ? std::string() : sdk::decode_cursor(cursor);
    sdk::ListPage page;
    for (const auto& [k, e] : objects_) {
      if (!sdk::in_list_window(k, prefix, after)) continue;
      if (page.objects.size() == limit) {
        page.next_cursor = sdk::encode_cursor(page.objects.back().key);
        break;
      }
      page.objects.push_back(e.info);
    }
    return page;
  }

 private:
  struct Entry {
    std::vector<std::uint8_t> body;
    sdk::ObjectInfo info;
  };
  const Entry& find(std::string_view key) const {
    const auto it = objects_.find(std::string(key));
    if (it == objects_.end()) throw sdk::not_found("no object '" + std::string(key) + "'");
    return it->second;
  }
  std::mutex mutex_;
  std::map<std::string, Entry> objects_;
  std::uint64_t generation_ = 0;
};

}  // namespace

NEXUS_PLUGIN(BrokenRangeStorage, .id = "broken_storage_range", .version = "0.0.1",
             .description = "Test fixture: storage that ignores byte ranges", .license = "Apache-2.0")
