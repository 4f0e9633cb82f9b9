// stuck_storage — test fixture. GET of:
//   "hang"      never returns (ignores cancellation and the deadline, like a
//               plugin stuck in a blocking call);
//   "slow"      takes `slow_ms` (config), then answers "slow";
//   "deadline"  answers the call context's deadline_unix_ms as text;
// anything else is NOT_FOUND. Other operations are UNIMPLEMENTED.
#include <nexus/sdk/plugin.hpp>

#include <chrono>
#include <thread>

namespace {

namespace sdk = nexus::sdk;

constexpr const char* kSchema = R"({
  "type": "object",
  "properties": {"slow_ms": {"type": "integer", "minimum": 0, "maximum": 600000}},
  "additionalProperties": false
})";

class StuckStorage : public sdk::Storage {
 public:
  explicit StuckStorage(const sdk::InstanceArgs& args) : slow_ms_(args.config.get_or<int>("slow_ms", 500)) {}

  sdk::ObjectInfo put(sdk::CallContext&, std::string_view, std::span<const std::uint8_t>, const sdk::PutOptions&) override {
    throw sdk::Error(NEXUS_UNIMPLEMENTED, "stuck_storage only answers GET");
  }
  void get(sdk::CallContext& ctx, std::string_view key, const std::optional<sdk::ByteRange>&, sdk::GetSink& out) override {
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
