// What the bully and ring elections share: failure detection (heartbeats + the phi-accrual
// detector), the accepted leader and its epoch, the durable round, observations, and the rules
// that decide when a node must hold an election. The algorithms themselves (bully.hpp, ring.hpp)
// only say how an election runs.
//
// When an election starts (reconcile(), after every input once the start delay has passed):
//  - no leader yet (a node that starts or recovers begins an election: both textbooks);
//  - the detector suspects the leader ("a process that notices the coordinator failed");
//  - the leader has a lower id than this node (bully: the higher process takes over; ring: the
//    ring skipped this node while it was suspected);
//  - this node is the leader but has seen a higher epoch (its reign is stale: it re-announces).
//
// Adoption. Heartbeats and ELECTION/ANSWER messages carry the sender's (leader, epoch). A node
// adopts a view with a higher epoch whose leader has a higher id than its own and is trusted.
// This repairs what a lost COORDINATOR/ELECTED (a partition, a crashed forwarder) would leave
// behind, without changing the algorithms' messages; it never creates a new epoch.
//
// Observations: "leader" {epoch, leader} on accepting a leader (the winner too), "elected"
// {epoch} when a node declares itself, "msg" {type, to, candidate, hash} for every election message
// sent (not heartbeats; candidate: a ring ELECTION's; hash: hash64 of the encoded message),
// "storage_error" {} when the durable round cannot be read.
#pragma once

#include <cstdint>
#include <string>

#include "synod/detect/failure_detector.hpp"
#include "synod/detect/heartbeat_sender.hpp"
#include "synod/election/election_messages.hpp"
#include "synod/election/election_options.hpp"
#include "synod/election/epoch.hpp"
#include "synod/node/protocol.hpp"
#include "synod/node/timer_tag.hpp"

namespace synod::election {

// Every timer of the elections, as the kind of a TimerTag (layer 0: the protocol's own).
enum class ElectionTimer : std::uint8_t {
  kBeat = 1,         // base: heartbeat period
  kStart = 2,        // base: start_delay has passed
  kAnswer = 3,       // bully B2: no ANSWER in time
  kCoordinator = 4,  // bully B4: no COORDINATOR after an ANSWER
  kRing = 5,         // ring C6: no ELECTED in time
};

inline std::uint64_t timer_tag(ElectionTimer t) { return TimerTag::of(t).raw(); }

class ElectionBase : public Protocol {
 public:
  explicit ElectionBase(ElectionOptions options);

  void on_start(Context& ctx) final;
  void on_message(Context& ctx, NodeId from, ByteView payload) final;
  void on_timer(Context& ctx, std::uint64_t tag) final;
  std::string status_json() const final;  // {name, leader, epoch, max_round, election, detector}

  // For tests and status.
  NodeId leader() const { return leader_; }
  Epoch epoch() const { return epoch_; }
  std::uint64_t max_round() const { return max_round_; }
  const detect::FailureDetector& detector() const { return fd_; }
  std::uint64_t decode_errors() const { return decode_errors_; }

 protected:
  virtual bool in_election() const = 0;
  virtual void start_election(Context& ctx) = 0;
  virtual void handle(Context& ctx, NodeId from, const ElectionMessage& msg) = 0;
  // An algorithm's timer (kAnswer, kCoordinator, kRing) fired.
  virtual void on_election_timer(Context& ctx, ElectionTimer timer) = 0;
  // Called when adoption installs a leader: drop any election in progress.
  virtual void abandon_election(Context& ctx) = 0;
  // The algorithm's state for status_json ("idle", "participant", ...).
  virtual std::string algorithm_status() const = 0;
  // The detector began suspecting `peer` (after the base's own reaction).
  virtual void on_suspect(Context& ctx, NodeId peer) {
    (void)ctx;
    (void)peer;
  }

  // Declares this node leader of a fresh epoch (round persisted and synced first); false if the
  // round could not be made durable (the caller abandons this attempt; reconcile retries).
  bool declare(Context& ctx);
  // Accepts `leader` of `epoch` if it is newer than the current one; false if stale.
  bool accept(Context& ctx, NodeId leader, Epoch epoch);
  // Sends `type` to `to` with this node's view filled in; counts it ("msg") unless a heartbeat.
  void send(Context& ctx, NodeId to, MsgType type, NodeId leader = kNoNode, Epoch epoch = 0,
            NodeId candidate = kNoNode);
  bool suspected(NodeId peer) const { return fd_.suspected(peer); }
  // This node leads an epoch older than one it has seen in a message (someone declared after it,
  // or in the same round with a higher id): its followers may be following that one instead.
  bool stale() const { return max_epoch_seen_ > epoch_; }
  const ElectionOptions& options() const { return options_; }
  // The rule this instance breaks on purpose (test only: ElectionOptions::mutant).
  const Mutant& mutant() const { return options_.mutant; }
  // Mutant B5 only: records `leader` of `epoch` without asking whether the epoch is newer.
  void record_leader_unchecked(Context& ctx, NodeId leader, Epoch epoch);

 private:
  void learn(const ElectionMessage& msg);
  void maybe_adopt(Context& ctx, NodeId leader, Epoch epoch);
  void reconcile(Context& ctx);
  bool needs_election(NodeId self) const;
  void tick(Context& ctx);
  void poll_detector(Context& ctx);

  ElectionOptions options_;
  detect::FailureDetector fd_;
  detect::HeartbeatSender beats_;
  bool running_ = false;  // false until storage was read (and forever if it is corrupt)
  bool booted_ = false;   // the start delay has passed
  NodeId leader_ = kNoNode;
  Epoch epoch_ = 0;
  std::uint64_t max_round_ = 0;
  Epoch max_epoch_seen_ = 0;  // the highest epoch any message named (rule 4 of reconcile)
  std::uint64_t decode_errors_ = 0;
  Time now_;
};

}  // namespace synod::election
