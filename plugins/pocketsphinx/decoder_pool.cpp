#include "decoder_pool.hpp"

#include <chrono>
#include <exception>

#include <nexus/sdk/error.hpp>

namespace nexus::plugins::pocketsphinx {
namespace {

// How often a waiting call looks at its cancellation flag and deadline.
constexpr auto kWaitSlice = std::chrono::milliseconds(50);

}  // namespace

DecoderPool::DecoderPool(Settings settings, sdk::Host host, std::string instance_name)
    : settings_(std::move(settings)), host_(host), instance_name_(std::move(instance_name)) {
  idle_.reserve(static_cast<std::size_t>(settings_.max_decoders));  // give_back never allocates
}

DecoderPool::Lease::~Lease() {
  if (decoder_) pool_->give_back(std::move(decoder_));
}

void DecoderPool::load_first_now() {
  std::unique_lock lock(mutex_);
  ++existing_;
  idle_.push_back(load(lock, {}));
}

DecoderPool::Lease DecoderPool::acquire(const sdk::CallContext& ctx, const LoadStarting& on_load_starting) {
  std::unique_lock lock(mutex_);
  // failed_loads_ as this call first waited for another call's first load:
  // if that load fails, this call reports the same failure.
  std::optional<std::uint64_t> waited_for_load;
  for (;;) {
    if (!idle_.empty()) {
      auto decoder = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(decoder));
    }
    if (existing_ < settings_.max_decoders && (loaded_once_ || existing_ == 0)) {
      ++existing_;
      try {
        return Lease(*this, load(lock, on_load_starting));
      } catch (const sdk::Error& e) {
        // At create this would be a bad config; now it is the instance's
        // state that stops the call, not the caller's input.
        if (e.status() == NEXUS_INVALID_ARGUMENT) throw sdk::failed_precondition(e.what());
        throw;
      }
    }
    if (!loaded_once_ && !waited_for_load) waited_for_load = failed_loads_;
    returned_.wait_for(lock, kWaitSlice);
    if (waited_for_load && !loaded_once_ && failed_loads_ != *waited_for_load && load_failure_)
      throw sdk::failed_precondition(*load_failure_);
    if (idle_.empty()) {
      lock.unlock();
      ctx.check();  // throws CANCELLED or DEADLINE_EXCEEDED
      lock.lock();
    }
  }
}

std::unique_ptr<Decoder> DecoderPool::load(std::unique_lock<std::mutex>& lock, const LoadStarting& on_load_starting) {
  // existing_ already counts this decoder. Load outside the lock: it takes
  // a while and other calls may return decoders meanwhile.
  const int number = existing_;
  lock.unlock();
  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<Decoder> decoder;
  try {
    if (on_load_starting) on_load_starting();
    decoder = std::make_unique<Decoder>(settings_);
  } catch (const std::exception& e) {
    record_failed_load(lock, e.what());
    throw;
  } catch (...) {
    record_failed_load(lock, "loading the models failed for an unknown reason");
    throw;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  host_.info("pocketsphinx instance '" + instance_name_ + "': loaded the models in " + std::to_string(ms.count()) +
             " ms (decoder " + std::to_string(number) + " of at most " + std::to_string(settings_.max_decoders) + ")");
  lock.lock();
  loaded_once_ = true;
  load_failure_.reset();
  returned_.notify_all();
  return decoder;
}

void DecoderPool::record_failed_load(std::unique_lock<std::mutex>& lock, const std::string& why) {
  host_.warn("pocketsphinx instance '" + instance_name_ + "': " + why);
  lock.lock();
  --existing_;
  ++failed_loads_;
  load_failure_ = why;
  returned_.notify_all();
}

std::optional<std::string> DecoderPool::load_failure() const {
  std::lock_guard lock(mutex_);
  return load_failure_;
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
