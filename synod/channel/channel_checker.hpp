// Properties of the channels, judged against ground truth: what the APPLICATION (the stream
// workload, stream_workload.hpp) sent and what it really received, hashed by itself from the bytes
// it got, and what the driver knows the network did (kSend / kDeliver / kDrop events, the real
// node lives from kStart / kRecover / kCrash, the heal). The channel's own ch.deliver is never
// believed: a channel that lies about what it delivered is judged by what the application got.
// Run in the simulator on every event and by `synod check` on real traces (the runtime records
// the same network events).
//
// Ground truth the checkers use:
//  - a stream is (sender node, sender workload life, receiver node, receiver node life); the
//    sender life is the random number the workload puts in every payload (a sent message also
//    remembers the real lives of both ends, counted from kStart/kRecover/kCrash events);
//  - an input is everything a node does between two driver inputs of that node (kDeliver,
//    kTimer, kStart, kRecover, kCrash): a message reaches the application only inside a kDeliver
//    input whose network sender is the node the message names;
//  - best-effort: the frame an app send put on the network is the kSend of that input (its
//    msg_id); the same msg_id on a kDeliver is that frame arriving, intact unless the driver
//    reported corrupting it (kFault "corrupt").
//
// Reliable channel (checker "reliable-channel"):
//  R1 FIFO, no loss, no duplicates: within a stream the application receives seq n+1 right after
//     n; no message is received twice, by any life.
//  R2 integrity and attribution: every message the application receives is byte for byte (hash)
//     one that the named sender's application sent to this node, received while the network was
//     delivering a frame from that sender.
//  R3 honest resets: a sender abandons a stream (ch.reset) only when the receiver life it names
//     has really ended (kCrash), and only for a session the peer really had.
//  R4 delivery (simulator, at quiescence): a message whose sender and receiver are still in the
//     lives they had when it was sent, sent `grace` or more before the end, is received if its
//     stream was established (an earlier message of it was received) or it was sent `settle` or
//     more after the heal and after both lives began.
// Best-effort channel (checker "best-effort-channel"):
//  B1 integrity and attribution: every message the application receives is the one the frame the
//     network is delivering carried (same sender, life, seq and bytes).
//  B2 no silent loss: a frame the network delivered intact reaches the application in that input
//     (a loss-free network loses nothing).
//  B3 one frame per message: each app send puts exactly one frame on the network, in the same
//     input; the channel sends no other frames (no acks, no retries).
#pragma once

#include "synod/channel/reliable_channel.hpp"
#include "synod/check/checker.hpp"
#include "synod/core/time.hpp"

namespace synod::channel {

struct ReliableCheckerOptions {
  // Messages sent in the last `grace` of a run may still be in flight at its end.
  Duration grace = std::chrono::milliseconds(2000);
  // After the heal (or a restart) a sender may still address a receiver's old life until its next
  // retransmission is nacked; messages sent in that time may be dropped by the reset.
  Duration settle = std::chrono::milliseconds(2500);

  // Derived from the channel's timeouts: a retransmission comes within rto_max, its nack within
  // another; the margin covers latency and clock drift.
  static ReliableCheckerOptions from(const ReliableOptions& o);
  // How long after healing R4 needs to judge at least one message of every stream.
  Duration liveness_window() const { return settle + grace + std::chrono::milliseconds(500); }
};

CheckerList reliable_channel_checkers(ReliableCheckerOptions options = {});
CheckerList best_effort_channel_checkers();

}  // namespace synod::channel
