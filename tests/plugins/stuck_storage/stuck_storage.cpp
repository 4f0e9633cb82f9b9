// stuck_storage — test fixture. GET of:
//   "hang"      never returns (ignores cancellation and the deadline, like a
//               plugin stuck in a blocking call);
//   "slow"      takes `slow_ms` (config), then answers "slow";
//   "deadline"  answers the call context's deadline_unix_ms as text;
// and, for streamed bodies (host/src/http/body_stream.hpp), bodies of
// pattern_byte(0), pattern_byte(1), ... written in 64 KiB chunks:
//   "big"           4 MiB;
//   "fails-midway"  announces 1 MiB, writes 256 KiB, then fails UNAVAILABLE;
//   "too-long"      announces 128 KiB, writes 192 KiB (a plugin bug);
//   "short"         announces 128 KiB, writes 64 KiB and returns OK (a bug);
//   "slow-body"     256 KiB: half, then a pause of `slow_ms`, then the rest;
// anything else is NOT_FOUND. Other operations are UNIMPLEMENTED.
#include <nexus/sdk/plugin.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

namespace {

namespace sdk = nexus::sdk;

constexpr const char* kSchema = R"({
  "type": "object",
  "properties": {"slow_ms": {"type": "integer", "minimum": 0, "maximum": 600000}},
  "additionalProperties": false
})";

// The byte at `offset` of every patterned body (the tests compute the same).
std::uint8_t pattern_byte(std::uint64_t offset) { return static_cast<std::uint8_t>((offset * 131 + offset / 4093) & 0xff); }

struct Patterned {
  std::uint64_t announced, written;
  int pause_after_half_ms = 0;
  bool fail = false;
};

void write_patterned(sdk::GetSink& out, std::string_view key, const Patterned& p) {
  sdk::ObjectInfo info;
  info.key = std::string(key);
  info.size = p.announced;
  info.content_type = "application/octet-stream";
  out.info(info);
  constexpr std::uint64_t kChunk = 64 << 10;
  std::vector<std::uint8_t> chunk;
  for (std::uint64_t at = 0; at < p.written; at += kChunk) {
    if (p.pause_after_half_ms > 0 && at == p.written / 2)
      std::this_thread::sleep_for(std::chrono::milliseconds(p.pause_after_half_ms));
    chunk.resize(std::min(kChunk, p.written - at));
    for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = pattern_byte(at + i);
    out.write(chunk.data(), chunk.size());
  }
  if (p.fail) throw sdk::Error(NEXUS_UNAVAILABLE, "the disk went away");
}

class StuckStorage : public sdk::Storage {
 public:
  explicit StuckStorage(const sdk::InstanceArgs& args) : slow_ms_(args.config.get_or<int>("slow_ms", 500)) {}

  sdk::ObjectInfo put(sdk::CallContext&, std::string_view, std::span<const std::uint8_t>, const sdk::PutOptions&) override {
    throw sdk::Error(NEXUS_UNIMPLEMENTED, "stuck_storage only answers GET");
  }
  void get(sdk::CallContext& ctx, std::string_view key, const std::optional<sdk::ByteRange>&, sdk::GetSink& out) override {
    if (key == "big") return write_patterned(out, key, {4 << 20, 4 << 20});
    if (key == "fails-midway") return write_patterned(out, key, {1 << 20, 256 << 10, 0, true});
    if (key == "too-long") return write_patterned(out, key, {128 << 10, 192 << 10});
    if (key == "short") return write_patterned(out, key, {128 << 10, 64 << 10});
    if (key == "slow-body") return write_patterned(out, key, {256 << 10, 256 << 10, slow_ms_});
    std::string body;
    if (key == "hang") {
      while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
    } else if (key == "slow") {
      std::this_thread::sleep_for(std::chrono::milliseconds(slow_ms_));
      body = "slow";
    } else if (key == "deadline") {
      body = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(ctx.deadline().time_since_epoch()).count());
    } else {
      throw sdk::Error(NEXUS_NOT_FOUND, "no object '" + std::string(key) + "'");
    }
    sdk::ObjectInfo info;
    info.key = std::string(key);
    info.size = body.size();
    info.content_type = "text/plain";
    out.info(info);
    out.write(body.data(), body.size());
  }
  sdk::ObjectInfo head(sdk::CallContext&, std::string_view) override {
    throw sdk::Error(NEXUS_UNIMPLEMENTED, "stuck_storage only answers GET");
  }
  void remove(sdk::CallContext&, std::string_view) override {
    throw sdk::Error(NEXUS_UNIMPLEMENTED, "stuck_storage only answers GET");
  }
  sdk::ListPage list(sdk::CallContext&, std::string_view, std::string_view, std::uint32_t) override {
    throw sdk::Error(NEXUS_UNIMPLEMENTED, "stuck_storage only answers GET");
  }

 private:
  int slow_ms_;
};

}  // namespace

NEXUS_PLUGIN(StuckStorage, .id = "stuck_storage", .version = "0.1.0",
             .description = "Test fixture: a storage whose GET can hang forever", .license = "Apache-2.0",
             .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
