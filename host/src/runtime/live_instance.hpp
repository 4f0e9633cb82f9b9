// runtime/live_instance.hpp — one created plugin instance and everything the
// host keeps for it: its module (so the code stays loaded), its nexus_host,
// its interface tables, and the gate every call passes through.
#pragma once

#include <nexus/host.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/module.hpp"

namespace nexus::host {

class LiveInstance;
// Resolves an instance name to a created instance (the runtime's registry).
using InstanceLookup = std::function<std::shared_ptr<LiveInstance>(const std::string&)>;

class LiveInstance {
 public:
  // Creates the instance via on_instance_create. `config` has been validated
  // and interpolated. Throws std::runtime_error with the plugin's message.
  LiveInstance(std::string name, std::shared_ptr<Module> module, const nlohmann::json& config,
               std::set<std::string> dependencies, InstanceLookup lookup);
  ~LiveInstance();  // waits for in-flight calls, then on_instance_destroy
  LiveInstance(const LiveInstance&) = delete;
  LiveInstance& operator=(const LiveInstance&) = delete;

  const std::string& name() const noexcept { return name_; }
  const Module& module() const noexcept { return *module_; }
  void* handle() const noexcept { return handle_; }
  const std::set<std::string>& dependencies() const noexcept { return dependencies_; }
  // Another created instance by name (nullptr when none).
  std::shared_ptr<LiveInstance> lookup(const std::string& name) const { return lookup_ ? lookup_(name) : nullptr; }
  // The interface table for `id` (nullptr when not provided); checked once.
  const void* table(const std::string& id) const;

  // Held for the duration of one call into the plugin: serialises calls when
  // the plugin is NEXUS_CONCURRENCY_SERIAL and counts calls in flight.
  class CallGate {
   public:
    explicit CallGate(const LiveInstance& inst);
    ~CallGate();
    CallGate(const CallGate&) = delete;
    CallGate& operator=(const CallGate&) = delete;

   private:
    const LiveInstance& inst_;
    std::unique_lock<std::mutex> serial_;
  };

 private:
  std::string name_;
  std::shared_ptr<Module> module_;
  std::set<std::string> dependencies_;
  InstanceLookup lookup_;
  nexus_host host_{};
  void* handle_ = nullptr;
  mutable std::mutex serial_mutex_;
  mutable std::mutex tables_mutex_;
  mutable std::map<std::string, const void*> tables_;
  mutable std::mutex inflight_mutex_;
  mutable std::condition_variable inflight_cv_;
  mutable std::size_t inflight_ = 0;
};

}  // namespace nexus::host
