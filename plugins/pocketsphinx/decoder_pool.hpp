// decoder_pool — decoders are not thread-safe and cost a model load each,
// so an instance keeps up to max_decoders of them: a call borrows one, a
// call that finds none idle and the pool full waits (still honouring its
// cancellation and deadline), and a returned decoder always has the
// configured search again, so one call's grammar never reaches the next.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include <nexus/sdk/context.hpp>

#include "decoder.hpp"
#include "ps_settings.hpp"

namespace nexus::plugins::pocketsphinx {

class DecoderPool {
 public:
  // Creates the first decoder at once, so a bad model or grammar fails the
  // instance's creation rather than its first call. Throws sdk::Error.
  explicit DecoderPool(Settings settings);

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

  // An idle decoder, a new one while fewer than max_decoders exist, or the
  // next one returned. Throws sdk::Error CANCELLED / DEADLINE_EXCEEDED when
  // the call gives up while waiting.
  Lease acquire(const sdk::CallContext& ctx);

  const Settings& settings() const noexcept { return settings_; }

 private:
  void give_back(std::unique_ptr<Decoder> decoder) noexcept;

  const Settings settings_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Decoder>> idle_;
  int existing_ = 0;  // idle + lent + being created
};

}  // namespace nexus::plugins::pocketsphinx
