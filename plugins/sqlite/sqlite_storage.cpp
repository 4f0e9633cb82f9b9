// SqliteStorage: same semantics as the memory and fs backends (ranges,
// metadata, if_absent, if_match, the shared cursor format), on one SQLite
// database file.
#include "sqlite_storage.hpp"

#include <sys/random.h>

#include <nexus/sdk/storage_util.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <system_error>
#include <vector>

#include "key_range.hpp"
#include "schema.hpp"
#include "sqlite_errors.hpp"
#include "sqlite_handles.hpp"

namespace nexus::plugins::sqlite {
namespace {

// Readers per instance. Four keep a 2-8 core machine's request threads busy;
// more would mostly add file descriptors and page caches, since reads are
// usually waiting on the host's writers, not on SQLite.
constexpr std::size_t kReaders = 4;
// Bodies leave in chunks of at most this many bytes (what memory and fs use).
constexpr std::size_t kChunkBytes = 1 << 20;

std::int64_t now_unix_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The etag of a new write: 128 random bits as 32 hex digits. A random
// version id rather than a hash of the content because hashing a 256 MiB
// body costs more than the write, and because every write must get a new
// etag (as in the memory and fs backends) so if_match detects any
// intervening write, even one that stored the same bytes. Random rather than
// a counter so two instances writing one file never hand out the same etag.
std::string random_etag() {
  std::array<std::uint64_t, 2> bits{};
  if (::getrandom(bits.data(), sizeof bits, 0) != static_cast<ssize_t>(sizeof bits))
    throw sdk::internal("getrandom failed while making an etag: " + std::system_category().message(errno));
  return sdk::hex64(bits[0]) + sdk::hex64(bits[1]);
}

// storage.h says keys are UTF-8. The SDK does not check that, but object
// info and listings are JSON, which cannot carry invalid UTF-8: an object
// stored under such a key could never be described, and every listing that
// reached it would fail. Refuse it at the door instead.
bool is_utf8(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else
      return false;
    if (i + n >= s.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

std::string quoted(std::string_view key) {
  return "'" + std::string(key) + "'";
}

// Creates the database file's parent directories when config.create allows.
void prepare_directory(const SqliteConfig& config) {
  if (!config.create) return;
  const std::filesystem::path parent = std::filesystem::path(config.path).parent_path();
  if (parent.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec)
    throw sdk::invalid_argument("cannot create the directory '" + parent.string() + "' for database file '" +
                                config.path + "': " + ec.message() + "; create it, or fix config.path");
}

// SQLITE_LIMIT_LENGTH of this SQLite build, asked of a throwaway in-memory
// connection so no file is touched.
std::uint64_t sqlite_value_limit() {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, nullptr);
  const DbPtr db(raw);
  check(rc, db.get(), "opening an in-memory SQLite connection");
  return static_cast<std::uint64_t>(sqlite3_limit(db.get(), SQLITE_LIMIT_LENGTH, -1));
}

sdk::Metadata parse_metadata(const std::string& text, std::string_view key) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object())
    throw sdk::internal("metadata of " + quoted(key) +
                        " in the database is not a JSON object; the row was edited outside Nexus");
  sdk::Metadata m;
  for (const auto& [k, v] : j.items())
    if (v.is_string()) m[k] = v.get<std::string>();
  return m;
}

}  // namespace

SqliteStorage::SqliteStorage(const sdk::InstanceArgs& args) : config_(read_config(args.config)) {
  // A larger limit could never be stored: SQLite refuses values longer than
  // SQLITE_LIMIT_LENGTH (1 GB in stock builds). Say so now, not at the first
  // big put, and before any file is created.
  const std::uint64_t sqlite_max = sqlite_value_limit();
  if (config_.max_object_bytes > sqlite_max)
    throw sdk::invalid_argument(args.config.path() + ".max_object_bytes is " +
                                std::to_string(config_.max_object_bytes) +
                                " but this SQLite build stores values of at most " + std::to_string(sqlite_max) +
                                " bytes; lower it, or use the fs or s3 backend for bigger objects");

  prepare_directory(config_);
  auto writer = std::make_unique<Connection>(config_, config_.create);
  // Schema first: a file that is not ours (newer version, another
  // application's database) is refused before anything in it is changed,
  // journal mode included.
  ensure_schema(*writer);
  const std::string mode = enable_wal(*writer);
  if (mode != "wal")
    args.host.warn("sqlite storage '" + args.name + "': database file '" + config_.path + "' stays in journal mode '" +
                   mode + "' (the file system cannot do WAL); readers will block writers");
  pool_ = std::make_unique<ConnectionPool>(config_, std::move(writer), kReaders);
}

SqliteStorage::Row SqliteStorage::find(Connection& c, std::string_view key) {
  Statement st = c.statement(Sql::select_info);
  st.bind_text(1, key);
  if (!st.step("reading " + quoted(key))) throw sdk::not_found("no object with key " + quoted(key));
  Row row;
  row.id = st.column_int64(0);
  row.info.key = std::string(key);
  row.info.size = static_cast<std::uint64_t>(st.column_int64(1));
  row.info.content_type = st.column_text(2);
  row.info.metadata = parse_metadata(st.column_text(3), key);
  row.info.etag = st.column_text(4);
  row.info.last_modified = sdk::format_rfc3339_ns(st.column_int64(5));
  return row;
}

sdk::ObjectInfo SqliteStorage::put(sdk::CallContext& ctx, std::string_view key, std::span<const std::uint8_t> body,
                                   const sdk::PutOptions& options) {
  sdk::check_key(key);
  if (!is_utf8(key))
    throw sdk::invalid_argument("key is not valid UTF-8; keys are UTF-8 text like 'recordings/2026/call-1.wav'");
  if (body.size() > config_.max_object_bytes)
    throw sdk::resource_exhausted("object " + quoted(key) + " has " + std::to_string(body.size()) +
                                  " bytes, over max_object_bytes " + std::to_string(config_.max_object_bytes) +
                                  "; store a smaller object or raise config.max_object_bytes");
  ctx.check();

  const std::int64_t now = now_unix_ns();
  sdk::ObjectInfo info;
  info.key = std::string(key);
  info.size = body.size();
  info.content_type = options.content_type.empty() ? "application/octet-stream" : options.content_type;
  info.metadata = options.metadata;
  info.etag = random_etag();
  info.last_modified = sdk::format_rfc3339_ns(now);
  const std::string metadata_json = nlohmann::json(options.metadata).dump();
  const std::string what = "writing " + quoted(key);

  WriterLease w = pool_->writer();
  // One transaction: the precondition check and the write see the same
  // state, and a crash leaves the old row or the new one.
  Transaction tx(*w, Transaction::Kind::write, what);
  if (options.if_absent || !options.if_match.empty()) {
    Statement st = w->statement(Sql::select_etag);
    st.bind_text(1, key);
    const bool exists = st.step(what);
    if (options.if_absent && exists)
      throw sdk::already_exists("object " + quoted(key) + " already exists (if_absent was set)");
    if (!options.if_match.empty()) {
      if (!exists)
        throw sdk::failed_precondition("object " + quoted(key) + " does not exist, so if_match '" + options.if_match +
                                       "' cannot match");
      const std::string current = st.column_text(0);
      if (current != options.if_match)
        throw sdk::failed_precondition("object " + quoted(key) + " has etag '" + current + "', not the if_match '" +
                                       options.if_match + "'; read it again and retry");
    }
  }
  {
    Statement st = w->statement(Sql::upsert);
    st.bind_text(1, key)
        .bind_blob(2, body)
        .bind_int64(3, static_cast<std::int64_t>(body.size()))
        .bind_text(4, info.content_type)
        .bind_text(5, metadata_json)
        .bind_text(6, info.etag)
        .bind_int64(7, now);
    st.step(what);
  }
  tx.commit();
  return info;
}

void SqliteStorage::get(sdk::CallContext& ctx, std::string_view key, const std::optional<sdk::ByteRange>& range,
                        sdk::GetSink& out) {
  sdk::check_key(key);
  const std::string what = "reading " + quoted(key);
  ReaderLease r = pool_->reader();
  // A read transaction pins one snapshot (WAL), so the info and every chunk
  // of the body come from the same version even while a put replaces it.
  Transaction tx(*r, Transaction::Kind::read, what);
  const Row row = find(*r, key);
  out.info(row.info);
  const sdk::ResolvedRange want = sdk::resolve_range(range, row.info.size);
  if (want.length > 0) {
    const BlobPtr blob = r->open_body(row.id, what);
    std::vector<std::uint8_t> buffer(static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes, want.length)));
    for (std::uint64_t done = 0; done < want.length;) {
      if (ctx.cancelled()) throw sdk::cancelled("get of " + quoted(key) + " was cancelled");
      const auto n = static_cast<int>(std::min<std::uint64_t>(buffer.size(), want.length - done));
      // Offsets fit an int: max_object_bytes is capped at SQLITE_LIMIT_LENGTH.
      check(sqlite3_blob_read(blob.get(), buffer.data(), n, static_cast<int>(want.offset + done)), r->db(), what);
      out.write(buffer.data(), static_cast<std::size_t>(n));
      done += static_cast<std::uint64_t>(n);
    }
  }
  tx.commit();
}

sdk::ObjectInfo SqliteStorage::head(sdk::CallContext&, std::string_view key) {
  sdk::check_key(key);
  ReaderLease r = pool_->reader();
  return find(*r, key).info;
}

void SqliteStorage::remove(sdk::CallContext&, std::string_view key) {
  sdk::check_key(key);
  const std::string what = "deleting " + quoted(key);
  WriterLease w = pool_->writer();
  Transaction tx(*w, Transaction::Kind::write, what);
  {
    Statement st = w->statement(Sql::delete_key);
    st.bind_text(1, key);
    st.step(what);
  }
  if (sqlite3_changes64(w->db()) == 0) throw sdk::not_found("no object with key " + quoted(key));
  tx.commit();
}

sdk::ListPage SqliteStorage::list(sdk::CallContext&, std::string_view prefix, std::string_view cursor,
                                  std::uint32_t limit) {
  const std::string after = cursor.empty() ? std::string() : sdk::decode_cursor(cursor);
  const std::optional<std::string> upper = prefix_upper_bound(prefix);
  ReaderLease r = pool_->reader();
  Statement st = r->statement(upper ? Sql::list_bounded : Sql::list_unbounded);
  st.bind_text(1, prefix).bind_text(2, after);
  int next = 3;
  if (upper) st.bind_text(next++, *upper);
  // One row more than the page: if it exists there is a next page, and a
  // client never gets an empty last page with a cursor.
  st.bind_int64(next, static_cast<std::int64_t>(limit) + 1);

  sdk::ListPage page;
  while (st.step("listing prefix " + quoted(prefix))) {
    if (page.objects.size() == limit) {
      page.next_cursor = sdk::encode_cursor(page.objects.back().key);
      break;
    }
    sdk::ObjectInfo o;
    o.key = st.column_text(0);
    o.size = static_cast<std::uint64_t>(st.column_int64(1));
    o.content_type = st.column_text(2);
    o.etag = st.column_text(3);
    o.last_modified = sdk::format_rfc3339_ns(st.column_int64(4));
    page.objects.push_back(std::move(o));
  }
  return page;
}

void SqliteStorage::health() {
  ReaderLease r = pool_->reader();
  Statement st = r->statement(Sql::health);
  st.step("checking the database file '" + config_.path + "'");
}

}  // namespace nexus::plugins::sqlite
