// What the driver knows to be true about an election run, for the checkers that judge the
// algorithms (election_checker.hpp: W1, D1, M1, M2) instead of trusting what they say: node
// lives (kStart/kRecover/kCrash), pauses, fault events, and what the network really did with
// every frame (kSend/kDeliver/kDrop, matched by msg_id). Events carry no payloads, so messages
// are tied to frames through the reliable channel under the election (a layer the election does
// not control): the election's "msg" claim {type, to, hash} names the message; the channel's
// "ch.send" with that hash is the moment it enters the stream, and the kSend that follows in the
// same input is its first frame on the network: that frame is what the message counts count.
// "ch.deliver" of the same stream position is the message reaching the receiver's election.
//
// "Trusted": a receiver's phi-accrual detector cannot suspect a sender whose message it got less
// than `trust_gap` ago, where trust_gap = acceptable_pause + 3 min_std_dev (phi < 8 there
// whatever the mean); a fresh life of the receiver trusts everyone. The checkers use these facts
// only as excuses (a judgement is skipped and counted when any of them fails), never as
// accusations.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "synod/check/event.hpp"
#include "synod/core/time.hpp"
#include "synod/election/election_messages.hpp"

namespace synod::election {

inline constexpr std::int64_t kNever = INT64_MIN / 4;  // "no such event yet" (far in the past)
// Claimed messages older than this that never entered a stream were dropped by the channel.
inline constexpr std::int64_t kHorizon = 10'000'000'000;

class GroundTruth {
 public:
  // `trust_gap`: see above; `slow`: a message whose delivery took longer counts as slow.
  GroundTruth(Duration trust_gap, Duration slow)
      : trust_gap_(trust_gap.count()), slow_(slow.count()) {}

  // An election message the network really carried (a kSend matched with its "msg" claim).
  struct Sent {
    std::int64_t t_ns;
    NodeId from;
    NodeId to;
    MsgType type;
    NodeId candidate;  // ring ELECTION only
  };

  // Feeds one event; returns the election message this kSend carried, if it was one.
  std::optional<Sent> on_event(const Event& e);

  bool is_election_protocol(ProtocolId p) const;
  std::int64_t now() const { return now_; }
  const std::set<NodeId>& nodes() const { return nodes_; }
  bool up(NodeId n) const;
  // The start of the node's current life (after now() when it is down).
  std::int64_t life_start(NodeId n) const;
  std::uint32_t life(NodeId n) const;
  bool storage_error(NodeId n) const { return storage_error_.contains(n); }
  // The last fault event (kFault), pause or resume, and crash/recovery of any node after boot.
  std::int64_t last_fault() const { return last_fault_; }
  std::int64_t last_pause() const { return last_pause_; }
  std::int64_t last_life_change() const { return last_life_change_; }
  std::int64_t last_heal() const { return last_heal_; }
  // Any disturbance at all: a fault, pause, crash, recovery, drop, refused send, slow message, or
  // an election message sent to a node that was down (not yet started, or crashed).
  std::int64_t last_disturbance() const;
  // Between a and b (either direction): the last drop (not "receiver down": lives say that),
  // the last slow delivery (a frame, or an election message from its send by the election to
  // its delivery by the channel), the last send a channel refused (ch.reject by a or b).
  std::int64_t last_trouble(NodeId a, NodeId b) const;
  std::int64_t last_drop_involving(NodeId n) const;
  std::int64_t last_reject() const { return last_reject_any_; }
  // A frame or an election message between a and b still undelivered at now() and sent more
  // than `slow` ago.
  bool overdue(NodeId a, NodeId b) const;
  bool any_overdue() const;
  // `to` heard from `from` at least every trust_gap throughout [lo, now()].
  bool trusted_throughout(NodeId from, NodeId to, std::int64_t lo) const;
  // Every pair of up nodes trusted each other throughout [lo, now()].
  bool all_trusted_throughout(std::int64_t lo) const;
  // The event sequence number of the last election message delivered to `n`.
  std::uint64_t last_election_delivery_seq(NodeId n) const;

 private:
  struct Life {
    bool up = false;
    bool paused = false;
    std::uint32_t life = 0;
    std::int64_t start = kNever;
  };
  struct Flight {
    std::int64_t t_ns;
    NodeId from;
    NodeId to;
    bool election;
  };
  struct Claim {
    std::int64_t t_ns;  // when the election sent it
    NodeId to;
    MsgType type;
    NodeId candidate;
    std::int64_t hash;
  };
  using Frame = std::tuple<NodeId, std::int64_t, std::int64_t, std::int64_t>;  // from, ss, ds, seq
  std::optional<Sent> on_observe(const Event& e);
  void forget_messages_to(NodeId n);
  struct Heard {
    std::int64_t last = kNever;     // last delivery (or the receiver's life start)
    std::int64_t gap_end = kNever;  // the last delivery that ended a gap longer than trust_gap
  };
  using Pair = std::pair<NodeId, NodeId>;  // (lower, higher) for undirected facts
  static Pair undirected(NodeId a, NodeId b) { return a < b ? Pair{a, b} : Pair{b, a}; }
  std::int64_t get(const std::map<Pair, std::int64_t>& m, NodeId a, NodeId b) const;

  std::int64_t trust_gap_;
  std::int64_t slow_;
  std::int64_t now_ = 0;
  std::set<NodeId> nodes_;
  std::map<NodeId, Life> lives_;
  std::set<NodeId> storage_error_;  // in the current life
  std::int64_t last_fault_ = kNever;
  std::int64_t last_pause_ = kNever;
  std::int64_t last_life_change_ = kNever;
  std::int64_t last_heal_ = kNever;
  std::int64_t last_drop_any_ = kNever;
  std::int64_t last_slow_any_ = kNever;
  std::int64_t last_reject_any_ = kNever;
  std::int64_t last_lost_election_ = kNever;  // an election message to a node that was down
  std::map<Pair, std::int64_t> drops_;
  std::map<Pair, std::int64_t> slow_deliveries_;
  std::map<NodeId, std::int64_t> rejects_;
  std::map<NodeId, std::int64_t> drops_by_node_;
  std::map<std::uint64_t, Flight> in_flight_;    // msg_id -> send
  std::map<NodeId, std::vector<Claim>> claims_;  // claimed, not yet in the stream
  std::map<NodeId, Sent> entering_;              // entered the stream; its frame comes next
  struct Carried {
    std::int64_t claimed_ns;
    NodeId to;
  };
  std::map<Frame, Carried> election_frames_;  // in a stream, not yet delivered
  std::map<Pair, Heard> heard_;               // (from, to), directed
  std::map<NodeId, std::uint64_t> election_delivered_seq_;
};

}  // namespace synod::election
