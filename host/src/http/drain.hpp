// http/drain.hpp — counting requests in flight, and letting the ones that
// had started when stop() was called finish.
//
// "Started" includes a request whose body is still arriving (a big PUT):
// pistache calls the handler only once the whole request is buffered, so
// counting handlers alone would cut such uploads off. begin() is therefore
// given the connections that had a partial request at that moment; each of
// them gets one more request served. Every other request that arrives
// while draining is answered 503 with Connection: close.
#pragma once

#include <pistache/peer.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace nexus::host::http {

class Drain {
 public:
  // One request in the handler. Counts it until destroyed.
  class Ticket {
   public:
    Ticket(Drain& drain, bool admitted) : drain_(&drain), admitted_(admitted) {}
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket() { drain_->leave(); }
    // False: the server is draining and this request must get a 503.
    bool admitted() const noexcept { return admitted_; }

   private:
    Drain* drain_;
    bool admitted_;
  };

  // [handler threads] `peer` identifies the connection (may be null).
  Ticket enter(const Pistache::Tcp::Peer* peer);

  // [handler threads] Counts a response being written until the returned
  // token is released (pistache writes asynchronously: the handler returns
  // before the bytes are on the socket, and shutting down in between would
  // drop them).
  std::shared_ptr<void> hold_write();

  // [stop() thread] Switches to draining; `busy_peers` had a request
  // partly received.
  void begin(const std::vector<std::shared_ptr<Pistache::Tcp::Peer>>& busy_peers);
  // [stop() thread] Waits until no handler runs and every busy peer has
  // been served or has gone; false when `deadline` came first.
  bool wait_idle(std::chrono::steady_clock::time_point deadline);

  bool draining() const;

 private:
  void leave();

  mutable std::mutex mutex_;
  std::condition_variable idle_;
  int in_flight_ = 0;
  bool draining_ = false;
  std::vector<std::weak_ptr<Pistache::Tcp::Peer>> busy_;
};

}  // namespace nexus::host::http
