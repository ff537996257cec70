// The lock service's failure detector: a fixed silence timeout, with the same shape as
// synod/detect's phi-accrual detector (record_heartbeat(peer, now) / poll(now) -> transitions).
// It was meant to be swapped for that one and was not: the lock service needs two things the
// phi detector does not do, time counted in the host's ticks (below) and adopting the
// suspicions peers report; the swap waits until synod/detect offers both.
//
// It suspects a peer silent for `suspect_after` and trusts it again on the next message. It also
// adopts the suspicions its peers report on their heartbeats, for peers it has not heard from
// for `quiet` (or ever, in this life): otherwise a node that restarted, or was clogged, after a
// peer died would wait a whole `suspect_after` of its own before bypassing the dead peer (and
// would keep handing it the token meanwhile). Time is
// the host's tick count times the tick length, not Context::now(): timers run on elapsed time, so a
// clock step (docs/faults.md `step`) can neither fake nor hide silence.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "synod/core/time.hpp"
#include "synod/core/types.hpp"

namespace synod::mutex {

struct Transition {
  NodeId peer = kNoNode;
  bool suspect = false;  // false: trust again
};

class SilenceDetector {
 public:
  explicit SilenceDetector(Duration suspect_after) : suspect_after_(suspect_after) {}

  void reset(std::span<const NodeId> peers, Duration now);
  void record_heartbeat(NodeId peer, Duration now);
  // Transitions since the last poll, in peer order.
  std::vector<Transition> poll(Duration now);
  bool suspected(NodeId peer) const;
  // Adopts a peer's report that `peer` is suspected, if this life has not heard from it for
  // `quiet`. True if that is a new suspicion (report it like a poll transition).
  bool adopt(NodeId peer, Duration now, Duration quiet);
  std::vector<NodeId> suspects() const;
  // Heard from at least once since reset() (a fresh life knows nothing about its peers).
  bool heard(NodeId peer) const;
  Duration suspect_after() const { return suspect_after_; }

 private:
  struct Peer {
    Duration last_heard{0};
    bool suspected = false;
    bool heard = false;
    bool heard_since_suspect = false;
  };
  Duration suspect_after_;
  std::map<NodeId, Peer> peers_;  // ordered: transitions come out deterministically
};

}  // namespace synod::mutex
