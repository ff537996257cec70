// Central coordinator (REQUEST / GRANT / RELEASE with a FIFO queue).
//
// Rules (the seed's "Central Coordination"; tags cited at the branches, mutants in the catalog):
//  CC1 request: a process wanting the lock sends one REQUEST to the coordinator (the coordinator
//      queues its own request locally);
//  CC2 grant: the coordinator GRANTs only while nobody holds the lock, else it queues the request;
//  CC3 release: on RELEASE from the holder the coordinator frees the lock and grants to the head
//      of the queue;
//  CC4 fencing: tokens are (epoch, counter): a coordinator's epoch is larger than every epoch
//      promised before, so tokens never repeat or go back across coordinators.
// 3 messages per entry (REQUEST, GRANT, RELEASE; 0 for the coordinator's own entries), checked
// by the "mutex-messages" checker over failure-free phases.
//
// Coordinator choice and recovery: the coordinator is the lowest-id node this node does not
// suspect (LockHost::lowest_live). A node that finds itself lowest and not leading starts an
// epoch: it persists a new epoch number (larger than any it knows), sends STATE_QUERY{epoch} to
// every peer it does not suspect and rebuilds the queue from the STATE answers (who waits, who
// holds and with which token). A peer promises the epoch only if it is larger than every epoch it
// promised before (persisted), so two rounds can never both complete with the same epoch. Grants
// from an older epoch are ignored. Fencing tokens are (epoch, counter) with the counter
// persisted before each grant, so tokens never go backwards across coordinators.
// A holder or waiter that restarts (PeerEvent::kRestarted) or is suspected is dropped from the
// queue / the holder slot.
#pragma once

#include <deque>
#include <set>

#include "synod/mutex/lock_algorithm.hpp"

namespace synod::mutex {

class Central final : public LockAlgorithm {
 public:
  explicit Central(std::uint64_t retry_ticks) : retry_ticks_(retry_ticks) {}
  std::string_view name() const override { return "central"; }
  void start(LockHost& h) override;
  void request(LockHost& h) override;
  void release(LockHost& h) override;
  void on_message(LockHost& h, NodeId from, const MutexMsg& m) override;
  void on_suspect(LockHost& h, NodeId peer) override;
  void on_trust(LockHost& h, NodeId peer) override;
  void on_restarted(LockHost& h, NodeId peer) override;
  void on_tick(LockHost& h) override;
  void fill_heartbeat(MutexMsg& hb) const override;
  void on_heartbeat(LockHost& h, NodeId from, const MutexMsg& hb) override;
  NodeId holder_hint() const override { return leading_ ? holder_ : kNoNode; }
  nlohmann::json status() const override;

  std::uint64_t epoch() const { return epoch_; }
  NodeId coordinator() const { return coordinator_; }
  bool leading() const { return leading_; }

 private:
  // Client side.
  void on_grant(LockHost& h, NodeId from, const MutexMsg& m);
  void on_state_query(LockHost& h, NodeId from, const MutexMsg& m);
  bool promise(LockHost& h, std::uint64_t epoch, NodeId coordinator);
  // Coordinator side.
  void maybe_lead(LockHost& h);
  void begin_round(LockHost& h);
  void on_state(LockHost& h, NodeId from, const MutexMsg& m);
  void finish_round(LockHost& h);
  void enqueue(NodeId n);
  void forget(LockHost& h, NodeId peer);
  void grant_next(LockHost& h);

  std::uint64_t retry_ticks_;
  std::uint64_t ticks_ = 0;
  std::uint64_t epoch_ = 0;  // highest epoch promised (durable)
  NodeId coordinator_ = kNoNode;
  std::uint64_t my_token_ = 0;
  // Coordinator state (valid while leading_).
  bool leading_ = false;
  std::deque<NodeId> queue_;
  NodeId holder_ = kNoNode;
  std::uint64_t counter_ = 0;
  // Rebuild round.
  bool collecting_ = false;
  std::set<NodeId> awaiting_;
  std::set<NodeId> waiters_;
};

}  // namespace synod::mutex
