// http/drain.cpp — see drain.hpp.
#include "http/drain.hpp"

#include <algorithm>

namespace nexus::host::http {

Drain::Ticket Drain::enter(const Pistache::Tcp::Peer* peer) {
  std::lock_guard lock(mutex_);
  ++in_flight_;  // a 503 is written too; stop() waits for that as well
  if (!draining_) return Ticket(*this, true);
  const auto it = std::find_if(busy_.begin(), busy_.end(), [&](const auto& w) {
    const auto p = w.lock();
    return p && p.get() == peer;
  });
  if (it == busy_.end() || peer == nullptr) return Ticket(*this, false);
  busy_.erase(it);  // its one request that had started is now being served
  return Ticket(*this, true);
}

std::shared_ptr<void> Drain::hold_write() {
  {
    std::lock_guard lock(mutex_);
    ++in_flight_;
  }
  return std::shared_ptr<void>(nullptr, [this](void*) { leave(); });
}

void Drain::leave() {
  std::lock_guard lock(mutex_);
  --in_flight_;
  idle_.notify_all();
}

void Drain::begin(const std::vector<std::shared_ptr<Pistache::Tcp::Peer>>& busy_peers) {
  std::lock_guard lock(mutex_);
  draining_ = true;
  for (const auto& p : busy_peers) busy_.push_back(p);
}

bool Drain::wait_idle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  while (true) {
    // A busy peer that disconnected will never send its request.
    std::erase_if(busy_, [](const auto& w) { return w.expired(); });
    if (in_flight_ == 0 && busy_.empty()) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    // Poll as well: a peer going away does not notify us.
    idle_.wait_until(lock, std::min(deadline, now + std::chrono::milliseconds(50)));
  }
}

bool Drain::draining() const {
  std::lock_guard lock(mutex_);
  return draining_;
}

}  // namespace nexus::host::http
