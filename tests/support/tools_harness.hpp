// support/tools_harness.hpp — calling a "nexus.tools/1" plugin through its
// C ABI in tests: a call context and writer that record what the plugin
// says, a host stub that resolves storage dependencies to instances the
// test created (as nexusd does for declared dependencies), and a tools
// instance created through the descriptor with that host.
#pragma once

#include <gtest/gtest.h>

#include <nexus/nexus.h>

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "support/plugin_harness.hpp"

namespace nexus::test {

using json = nlohmann::json;

class TestContext {
 public:
  explicit TestContext(bool cancelled = false, std::int64_t deadline_unix_ms = 0) : cancelled_(cancelled) {
    ctx_.struct_size = sizeof(nexus_call_context);
    ctx_.host_data = this;
    ctx_.request_id = nexus_str{"req-test", 8};
    ctx_.deadline_unix_ms = deadline_unix_ms;
    ctx_.callback_is_cancelled = [](void* self) -> int { return static_cast<TestContext*>(self)->cancelled_ ? 1 : 0; };
    ctx_.callback_progress = [](void*, double, double, nexus_str) {};
    ctx_.callback_log = [](void*, nexus_log_level, nexus_str) {};
    ctx_.callback_set_error = [](void* self, nexus_str m) {
      static_cast<TestContext*>(self)->error_.assign(m.data, m.size);
    };
  }
  const nexus_call_context* get() const { return &ctx_; }
  const std::string& error() const { return error_; }

 private:
  bool cancelled_;
  std::string error_;
  nexus_call_context ctx_{};
};

class StringWriter {
 public:
  StringWriter()
      : w_{sizeof(nexus_writer), this, [](void* self, const void* d, size_t n) {
             static_cast<StringWriter*>(self)->data_.append(static_cast<const char*>(d), n);
             return NEXUS_OK;
           }} {}
  const nexus_writer* get() const { return &w_; }
  const std::string& str() const { return data_; }

 private:
  nexus_writer w_;
  std::string data_;
};

// A nexus_host whose callback_find_interface resolves names to storage
// instances the test created, as nexusd does for declared dependencies.
class StubHost {
 public:
  StubHost() {
    host_.struct_size = sizeof(nexus_host);
    host_.abi_major = NEXUS_ABI_MAJOR;
    host_.abi_minor = NEXUS_ABI_MINOR;
    host_.host_data = this;
    host_.callback_log = [](void*, nexus_log_level, nexus_str) {};
    host_.callback_find_interface = &find;
    host_.callback_counter_add = [](void*, nexus_str, nexus_str, double) {};
    host_.callback_gauge_set = [](void*, nexus_str, nexus_str, double) {};
    host_.callback_histogram_observe = [](void*, nexus_str, nexus_str, double) {};
    host_.callback_resource_updated = [](void*, nexus_str) {};
  }
  void add(const std::string& name, const nexus::test::PluginInstance& storage) { storages_[name] = &storage; }
  const nexus_host* get() const { return &host_; }

 private:
  static nexus_status find(void* self, nexus_str name, const char* id, nexus_interface_ref* out,
                           const nexus_writer* error) {
    auto& h = *static_cast<StubHost*>(self);
    const auto it = h.storages_.find(std::string(name.data, name.size));
    if (it == h.storages_.end() || std::string(id) != NEXUS_STORAGE_V1) {
      static const char msg[] = "no such storage instance";
      if (error) error->callback_write(error->receiver_data, msg, sizeof msg - 1);
      return NEXUS_NOT_FOUND;
    }
    out->vtable = it->second->storage();
    out->instance = it->second->handle();
    return NEXUS_OK;
  }
  nexus_host host_{};
  std::map<std::string, const nexus::test::PluginInstance*> storages_;
};

struct Outcome {
  nexus_status status = NEXUS_INTERNAL;
  std::string error;
  json result;
  bool is_error() const { return result.value("isError", false); }
  std::string text() const { return result["content"][0].value("text", ""); }
};

// A tools instance created through the descriptor with the stub host.
class ToolsInstance {
 public:
  ToolsInstance(const LoadedPlugin& plugin, const StubHost& host, const json& config, std::string name = "tools")
      : d_(plugin.descriptor()), name_(std::move(name)) {
    StringWriter error;
    const std::string c = config.dump();
    status_ = d_.on_instance_create(host.get(), nexus_str{name_.data(), name_.size()}, nexus_str{c.data(), c.size()},
                                    &instance_, error.get());
    error_ = error.str();
    if (status_ != NEXUS_OK) instance_ = nullptr;
  }
  ~ToolsInstance() {
    if (instance_) d_.on_instance_destroy(instance_);
  }
  ToolsInstance(const ToolsInstance&) = delete;
  ToolsInstance& operator=(const ToolsInstance&) = delete;

  nexus_status status() const { return status_; }
  void* raw() const { return instance_; }
  const std::string& error() const { return error_; }

  json list() const {
    TestContext ctx;
    StringWriter out;
    EXPECT_EQ(tools().on_list_tools(instance_, ctx.get(), out.get()), NEXUS_OK) << ctx.error();
    return json::parse(out.str());
  }
  Outcome call(const std::string& name, const json& args, const TestContext& ctx = TestContext()) const {
    StringWriter out;
    const std::string a = args.dump();
    Outcome o;
    o.status = tools().on_call_tool(instance_, ctx.get(), nexus_str{name.data(), name.size()},
                                    nexus_str{a.data(), a.size()}, out.get());
    o.error = ctx.error();
    if (o.status == NEXUS_OK) o.result = json::parse(out.str());
    return o;
  }

 private:
  const nexus_tools_v1& tools() const {
    return *static_cast<const nexus_tools_v1*>(d_.on_get_interface(NEXUS_TOOLS_V1));
  }
  const nexus_plugin_descriptor& d_;
  std::string name_;
  void* instance_ = nullptr;
  nexus_status status_ = NEXUS_INTERNAL;
  std::string error_;
};

}  // namespace nexus::test
