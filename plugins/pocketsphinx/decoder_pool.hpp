// decoder_pool — decoders are not thread-safe and cost a model load each,
// so an instance keeps up to max_decoders of them: a call borrows one, a
// call that finds none idle and the pool full waits (still honouring its
// cancellation and deadline), and a returned decoder always has the
// configured search again, so one call's grammar never reaches the next.
//
// The pool starts empty: the models (about 93 MiB and half a second for the
// en-us language model) are loaded by the first call that needs a decoder,
// not at create, so a host whose transcriber is idle starts fast and small.
// Until one load has succeeded, only one load runs at a time: calls that
// arrive meanwhile wait for its outcome instead of loading the same models
// in parallel (which on a busy machine slows every one of them down and
// makes a broken model fail N times over). A failed load is reported to the
// call that ran it and to the calls waiting for it; the next call tries
// again, so fixing the files on disk needs no restart.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nexus/sdk/context.hpp>
#include <nexus/sdk/host.hpp>

#include "decoder.hpp"
#include "ps_settings.hpp"

namespace nexus::plugins::pocketsphinx {

class DecoderPool {
 public:
  // Loads nothing (see load_first_now). `host` and `instance_name` are for
  // the one log line each load writes.
  DecoderPool(Settings settings, sdk::Host host, std::string instance_name);

  // Loads the first decoder now, for instances whose config can only be
  // proven with the models (a grammar or keywords must compile against the
  // dictionary): their errors belong to create. Throws sdk::Error as
  // Decoder's constructor does (INVALID_ARGUMENT with pocketsphinx's reason).
  void load_first_now();

  // A borrowed decoder, returned to the pool (with the configured search
  // restored) when the lease ends.
  class Lease {
   public:
    Lease(DecoderPool& pool, std::unique_ptr<Decoder> decoder) noexcept : pool_(&pool), decoder_(std::move(decoder)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    Decoder& operator*() const noexcept { return *decoder_; }
    Decoder* operator->() const noexcept { return decoder_.get(); }

   private:
    DecoderPool* pool_;
    std::unique_ptr<Decoder> decoder_;
  };

  // Called just before this call starts loading a decoder (it may block
  // for a while); a call that does not load never calls it.
  using LoadStarting = std::function<void()>;

  // An idle decoder, a new one while fewer than max_decoders exist, or the
  // next one returned. Throws sdk::Error CANCELLED / DEADLINE_EXCEEDED when
  // the call gives up while waiting, and FAILED_PRECONDITION with the
  // loader's message when the models cannot be loaded.
  Lease acquire(const sdk::CallContext& ctx, const LoadStarting& on_load_starting = {});

  // Why the latest load failed, or nothing when it succeeded or none ran
  // yet. [any-thread]
  std::optional<std::string> load_failure() const;

  const Settings& settings() const noexcept { return settings_; }

 private:
  // Loads one decoder; `lock` is held on entry and on return (also when it
  // throws), released while loading. existing_ already counts the decoder.
  std::unique_ptr<Decoder> load(std::unique_lock<std::mutex>& lock, const LoadStarting& on_load_starting);
  void record_failed_load(std::unique_lock<std::mutex>& lock, const std::string& why);
  void give_back(std::unique_ptr<Decoder> decoder) noexcept;

  const Settings settings_;
  const sdk::Host host_;
  const std::string instance_name_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;  // a decoder came back, or a load ended
  std::vector<std::unique_ptr<Decoder>> idle_;
  int existing_ = 0;                // idle + lent + being loaded
  bool loaded_once_ = false;        // a load has succeeded: loads may run in parallel now
  std::uint64_t failed_loads_ = 0;  // lets a waiting call see that the load it waited for failed
  std::optional<std::string> load_failure_;
};

}  // namespace nexus::plugins::pocketsphinx
