// runtime/live_instance.hpp — one created plugin instance and everything the
// host keeps for it: its module (so the code stays loaded), the instances it
// depends on (so the handles it took from callback_find_interface stay
// valid), its nexus_host, its interface tables, and the gate every call
// passes through. Whoever holds a shared_ptr to it keeps all of that alive:
// after a reload, an old instance lives until its last caller lets go.
#pragma once

#include <nexus/host.h>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/module.hpp"

namespace nexus::host {

class LiveInstance {
 public:
  // The created instances this one declared in its config, by name.
  using Dependencies = std::map<std::string, std::shared_ptr<LiveInstance>>;

  // Creates the instance via on_instance_create. `config` has been validated
  // and interpolated; `dependencies` holds every instance it references.
  // Throws std::runtime_error with the plugin's message.
  LiveInstance(std::string name, std::uint64_t generation, std::shared_ptr<Module> module, const nlohmann::json& config,
               Dependencies dependencies);
  // Waits for in-flight calls, then on_instance_destroy; the dependencies
  // and the module are released after that.
  ~LiveInstance();
  LiveInstance(const LiveInstance&) = delete;
  LiveInstance& operator=(const LiveInstance&) = delete;

  const std::string& name() const noexcept { return name_; }
  // 1 when first created; a reload that re-creates the instance gives the
  // new one the old generation + 1.
  std::uint64_t generation() const noexcept { return generation_; }
  const Module& module() const noexcept { return *module_; }
  void* handle() const noexcept { return handle_; }
  // A declared dependency by name (nullptr when `name` is not one).
  std::shared_ptr<LiveInstance> dependency(const std::string& name) const;
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
  std::uint64_t generation_;
  // Declared before dependencies_ so it is released after them: their code
  // may be this module's too.
  std::shared_ptr<Module> module_;
  Dependencies dependencies_;
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
