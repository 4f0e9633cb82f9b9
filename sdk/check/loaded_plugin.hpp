// loaded_plugin.hpp — a plugin loaded the way the host loads it, and the
// host side of every call the kit makes into it.
//
// The kit plays the host: it gives each instance a real nexus_host and each
// call a real nexus_call_context, and it hands the plugin writers it owns.
// Everything the plugin does through them is recorded: bytes written, the
// error message, log lines, and — because the ABI says a writer or a context
// is borrowed for the call only — any use after the call returned. To see
// such a late use safely, the kit never frees a writer or context it gave
// out while the plugin is loaded: it closes it, and a closed one counts the
// use and refuses it.
#pragma once

#include <nexus/nexus.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "check_util.hpp"
#include "dependencies.hpp"

namespace nexus::host {
class Module;
}

namespace nexus::check {

// What a plugin did outside the results of its calls. [any-thread]
class Recorder {
 public:
  // A log line from the plugin ("<where>: <level>: <text>").
  void log(std::string_view where, nexus_log_level level, std::string_view text);
  std::vector<std::string> logs() const;
  // A writer, context or host callback used after its call returned.
  void late_use(std::string what);
  std::vector<std::string> late_uses() const;
  // A call returned a non-OK status without setting a message.
  void silent_error(std::string what);
  std::vector<std::string> silent_errors() const;
  // Counts non-OK statuses seen (so "every error had a message" means something).
  std::size_t errors_seen() const;
  void count_error();

  // Keeps `p` alive until the recorder goes, i.e. after the plugin is unloaded.
  void keep_alive(std::shared_ptr<void> p);
  // A process-wide order of writes, to tell which writer was written first.
  std::uint64_t next_sequence() noexcept { return ++sequence_; }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> logs_, late_uses_, silent_errors_;
  std::size_t errors_seen_ = 0;
  std::vector<std::shared_ptr<void>> kept_;
  std::atomic<std::uint64_t> sequence_{0};
};

// A nexus_writer handed to a plugin. Records every write; once closed, a
// write is recorded as late and refused with NEXUS_CANCELLED.
class Sink {
 public:
  Sink(Recorder& recorder, std::string what);
  const nexus_writer* writer() const noexcept;
  std::string text() const;
  std::size_t writes() const;
  // Sequence number of the first write (Recorder::next_sequence), 0 if none.
  std::uint64_t first_sequence() const;
  void close();
  // Closes and frees the bytes (the state itself stays alive for late writes).
  std::string take();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// What the kit says about the caller of one call.
struct CallSettings {
  bool cancelled = false;             // callback_is_cancelled answers 1 from the start
  std::int64_t deadline_unix_ms = 0;  // 0: none
  std::string principal_json;         // empty: a call by the host itself
};

// One call: its context, its writers, and what the plugin told it.
class Call {
 public:
  Call(Recorder& recorder, std::string what, CallSettings settings = {});
  ~Call();
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  const nexus_call_context* context() const noexcept;
  // A writer for this call, closed when the call finishes.
  Sink& sink(std::string name);
  // The plugin returned `status`: closes the context and writers, and notes
  // a non-OK status without a message. Returns `status`.
  nexus_status finish(nexus_status status);
  // finish(status), then the outcome: status, message and what `out` got.
  CallOutcome outcome(nexus_status status, Sink& out);

  std::string error() const;  // last message of callback_set_error ("" if none)
  std::vector<std::string> logs() const;

 private:
  struct State;
  Recorder& recorder_;
  std::shared_ptr<State> state_;
  std::vector<std::unique_ptr<Sink>> sinks_;
  bool finished_ = false;
};

// One instance; on_instance_destroy when it goes.
class Instance {
 public:
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;
  void* handle() const noexcept { return handle_; }
  const std::string& name() const noexcept { return name_; }

 private:
  friend class LoadedPlugin;
  struct HostState;
  Instance() = default;
  const nexus_plugin_descriptor* descriptor_ = nullptr;
  std::shared_ptr<HostState> host_;
  void* handle_ = nullptr;
  std::string name_;
};

struct Created {
  std::unique_ptr<Instance> instance;  // null when creation failed
  nexus_status status = NEXUS_INTERNAL;
  std::string error;  // the error writer's text
};

class LoadedPlugin {
 public:
  // Loads `file` with the host's loader (nexus::host::Module::load), which
  // refuses what the host refuses. Throws std::runtime_error with its message.
  explicit LoadedPlugin(const std::filesystem::path& file);
  ~LoadedPlugin();
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  const nexus_plugin_descriptor& descriptor() const noexcept;
  const std::filesystem::path& file() const noexcept { return file_; }
  Recorder& recorder() noexcept { return *recorder_; }
  bool provides(std::string_view interface_id) const;
  bool parallel() const noexcept;

  // on_get_interface(id): the table or nullptr.
  const void* interface_table(const char* interface_id) const;
  // The table of `interface_id` as T when it is there and at least as large
  // as this kit's T; else nullptr.
  template <typename T>
  const T* table(const char* interface_id) const {
    const auto* t = static_cast<const T*>(interface_table(interface_id));
    return t && t->struct_size >= sizeof(T) ? t : nullptr;
  }

  // on_instance_create with `config` (dumped to JSON text). The instance's
  // callback_find_interface reaches the instances of use_dependencies() that
  // `config` declares, as the host's does.
  Created create(const std::string& name, const nlohmann::json& config);
  // The --dependency instances every later create() may reach; they must
  // outlive the instances created here. nullptr: none.
  void use_dependencies(const Dependencies* dependencies) noexcept { dependencies_ = dependencies; }

  // Loads the same file a second time through the host's loader (so
  // on_module_init runs again) and returns a handle that unloads it
  // (on_module_deinit) when dropped.
  std::shared_ptr<void> load_again() const;

 private:
  std::shared_ptr<Recorder> recorder_;  // declared first: outlives the module
  std::filesystem::path file_;
  std::shared_ptr<host::Module> module_;
  const Dependencies* dependencies_ = nullptr;
};

}  // namespace nexus::check
