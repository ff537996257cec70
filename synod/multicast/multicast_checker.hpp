// Checkers of B-multicast (b_multicast.hpp), judged against what the driver knows: node lives
// from start/recover/crash events, messages from the network's own send and deliver events, and
// the true time of every event.
//  MI1 integrity: every delivery names a message (sender, life, seq) that sender multicast, with
//      the payload hash it was sent with (BM4), and a delivery from another node comes right
//      after a real network delivery from that node on this protocol.
//  MI2 at most once: a receiver life delivers each message at most once (BM3).
//  MV1 validity: a sender delivers its own message before its next input (BM2).
//  MC1 message count: each multicast puts exactly n-1 messages on the network (BM1).
//  ML1 (simulator only, after healing: no loss, no partition) every message multicast at least
//      `settle` after the heal and at least `settle` before the end is delivered by every node
//      that is up at the end and whose current life began before the message was sent.
#pragma once

#include "synod/check/checker.hpp"
#include "synod/core/time.hpp"

namespace synod::multicast {

struct MulticastCheckOptions {
  // Time after healing (and before the end) within which ML1 expects delivery: the longest
  // latency a healed simulated network adds (pareto tails, bandwidth queues) with room to spare.
  Duration settle = std::chrono::seconds(1);
  Duration interval = std::chrono::milliseconds(100);  // the workload's, for the window
};

CheckerList multicast_checkers(MulticastCheckOptions options = {});

}  // namespace synod::multicast
