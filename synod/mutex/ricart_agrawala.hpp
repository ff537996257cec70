// Ricart-Agrawala: mutual exclusion by timestamped requests and deferred replies.
//
// The textbook rules (the seed's "Ricart-Agrawala"; Coulouris et al. 15.2), with state RELEASED /
// REQUESTED / HELD taken from the lock service (idle / waiting / holding); tags cited at the
// branches, mutants in the catalog:
//  RA1 clock: T := Lamport clock, advanced past every timestamp received (requests, replies,
//      heartbeats), so a new request is stamped above every request granted before it;
//      state := REQUESTED; multicast <T, i> to all other processes
//  RA2 on receipt of <Tj, j> at i: if state = HELD or (state = REQUESTED and (T, i) < (Tj, j))
//      then queue the request without replying, else reply at once
//  RA3 on exit: state := RELEASED; reply to every queued request
//  RA4 enter (state := HELD) only when the N-1 replies (to this request: they echo T) are in
// 2(N-1) messages per entry (checked by "mutex-messages" over failure-free phases); requests are
// granted in (T, i) order, so (T, i) itself is the fencing token (T in the high bits, the node id
// in the low 20).
//
// The "special recovery measures" (a crashed process never replies):
//  - a peer the failure detector suspects is removed from the set of replies awaited;
//  - a peer that restarted (PeerEvent::kRestarted) lost our request with its old life: the request
//    is sent again, unchanged, to the new life, which replies under the same rules;
//  - a peer written off (suspected, so no longer awaited) that turns out to be alive again (it is
//    trusted, restarted, or sends us a request) and has not replied is awaited again and gets our
//    request: its new life may hold an earlier (T, i) and must be able to defer us;
//  - replies echo the T they answer, so a reply meant for an earlier request (or an earlier life
//    of the requester) is ignored;
//  - the Lamport clock is persisted (synced) before any request or reply leaves, heartbeats carry
//    it, and a fresh life sends its first request only after it heard the clock of every peer it
//    does not suspect: every live process has seen (and persisted) the T of every request granted
//    so far, so a new request is stamped above them all and token order survives restarts.
#pragma once

#include <set>
#include <utility>
#include <vector>

#include "synod/mutex/lock_algorithm.hpp"

namespace synod::mutex {

inline constexpr unsigned kRaIdBits = 20;

inline std::uint64_t ra_key(std::uint64_t ts, NodeId id) { return (ts << kRaIdBits) | id; }

class RicartAgrawala : public LockAlgorithm {
 public:
  explicit RicartAgrawala(std::uint64_t retry_ticks) : retry_ticks_(retry_ticks) {}
  std::string_view name() const override { return "ricart-agrawala"; }
  void start(LockHost& h) override;
  void request(LockHost& h) override;
  void release(LockHost& h) override;
  void on_message(LockHost& h, NodeId from, const MutexMsg& m) override;
  void on_suspect(LockHost& h, NodeId peer) override;
  void on_restarted(LockHost& h, NodeId peer) override;
  void on_trust(LockHost& h, NodeId peer) override { rejoin(h, peer); }
  void on_tick(LockHost& h) override;
  void fill_heartbeat(MutexMsg& hb) const override { hb.clock = clock_; }
  void on_heartbeat(LockHost& h, NodeId from, const MutexMsg& hb) override;
  std::uint64_t request_key() const override { return my_key_; }
  nlohmann::json status() const override;

  std::uint64_t clock() const { return clock_; }

 protected:
  // The textbook's rule for an incoming request: defer it? (Virtual only so that the negative
  // control in the tests can break it.)
  virtual bool defer(const LockHost& h, std::uint64_t their_key) const;

 private:
  void on_request(LockHost& h, NodeId from, const MutexMsg& m);
  void on_reply(LockHost& h, NodeId from, const MutexMsg& m);
  void reply(LockHost& h, NodeId to, std::uint64_t ts);
  bool tick_clock(LockHost& h, std::uint64_t seen);
  void maybe_enter(LockHost& h);
  void rejoin(LockHost& h, NodeId peer);
  bool caught_up(LockHost& h) const;
  void send_request(LockHost& h);

  std::uint64_t retry_ticks_;
  std::uint64_t ticks_ = 0;
  std::uint64_t clock_ = 0;
  std::uint64_t ceiling_ = 0;  // durable: no timestamp above it was used before a crash
  static constexpr std::uint64_t kClockBlock = 1024;  // Lamport clock (durable)
  std::uint64_t my_ts_ = 0;                           // T of the outstanding request
  std::uint64_t my_key_ = 0;
  std::set<NodeId> awaiting_;    // replies still needed
  std::set<NodeId> replied_;     // replies received
  std::set<NodeId> clock_from_;  // peers whose clock this life has heard (heartbeat)
  bool deferred_start_ = false;  // request() came before this life caught up
  std::vector<std::pair<NodeId, std::uint64_t>> deferred_;  // (peer, T) queued requests
};

}  // namespace synod::mutex
