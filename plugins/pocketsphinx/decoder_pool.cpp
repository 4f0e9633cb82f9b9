#include "decoder_pool.hpp"

#include <chrono>

namespace nexus::plugins::pocketsphinx {
namespace {

// How often a waiting call looks at its cancellation flag and deadline.
constexpr auto kWaitSlice = std::chrono::milliseconds(50);

}  // namespace

DecoderPool::DecoderPool(Settings settings) : settings_(std::move(settings)) {
  idle_.reserve(static_cast<std::size_t>(settings_.max_decoders));  // give_back never allocates
  idle_.push_back(std::make_unique<Decoder>(settings_));
  existing_ = 1;
}

DecoderPool::Lease::~Lease() {
  if (decoder_) pool_->give_back(std::move(decoder_));
}

DecoderPool::Lease DecoderPool::acquire(const sdk::CallContext& ctx) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!idle_.empty()) {
      auto decoder = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(decoder));
    }
    if (existing_ < settings_.max_decoders) {
      // Load outside the lock: it takes a while and other calls may return
      // decoders meanwhile.
      ++existing_;
      lock.unlock();
      try {
        return Lease(*this, std::make_unique<Decoder>(settings_));
      } catch (...) {
        lock.lock();
        --existing_;
        returned_.notify_one();
        throw;
      }
    }
    returned_.wait_for(lock, kWaitSlice);
    if (idle_.empty()) {
      lock.unlock();
      ctx.check();  // throws CANCELLED or DEADLINE_EXCEEDED
      lock.lock();
    }
  }
}

void DecoderPool::give_back(std::unique_ptr<Decoder> decoder) noexcept {
  // A decoder that cannot return to the configured search is dropped; the
  // next call that needs one loads a fresh decoder.
  const bool reusable = decoder->restore_configured_search();
  if (!reusable) decoder.reset();
  {
    std::lock_guard lock(mutex_);
    if (reusable) {
      idle_.push_back(std::move(decoder));
    } else {
      --existing_;
    }
  }
  returned_.notify_one();
}

}  // namespace nexus::plugins::pocketsphinx
