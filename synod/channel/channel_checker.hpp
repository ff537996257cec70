// Properties of the channels, checked on every simulated event (and on real traces) from the
// observations in channel_observations.hpp. A stream is (protocol, sender node, sender session,
// receiver node, receiver session); sessions stand for node lives.
//
// Reliable channel:
//  R1 FIFO, no loss, no duplicates: every delivery on a stream is the next message sent on it
//     (seq = delivered + 1), from a live sender life to the receiver life the stream names.
//  R2 integrity: the delivered payload hash is the one sent with that seq.
//  R3 honest resets: a sender abandons a stream (ch.reset) only when the receiver life it named
//     has ended, and only for a session the peer really had.
//  R4 delivery (simulator, at quiescence): every message sent on a stream whose two ends are still
//     in the same life, earlier than `grace` before the end, was delivered.
// Best-effort channel:
//  B1 integrity: every delivery matches a message sent by that sender life to this receiver, with
//     the same payload hash. Duplicates and losses are allowed (the network's own behaviour).
#pragma once

#include "synod/check/checker.hpp"
#include "synod/core/time.hpp"

namespace synod::channel {

struct ReliableCheckerOptions {
  // Messages sent in the last `grace` of a run may still be in flight at its end. Must be below
  // the run's stabilisation time minus the channel's rto_max.
  Duration grace = std::chrono::seconds(3);
};

CheckerList reliable_channel_checkers(ReliableCheckerOptions options = {});
CheckerList best_effort_channel_checkers();

}  // namespace synod::channel
