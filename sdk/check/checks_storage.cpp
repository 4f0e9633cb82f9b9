// checks_storage.cpp — the contract of "nexus.storage/1" (storage.h), checked
// call by call. Every key lives under a fresh "nexus-check-<random>/" prefix
// and is deleted at the end, so the kit can run against a real bucket.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include "check_util.hpp"
#include "checks.hpp"

namespace nexus::check {

namespace {

using nlohmann::json;

// What one storage call returned and wrote.
struct Outcome {
  nexus_status status = NEXUS_INTERNAL;
  std::string error;
  std::string info;  // info / listing JSON
  std::string body;  // get: the bytes
  bool info_written = false;
  bool info_before_body = true;  // get: the info came before the first body byte
  bool fd_given = false;         // open: a descriptor came back
  bool cloexec = false;          // open: ... with FD_CLOEXEC set
  bool ok() const noexcept { return status == NEXUS_OK; }
  std::string status_text() const { return std::string(nexus_status_name(status)) + (ok() ? "" : message_part(error)); }
};

struct PutSpec {
  std::string content_type;
  std::string metadata_json;
  bool if_absent = false;
  std::string if_match;
};

struct Range {
  std::int64_t first;
  std::int64_t last;
};

// Calls one instance's storage table with kit-owned contexts and writers.
class StorageCaller {
 public:
  StorageCaller(LoadedPlugin& plugin, Instance& instance, const nexus_storage_v1& table)
      : recorder_(plugin.recorder()), instance_(instance), t_(table) {}

  Outcome put(std::string_view key, std::string_view body, const PutSpec& spec = {}) const {
    Call call(recorder_, "on_put(" + excerpt(key, 60) + ")");
    Sink& info = call.sink("info");
    const nexus_put_options options{sizeof(nexus_put_options), str(spec.content_type), str(spec.metadata_json),
                                    spec.if_absent ? NEXUS_PUT_IF_ABSENT : 0u, str(spec.if_match)};
    const nexus_bytes bytes{reinterpret_cast<const std::uint8_t*>(body.data()), body.size()};
    Outcome o;
    o.status = call.finish(t_.on_put(instance_.handle(), call.context(), str(key), bytes, &options, info.writer()));
    o.error = call.error();
    o.info_written = info.writes() > 0;
    o.info = info.take();
    return o;
  }

  Outcome get(std::string_view key, std::optional<Range> range = std::nullopt) const {
    Call call(recorder_, "on_get(" + excerpt(key, 60) + ")");
    Sink& info = call.sink("info");
    Sink& body = call.sink("body");
    nexus_byte_range r{sizeof(nexus_byte_range), range ? range->first : 0, range ? range->last : -1};
    Outcome o;
    o.status = call.finish(
        t_.on_get(instance_.handle(), call.context(), str(key), range ? &r : nullptr, info.writer(), body.writer()));
    o.error = call.error();
    o.info_written = info.writes() > 0;
    o.info_before_body = body.writes() == 0 || (info.writes() > 0 && info.first_sequence() < body.first_sequence());
    o.info = info.take();
    o.body = body.take();
    return o;
  }

  // The table reaches on_open (ABI 1.1) and sets it.
  bool offers_files() const {
    return t_.struct_size >= offsetof(nexus_storage_v1, on_open) + sizeof(t_.on_open) && t_.on_open != nullptr;
  }

  // on_open; the descriptor's bytes [offset, offset + the info's size) are
  // read into `body`, then the descriptor is closed.
  Outcome open(std::string_view key) const {
    Call call(recorder_, "on_open(" + excerpt(key, 60) + ")");
    Sink& info = call.sink("info");
    int fd = -1;
    std::uint64_t offset = 0;
    Outcome o;
    o.status = call.finish(t_.on_open(instance_.handle(), call.context(), str(key), info.writer(), &fd, &offset));
    o.error = call.error();
    o.info_written = info.writes() > 0;
    o.info = info.take();
    o.fd_given = fd >= 0;
    if (fd < 0) return o;
    o.cloexec = (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
    const json j = json::parse(o.info, nullptr, false);
    const std::uint64_t size = j.is_object() && j.contains("size") && j["size"].is_number_unsigned()
                                   ? j["size"].get<std::uint64_t>()
                                   : 0;
    o.body.resize(static_cast<std::size_t>(std::min<std::uint64_t>(size, 64u << 20)));
    std::size_t done = 0;
    while (done < o.body.size()) {
      const ssize_t n = ::pread(fd, o.body.data() + done, o.body.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    o.body.resize(done);
    ::close(fd);
    return o;
  }

  Outcome head(std::string_view key) const {
    Call call(recorder_, "on_head(" + excerpt(key, 60) + ")");
    Sink& info = call.sink("info");
    Outcome o;
    o.status = call.finish(t_.on_head(instance_.handle(), call.context(), str(key), info.writer()));
    o.error = call.error();
    o.info_written = info.writes() > 0;
    o.info = info.take();
    return o;
  }

  Outcome del(std::string_view key) const {
    Call call(recorder_, "on_delete(" + excerpt(key, 60) + ")");
    Outcome o;
    o.status = call.finish(t_.on_delete(instance_.handle(), call.context(), str(key)));
    o.error = call.error();
    return o;
  }

  Outcome list(std::string_view prefix, std::string_view cursor, std::uint32_t limit) const {
    Call call(recorder_, "on_list(prefix " + excerpt(prefix, 60) + ")");
    Sink& out = call.sink("listing");
    Outcome o;
    o.status =
        call.finish(t_.on_list(instance_.handle(), call.context(), str(prefix), str(cursor), limit, out.writer()));
    o.error = call.error();
    o.info_written = out.writes() > 0;
    o.info = out.take();
    return o;
  }

 private:
  static nexus_str str(std::string_view s) noexcept { return nexus_str{s.data(), s.size()}; }
  Recorder& recorder_;
  Instance& instance_;
  const nexus_storage_v1& t_;
};

// Bytes whose every position is distinct enough to catch an off-by-one.
std::string pattern_bytes(std::size_t size, std::uint64_t seed) {
  std::string out(size, '\0');
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (std::size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out[i] = static_cast<char>(x & 0xff);
  }
  return out;
}

// "" when equal, else where the bytes first differ.
std::string difference(std::string_view got, std::string_view want) {
  if (got == want) return {};
  if (got.size() != want.size())
    return "got " + std::to_string(got.size()) + " bytes, expected " + std::to_string(want.size());
  const auto mismatch = std::mismatch(got.begin(), got.end(), want.begin());
  return "got the right number of bytes (" + std::to_string(got.size()) + ") but they differ from byte " +
         std::to_string(mismatch.first - got.begin());
}

// Shared state of one run of the storage checks.
struct StorageRun {
  CheckEnv& env;
  StorageCaller a;
  std::string prefix;             // "nexus-check-<random>/"
  std::set<std::string> written;  // deleted at the end
  std::optional<StorageCaller> b;

  std::string key(std::string_view rest) const { return prefix + std::string(rest); }

  // put that must succeed; ends the check otherwise.
  Outcome must_put(CheckScope& s, const std::string& k, std::string_view body, const PutSpec& spec = {}) {
    Outcome o = a.put(k, body, spec);
    written.insert(k);
    s.require(o.ok(),
              "put of a " + std::to_string(body.size()) + "-byte object under '" + k + "' returned " + o.status_text());
    return o;
  }
};

// The object info JSON `what` must describe `key` with `size` bytes.
json check_info(CheckScope& s, const std::string& text, const std::string& key, std::uint64_t size,
                const std::string& what) {
  const json info = parse_plugin_json(text, what, s);
  s.require(info.is_object(), what + " is not a JSON object: " + excerpt(text));
  s.expect(info.contains("key") && info["key"].is_string() && info["key"] == key,
           what + " has \"key\" " + (info.contains("key") ? info["key"].dump() : std::string("missing")) +
               ", expected \"" + key + "\"");
  s.expect(info.contains("size") && info["size"].is_number_unsigned() && info["size"].get<std::uint64_t>() == size,
           what + " has \"size\" " + (info.contains("size") ? info["size"].dump() : std::string("missing")) +
               ", expected " + std::to_string(size) + " (the size of the whole object)");
  s.expect(info.contains("etag") && info["etag"].is_string() && !info["etag"].get<std::string>().empty(),
           what + " has no \"etag\" string; if_match needs one");
  s.expect(info.contains("content_type") && info["content_type"].is_string(), what + " has no \"content_type\" string");
  s.expect(info.contains("last_modified") && info["last_modified"].is_string(),
           what + " has no \"last_modified\" string");
  return info;
}

void check_read_after_write(StorageRun& run, CheckScope& s) {
  const std::string k = run.key("basic/hello.txt");
  const std::string body = "hello from nexus-plugin-check";
  run.must_put(s, k, body, {"text/plain", "", false, ""});
  const Outcome got = run.a.get(k);
  s.require(got.ok(), "put 'hello from nexus-plugin-check' under '" + k + "', then get returned " + got.status_text());
  const std::string diff = difference(got.body, body);
  s.expect(diff.empty(), "read back what was just written under '" + k + "': " + diff);
}

void check_object_info(StorageRun& run, CheckScope& s) {
  const std::string k = run.key("basic/info.bin");
  const std::string body = pattern_bytes(321, 1);
  const Outcome put = run.must_put(s, k, body);
  if (s.expect(put.info_written,
               "put wrote no object info through its info writer; storage.h says it writes the new object's info"))
    check_info(s, put.info, k, body.size(), "the info written by put");
  const Outcome head = run.a.head(k);
  s.require(head.ok(), "head of '" + k + "' just after put returned " + head.status_text());
  check_info(s, head.info, k, body.size(), "the info written by head");
  const Outcome get = run.a.get(k);
  s.require(get.ok(), "get of '" + k + "' just after put returned " + get.status_text());
  check_info(s, get.info, k, body.size(), "the info written by get");
}

void check_info_before_body(StorageRun& run, CheckScope& s) {
  const std::string k = run.key("basic/order.bin");
  run.must_put(s, k, pattern_bytes(100, 2));
  const Outcome got = run.a.get(k);
  s.require(got.ok(), "get of '" + k + "' returned " + got.status_text());
  s.expect(got.info_written, "get wrote no object info; storage.h says it writes the info before the body");
  s.expect(got.info_before_body, "get wrote body bytes before the object info; storage.h says info comes first");
}

void check_overwrite(StorageRun& run, CheckScope& s) {
  const std::string k = run.key("basic/overwrite.txt");
  run.must_put(s, k, "the first, longer version of the object");
  run.must_put(s, k, "second");
  const Outcome got = run.a.get(k);
  s.require(got.ok(), "get after overwriting '" + k + "' returned " + got.status_text());
  s.expect(got.body == "second", "wrote 'the first, longer version of the object' then 'second' under '" + k +
                                     "', read back " + excerpt(got.body) + "; a put replaces the whole object");
  const Outcome head = run.a.head(k);
  if (s.expect(head.ok(), "head after overwrite returned " + head.status_text()))
    check_info(s, head.info, k, 6, "head after overwrite");
}

void check_delete(StorageRun& run, CheckScope& s) {
  const std::string k = run.key("basic/delete-me.txt");
  run.must_put(s, k, "soon gone");
  const Outcome del = run.a.del(k);
  s.require(del.ok(), "delete of the existing key '" + k + "' returned " + del.status_text());
  const Outcome get = run.a.get(k);
  s.expect(get.status == NEXUS_NOT_FOUND,
           "get after delete of '" + k + "' returned " + get.status_text() + "; expected not_found");
  const Outcome head = run.a.head(k);
  s.expect(head.status == NEXUS_NOT_FOUND,
           "head after delete of '" + k + "' returned " + head.status_text() + "; expected not_found");
  const Outcome again = run.a.del(k);
  s.expect(again.status == NEXUS_NOT_FOUND,
           "a second delete of '" + k + "' returned " + again.status_text() + "; expected not_found");
}

void check_missing_key(StorageRun& run, CheckScope& s) {
  const std::string k = run.key("missing/never-written.bin");
  const Outcome get = run.a.get(k);
  s.expect(get.status == NEXUS_NOT_FOUND,
           "get of a key never written returned " + get.status_text() + "; expected not_found");
  const Outcome head = run.a.head(k);
  s.expect(head.status == NEXUS_NOT_FOUND,
           "head of a key never written returned " + head.status_text() + "; expected not_found");
  const Outcome del = run.a.del(k);
  s.expect(del.status == NEXUS_NOT_FOUND,
           "delete of a key never written returned " + del.status_text() + "; expected not_found");
}

// --- ranges ------------------------------------------------------------------

constexpr std::size_t kRangeObjectSize = 100;

struct RangeCase {
  const char* name;
  Range range;
  std::size_t offset, length;  // the bytes the contract selects
  std::string asked;           // in plain words
};

std::string range_object_key(const StorageRun& run) {
  return run.key("range/object-100.bin");
}

void check_range(StorageRun& run, const RangeCase& c, CheckScope& s) {
  const std::string k = range_object_key(run);
  const std::string body = pattern_bytes(kRangeObjectSize, 3);
  run.must_put(s, k, body);
  const Outcome got = run.a.get(k, c.range);
  s.require(got.ok(), "asked for " + c.asked + ", got status " + got.status_text() + "; the contract says ok");
  if (got.body.size() != c.length)
    s.fail_now("asked for " + c.asked + ", got " + std::to_string(got.body.size()) + " bytes; the contract says " +
               std::to_string(c.length) + " bytes (" + std::to_string(c.offset) + ".." +
               std::to_string(c.offset + c.length - 1) + ")");
  s.expect(got.body == body.substr(c.offset, c.length), "asked for " + c.asked + ", got " + std::to_string(c.length) +
                                                            " bytes but not bytes " + std::to_string(c.offset) + ".." +
                                                            std::to_string(c.offset + c.length - 1) + " of the object");
  check_info(s, got.info, k, kRangeObjectSize, "the info of a range get (it describes the whole object)");
}

void check_range_beyond_end(StorageRun& run, CheckScope& s) {
  const std::string k = range_object_key(run);
  run.must_put(s, k, pattern_bytes(kRangeObjectSize, 3));
  for (const Range r : {Range{100, -1}, Range{250, 300}}) {
    const std::string asked =
        "bytes " + std::to_string(r.first) + "-" + (r.last < 0 ? "" : std::to_string(r.last)) + " of a 100-byte object";
    const Outcome got = run.a.get(k, r);
    if (!s.expect(got.status == NEXUS_OUT_OF_RANGE, "asked for " + asked + ", got status " + got.status_text() +
                                                        " with " + std::to_string(got.body.size()) +
                                                        " bytes; the contract says out_of_range"))
      continue;
    s.expect(got.body.empty(), "asked for " + asked + ": out_of_range, but " + std::to_string(got.body.size()) +
                                   " body bytes were written");
    if (s.expect(got.info_written, "asked for " + asked +
                                       ": out_of_range without object info; storage.h says the info is still "
                                       "written so the caller can report the size"))
      check_info(s, got.info, k, kRangeObjectSize, "the info of an out_of_range get");
  }
}

// --- metadata, conditional puts ----------------------------------------------------

void check_metadata(StorageRun& run, CheckScope& s) {
  const std::string k = run.key("meta/with-metadata.txt");
  const std::string content_type = "text/x-nexus-check; charset=utf-8";
  const json metadata{{"color", "blue"}, {"run-id", run.env.run_id}, {"empty", ""}};
  run.must_put(s, k, "metadata test", {content_type, metadata.dump(), false, ""});
  for (const char* op : {"head", "get"}) {
    const Outcome o = std::string(op) == "head" ? run.a.head(k) : run.a.get(k);
    if (!s.expect(o.ok(), std::string(op) + " of '" + k + "' returned " + o.status_text())) continue;
    const json info = check_info(s, o.info, k, 13, std::string("the info written by ") + op);
    s.expect(
        info.value("content_type", json()) == content_type,
        "put with content type '" + content_type + "', " + op + " says " + info.value("content_type", json()).dump());
    s.expect(info.value("metadata", json()) == metadata, "put with metadata " + metadata.dump() + ", " + op + " says " +
                                                             info.value("metadata", json("missing")).dump());
  }
}

void check_if_absent(StorageRun& run, CheckScope& s) {
  const std::string k = run.key("cond/if-absent.txt");
  run.must_put(s, k, "original", {"", "", true, ""});
  const Outcome second = run.a.put(k, "replacement", {"", "", true, ""});
  s.expect(second.status == NEXUS_ALREADY_EXISTS, "a put with NEXUS_PUT_IF_ABSENT on an existing key returned " +
                                                      second.status_text() + "; expected already_exists");
  const Outcome got = run.a.get(k);
  s.expect(got.ok() && got.body == "original", "after a refused if_absent put, the object reads " + excerpt(got.body) +
                                                   " (" + got.status_text() + "); it must be unchanged");
}

void check_if_match(StorageRun& run, CheckScope& s) {
  const std::string k = run.key("cond/if-match.txt");
  run.must_put(s, k, "version 1");
  const Outcome head = run.a.head(k);
  s.require(head.ok(), "head of '" + k + "' returned " + head.status_text());
  const json info = parse_plugin_json(head.info, "the info written by head", s);
  s.require(info.is_object() && info.contains("etag") && info["etag"].is_string(),
            "head wrote no etag, so if_match cannot be used");
  const std::string etag = info["etag"];

  const Outcome wrong = run.a.put(k, "version 2", {"", "", false, "nexus-check-not-the-etag"});
  s.expect(wrong.status == NEXUS_FAILED_PRECONDITION,
           "a put with if_match of an etag the object does not have returned " + wrong.status_text() +
               "; expected failed_precondition");
  const Outcome after_wrong = run.a.get(k);
  s.expect(after_wrong.body == "version 1",
           "after a refused if_match put the object reads " + excerpt(after_wrong.body));
  const Outcome right = run.a.put(k, "version 3", {"", "", false, etag});
  s.expect(right.ok(), "a put with if_match of the object's current etag '" + etag + "' returned " +
                           right.status_text() + "; expected ok");
}

// --- listing --------------------------------------------------------------------------

// 120 keys whose byte order differs from naive orders: '-' (0x2d) < '.'
// (0x2e) < '/' (0x2f) < digits < upper case < lower case.
std::vector<std::string> listing_keys() {
  std::vector<std::string> keys;
  for (const char* k : {"a-1", "a.x", "a/b", "a/c/d", "B", "Z9", "z"}) keys.emplace_back(k);
  for (int i = 0; keys.size() < 120; ++i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "k%03d", i);
    keys.emplace_back(buf);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

void check_listing(StorageRun& run, CheckScope& s) {
  const std::string list_prefix = run.key("list/");
  const auto rel = listing_keys();
  std::set<std::string> expected;
  for (const auto& r : rel) {
    const std::string k = list_prefix + r;
    run.must_put(s, k, r);
    expected.insert(k);
  }
  // Neighbours that share the text but not the prefix must not show up.
  run.must_put(s, run.key("list-outside"), "x");
  run.must_put(s, run.key("lis"), "x");

  constexpr std::uint32_t kLimit = 7;
  const std::size_t max_pages = expected.size() * 2 + 10;
  std::map<std::string, std::size_t> seen_on_page;
  std::string cursor, last_key;
  std::set<std::string> cursors;
  std::size_t page = 0;
  for (;;) {
    if (++page > max_pages)
      s.fail_now("listing did not end after " + std::to_string(max_pages) + " pages of at most 7 keys");
    const Outcome o = run.a.list(list_prefix, cursor, kLimit);
    s.require(o.ok(),
              "listing page " + std::to_string(page) + " of prefix '" + list_prefix + "' returned " + o.status_text());
    const json j = parse_plugin_json(o.info, "listing page " + std::to_string(page), s);
    s.require(j.is_object() && j.contains("objects") && j["objects"].is_array(),
              "listing page " + std::to_string(page) + " has no \"objects\" array: " + excerpt(o.info));
    const auto& objects = j["objects"];
    s.require(objects.size() <= kLimit,
              "asked for at most 7 keys, page " + std::to_string(page) + " has " + std::to_string(objects.size()));
    for (const auto& obj : objects) {
      s.require(obj.is_object() && obj.contains("key") && obj["key"].is_string(),
                "page " + std::to_string(page) + " lists an object without a \"key\" string: " + excerpt(obj.dump()));
      const std::string k = obj["key"];
      s.require(k.compare(0, list_prefix.size(), list_prefix) == 0,
                "listing prefix '" + list_prefix + "' returned '" + k + "', which does not start with it");
      if (const auto it = seen_on_page.find(k); it != seen_on_page.end())
        s.fail_now("key '" + k + "' appeared on page " + std::to_string(it->second) + " and again on page " +
                   std::to_string(page) +
                   "; every key must be listed exactly once (does the cursor resume after the last key of the page?)");
      seen_on_page[k] = page;
      s.require(run.env.options.unsorted_listing || last_key.empty() || last_key < k,
                "listing is not in ascending byte order: '" + k + "' came after '" + last_key + "'");
      last_key = k;
      if (obj.contains("size"))
        s.expect(obj["size"].is_number_unsigned(),
                 "listed object '" + k + "' has a \"size\" that is not a non-negative number");
    }
    if (!j.contains("next_cursor") || j["next_cursor"].is_null()) break;
    s.require(j["next_cursor"].is_string() && !j["next_cursor"].get<std::string>().empty(),
              "page " + std::to_string(page) +
                  " has a \"next_cursor\" that is not a non-empty string; leave it out at the end");
    cursor = j["next_cursor"];
    s.require(cursors.insert(cursor).second, "page " + std::to_string(page) + " returned the cursor " +
                                                 excerpt(cursor) + " a second time; the listing would never end");
  }
  std::vector<std::string> missing;
  for (const auto& k : expected)
    if (!seen_on_page.count(k)) missing.push_back("'" + k + "'");
  s.expect(missing.empty(), "wrote 120 keys under '" + list_prefix + "', listing 7 at a time returned " +
                                std::to_string(seen_on_page.size()) + "; missing " + first_few(missing));
  s.note("listed " + std::to_string(seen_on_page.size()) + " keys in " + std::to_string(page) + " pages" +
         (run.env.options.unsorted_listing ? " (order not checked: --unsorted-listing)" : ""));
}

void check_malformed_cursor(StorageRun& run, CheckScope& s) {
  for (const char* cursor : {"nexus-check-not-a-cursor!!", "v1:@@@", "\x01\x02"}) {
    const Outcome o = run.a.list(run.key("list/"), cursor, 7);
    s.expect(o.status == NEXUS_INVALID_ARGUMENT, "listing with the made-up cursor " + excerpt(cursor) + " returned " +
                                                     o.status_text() + "; expected invalid_argument");
  }
}

// --- keys that must be refused ---------------------------------------------------------

void check_unsafe_keys(StorageRun& run, CheckScope& s) {
  // Unique names, so a backend that does write them cannot clobber anything.
  const std::string tag = "nexus-check-" + run.env.run_id + ".x";
  const std::vector<std::string> keys{
      "../" + tag,
      "a/../../" + tag,
      "/" + tag,
      "a\\b",
      "a//b",
      std::string("a\0b", 3),
      "",
      "a/./b",
      "a/",
      "a\x01"
      "b",
      std::string(1025, 'k'),
      "a\xff"
      "b",  // not UTF-8
  };
  std::vector<std::string> accepted;
  for (const std::string& k : keys) {
    const Outcome put = run.a.put(k, "must not be stored");
    if (put.ok()) {
      run.written.insert(k);
      run.a.del(k);
    }
    const Outcome get = run.a.get(k), head = run.a.head(k), del = run.a.del(k);
    std::string wrong;
    for (const auto& [op, o] :
         {std::pair<const char*, const Outcome*>{"put", &put}, {"get", &get}, {"head", &head}, {"delete", &del}})
      if (o->status != NEXUS_INVALID_ARGUMENT)
        wrong += std::string(wrong.empty() ? "" : ", ") + op + ": " + nexus_status_name(o->status);
    if (!wrong.empty()) accepted.push_back(excerpt(k, 40) + " (" + wrong + ")");
  }
  s.expect(accepted.empty(),
           std::to_string(accepted.size()) + " of " + std::to_string(keys.size()) +
               " keys that break the key rules of storage.h were not refused with invalid_argument: " +
               first_few(accepted, 4) + " — check every key with nexus_storage_key_problem() before using it");
}

// --- sizes --------------------------------------------------------------------------------

void check_large_object(StorageRun& run, CheckScope& s) {
  const std::string k = run.key("size/16MiB.bin");
  const std::string body = pattern_bytes(16u << 20, 4);
  run.must_put(s, k, body);
  const Outcome got = run.a.get(k);
  s.require(got.ok(), "get of the 16 MiB object returned " + got.status_text());
  const std::string diff = difference(got.body, body);
  s.expect(diff.empty(), "wrote 16 MiB, read back: " + diff);
  run.a.del(k);  // free the space now rather than at the end
}

// ABI 1.1 on_open, for a backend that offers files: the descriptor holds
// exactly the object, is close-on-exec, and a missing key is NOT_FOUND with
// no descriptor.
void check_open_as_file(StorageRun& run, CheckScope& s) {
  if (!run.a.offers_files()) s.skip("on_open is not offered (NULL, or a table built before ABI 1.1)");
  const std::string k = run.key("open/object.bin");
  const std::string body = pattern_bytes(300u << 10, 7);
  run.must_put(s, k, body, {"audio/wav", "", false, ""});
  const Outcome o = run.a.open(k);
  s.require(o.ok(), "on_open of an object just written returned " + o.status_text());
  s.require(o.fd_given, "on_open returned OK without a descriptor");
  s.expect(o.cloexec, "the descriptor on_open gave is not close-on-exec; open it with O_CLOEXEC");
  const json info = parse_plugin_json(o.info, "on_open's object info", s);
  s.expect(info.is_object() && info.value("size", std::uint64_t{0}) == body.size(),
           "on_open's info does not give the object's size " + std::to_string(body.size()) + ": " + excerpt(o.info));
  s.expect(info.is_object() && info.value("content_type", std::string()) == "audio/wav",
           "on_open's info lost the content type: " + excerpt(o.info));
  const std::string diff = difference(o.body, body);
  s.expect(diff.empty(), "the bytes behind on_open's descriptor are not the object's: " + diff);
  const Outcome missing = run.a.open(run.key("open/missing.bin"));
  s.expect(missing.status == NEXUS_NOT_FOUND,
           "on_open of a key never written returned " + missing.status_text() + "; storage.h says NOT_FOUND");
  s.expect(!missing.fd_given, "on_open of a missing key set a descriptor; only NEXUS_OK may");
}

void check_empty_object(StorageRun& run, CheckScope& s) {
  const std::string k = run.key("size/empty.bin");
  run.must_put(s, k, "");
  const Outcome got = run.a.get(k);
  s.require(got.ok(), "get of an empty object returned " + got.status_text());
  s.expect(got.body.empty(), "wrote 0 bytes, read back " + std::to_string(got.body.size()));
  check_info(s, got.info, k, 0, "the info of the empty object");
  const Outcome range = run.a.get(k, Range{0, -1});
  s.expect(range.status == NEXUS_OUT_OF_RANGE,
           "asked for bytes 0- of an empty object, got " + range.status_text() +
               "; the contract says out_of_range (a range selects no byte of size 0)");
}

// --- two instances, threads ---------------------------------------------------------------

void check_instances_isolated(StorageRun& run, CheckScope& s) {
  s.require(run.b.has_value(), "no second instance (see common.two_instances)");
  const std::string ka = run.key("iso/in-first.txt");
  const std::string kb = run.key("iso/in-second.txt");
  run.must_put(s, ka, "first");
  const Outcome put_b = run.b->put(kb, "second");
  s.require(put_b.ok(), "put in the second instance returned " + put_b.status_text());
  const Outcome get_b = run.b->get(kb);
  s.expect(get_b.ok() && get_b.body == "second", "the second instance read back " + excerpt(get_b.body) + " (" +
                                                     get_b.status_text() + ") for what it just wrote");
  if (run.env.separate_configs) {
    const Outcome seen = run.b->head(ka);
    s.expect(seen.status == NEXUS_NOT_FOUND,
             "put '" + ka + "' in the first instance; the second (from --second-config) sees it: head returned " +
                 seen.status_text() + " — instances on different configs must not share objects");
    const Outcome seen_a = run.a.head(kb);
    s.expect(seen_a.status == NEXUS_NOT_FOUND,
             "put '" + kb + "' in the second instance; the first sees it: head returned " + seen_a.status_text());
  } else {
    s.note("same config twice: the instances may share a backend, so isolation is not checked (give --second-config)");
  }
  run.b->del(kb);
  if (!run.env.separate_configs) run.a.del(kb);
}

void check_concurrent(StorageRun& run, CheckScope& s) {
  if (!run.env.plugin.parallel())
    s.skip("the plugin declares NEXUS_CONCURRENCY_SERIAL; the host never calls it concurrently");
  constexpr int kThreads = 8, kRounds = 12;
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kRounds; ++i)
      run.written.insert(run.key("conc/t" + std::to_string(t) + "/" + std::to_string(i)));
  const auto failures = run_in_threads(kThreads, [&](int t, const std::function<void(std::string)>& fail) {
    for (int i = 0; i < kRounds; ++i) {
      const std::string k = run.key("conc/t" + std::to_string(t) + "/" + std::to_string(i));
      const std::string body =
          pattern_bytes(4096 + static_cast<std::size_t>(t * 100 + i), static_cast<std::uint64_t>(t * 1000 + i));
      const Outcome put = run.a.put(k, body);
      if (!put.ok()) return fail("thread " + std::to_string(t) + ": put '" + k + "' returned " + put.status_text());
      const Outcome get = run.a.get(k);
      if (!get.ok() || get.body != body)
        return fail("thread " + std::to_string(t) + ": read back '" + k +
                    "': " + (get.ok() ? difference(get.body, body) : get.status_text()));
      const Outcome list = run.a.list(run.key("conc/t" + std::to_string(t) + "/"), "", 100);
      if (!list.ok()) return fail("thread " + std::to_string(t) + ": list returned " + list.status_text());
      const Outcome del = run.a.del(k);
      if (!del.ok()) return fail("thread " + std::to_string(t) + ": delete '" + k + "' returned " + del.status_text());
    }
  });
  s.expect(failures.empty(),
           "8 threads putting, reading, listing and deleting their own keys at once: " + first_few(failures));
}

void check_cleanup(StorageRun& run, CheckScope& s) {
  std::vector<std::string> refused;
  for (const auto& k : run.written) {
    const Outcome o = run.a.del(k);
    if (!o.ok() && o.status != NEXUS_NOT_FOUND && o.status != NEXUS_INVALID_ARGUMENT)
      refused.push_back(excerpt(k, 60) + ": " + o.status_text());
  }
  s.expect(refused.empty(), "deleting what the kit wrote failed: " + first_few(refused));
  const Outcome o = run.a.list(run.prefix, "", 1000);
  s.require(o.ok(), "listing '" + run.prefix + "' after cleanup returned " + o.status_text());
  const json j = parse_plugin_json(o.info, "the listing after cleanup", s);
  s.require(j.is_object() && j.contains("objects") && j["objects"].is_array(),
            "the listing after cleanup has no \"objects\" array");
  std::vector<std::string> left;
  for (const auto& obj : j["objects"]) left.push_back(obj.value("key", obj.dump()));
  s.expect(left.empty(), "after deleting every key the kit wrote, listing '" + run.prefix + "' still shows " +
                             std::to_string(left.size()) + " object(s): " + first_few(left) +
                             " — a deleted object must not be listed");
}

}  // namespace

void run_storage_checks(CheckEnv& env) {
  const auto* table = env.plugin.table<nexus_storage_v1>(NEXUS_STORAGE_V1);
  if (!table || !table->on_put || !table->on_get || !table->on_head || !table->on_delete || !table->on_list) {
    env.report.fail("storage.interface",
                    "no usable nexus.storage/1 table (NULL, too small, or NULL entries; see common.interface_tables)");
    return;
  }
  StorageRun run{
      env, StorageCaller(env.plugin, *env.primary, *table), "nexus-check-" + env.run_id + "/", {}, std::nullopt};
  if (env.secondary) run.b.emplace(env.plugin, *env.secondary, *table);
  env.report.info("storage: writing under the prefix '" + run.prefix + "'");

  Report& r = env.report;
  auto run_check = [&](const char* name, void (*fn)(StorageRun&, CheckScope&)) {
    r.run(name, [&](CheckScope& s) { fn(run, s); });
  };
  run_check("storage.read_after_write", check_read_after_write);
  run_check("storage.object_info", check_object_info);
  run_check("storage.info_before_body", check_info_before_body);
  run_check("storage.overwrite", check_overwrite);
  run_check("storage.delete_then_not_found", check_delete);
  run_check("storage.missing_key_not_found", check_missing_key);

  const std::vector<RangeCase> ranges{
      {"storage.range_first_last", {10, 19}, 10, 10, "bytes 10-19 of a 100-byte object"},
      {"storage.range_open_end", {90, -1}, 90, 10, "bytes 90- (to the end) of a 100-byte object"},
      {"storage.range_suffix", {-10, -1}, 90, 10, "the last 10 bytes of a 100-byte object"},
      {"storage.range_suffix_longer_than_object", {-500, -1}, 0, 100, "the last 500 bytes of a 100-byte object"},
      {"storage.range_clamped", {95, 1000}, 95, 5, "bytes 95-1000 of a 100-byte object (the end is clamped)"},
  };
  for (const auto& c : ranges) r.run(c.name, [&](CheckScope& s) { check_range(run, c, s); });
  run_check("storage.range_beyond_end", check_range_beyond_end);

  run_check("storage.metadata_round_trip", check_metadata);
  run_check("storage.if_absent", check_if_absent);
  run_check("storage.if_match", check_if_match);
  run_check("storage.list_pages", check_listing);
  run_check("storage.list_malformed_cursor", check_malformed_cursor);
  run_check("storage.unsafe_keys_rejected", check_unsafe_keys);
  run_check("storage.large_object", check_large_object);
  run_check("storage.empty_object", check_empty_object);
  run_check("storage.open_as_file", check_open_as_file);
  run_check("storage.two_instances", check_instances_isolated);
  run_check("storage.concurrent_calls", check_concurrent);
  run_check("storage.cleanup", check_cleanup);
}

}  // namespace nexus::check
