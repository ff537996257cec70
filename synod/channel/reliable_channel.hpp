// Reliable FIFO channel: per-peer streams with sequence numbers, cumulative + selective
// acknowledgements, retransmission with an RTT-based timeout and exponential backoff, duplicate
// suppression, in-order delivery, a bounded window with back-pressure, integrity checksums and
// sessions that expose a peer's restart. See docs/protocols/channels.md for the guarantees.
//
//   auto p = std::make_unique<ReliableChannel>(std::move(inner), ReliableOptions{});
//
// Streams. Each life of a node draws a random session id. A stream is (sender session, receiver
// session): every data frame names both, and a receiver accepts only frames addressed to its own
// session. A sender learns the receiver's session from a nack, which a receiver sends for a probe
// or for any frame addressed to another session, echoing the session that frame named. The
// sender adopts a new receiver session only from a nack echoing the session it currently believes
// in: that frame was sent after the believed life was heard from, so the nacking life is newer.
// Adopting a new session over a known one is a restart of the peer: the old stream's unacknowledged
// messages are dropped, the inner protocol hears PeerEvent::kRestarted, and a new stream starts.
//
// Rules (tags cited at the branches that carry them out; each has a mutant, channel_catalog.cpp):
//  RC1 in order: a data frame is handed to the inner protocol only when every lower seq of its
//      stream has been; frames above `next` wait in the reordering buffer (bounded by the window).
//  RC2 no duplicates: a frame below `next` or already buffered is acknowledged again, never
//      delivered again.
//  RC3 acknowledgement: an ack's cum is the highest seq delivered in order and its sack ranges
//      name only buffered frames; a sender frees a message only once it is acknowledged.
//  RC4 retransmission: when the (RTT-based, backed-off) timer fires, every unacknowledged frame
//      not selectively acknowledged is sent again; after give_up kUnreachable is reported once and
//      retransmission goes on.
//  RC5 sessions: a receiver accepts data only when it names the receiver's own session; any other
//      frame is answered with a nack naming the current session.
//  RC6 restart: a sender adopts a new receiver session only from a nack echoing the session it
//      believes in; the old stream's unacknowledged messages are dropped (reported as ch.reset and
//      PeerEvent::kRestarted) and the new stream starts at seq 1.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "synod/channel/channel_frame.hpp"
#include "synod/channel/channel_layer.hpp"
#include "synod/channel/rtt_estimator.hpp"
#include "synod/node/mutant.hpp"

namespace synod::channel {

struct ReliableOptions {
  std::size_t window = 64;                     // messages in flight (unacknowledged) per peer
  std::size_t max_buffered_bytes = 1U << 20U;  // payload bytes in flight per peer
  std::size_t max_payload = 64U << 10U;        // larger sends are rejected
  std::size_t max_sack_ranges = 16;            // ranges per ack (the lowest ones are sent)
  Duration rto_initial = std::chrono::milliseconds(200);
  Duration rto_min = std::chrono::milliseconds(20);
  Duration rto_max = std::chrono::seconds(1);
  // Without any acknowledgement for this long, kUnreachable is reported (once per outage) and
  // retransmission goes on at the backed-off timeout.
  Duration give_up = std::chrono::seconds(3);
  Mutant mutant = {};  // test-only: breaks one rule above (synod/node/mutant.hpp)
};

// Sender lives of one peer a receiver keeps stream state for; older ones are retired.
inline constexpr std::size_t kMaxSenderLives = 4;
// Selectively acknowledged frames above a hole that make the hole count as lost.
inline constexpr std::size_t kFastRetransmitThreshold = 3;
// Retired sender sessions remembered per peer; their late frames are dropped.
inline constexpr std::size_t kMaxRetiredSessions = 64;

struct ReliableStats {
  std::uint64_t sent = 0;           // messages that entered a stream
  std::uint64_t delivered = 0;      // messages handed to the inner protocol
  std::uint64_t transmissions = 0;  // data frames put on the network
  std::uint64_t retransmissions = 0;
  std::uint64_t duplicates = 0;     // data frames already received
  std::uint64_t beyond_window = 0;  // data frames too far ahead to buffer
  std::uint64_t corrupt = 0;        // failed checksum
  std::uint64_t malformed = 0;      // checksum fine, frame invalid
  std::uint64_t stale = 0;          // frames for another session, ignored
  std::uint64_t rejected = 0;       // app sends refused (not writable, too large, not a peer)
  std::uint64_t resets = 0;         // peer restarts detected
  std::uint64_t dropped_on_reset = 0;
  std::uint64_t unreachable = 0;  // kUnreachable reports
  std::uint64_t probes = 0;
  std::uint64_t nacks = 0;
};

class ReliableChannel final : public ChannelLayer {
 public:
  ReliableChannel(std::unique_ptr<Protocol> inner, ReliableOptions options);
  ~ReliableChannel() override;

  void on_start(Context& ctx) override { start(ctx, false); }
  void on_recover(Context& ctx) override { start(ctx, true); }
  void on_message(Context& ctx, NodeId from, ByteView payload) override;
  void on_peer_event(Context& ctx, NodeId peer, PeerEvent event) override;
  std::string status_json() const override;

  const ReliableStats& stats() const { return stats_; }
  std::uint64_t session() const { return session_; }
  // The session this node believes `peer` has (0 = unknown), and messages in flight to it.
  std::uint64_t peer_session(NodeId peer) const;
  std::size_t in_flight(NodeId peer) const;

 protected:
  void app_send(Context& base, NodeId to, Bytes payload) override;
  bool app_writable(NodeId to) const override;
  void on_channel_timer(Context& base, TimerTag tag) override;

 private:
  struct Outgoing;
  struct OutStream;
  struct InStream;
  struct InPeer;

  void start(Context& ctx, bool recovering);
  void reject(Context& base, NodeId to, std::int64_t reason);
  OutStream& out(NodeId peer);

  // Sending side (reliable_send.cpp).
  void enqueue(Context& base, NodeId to, OutStream& o, Bytes payload);
  void transmit(Context& base, NodeId to, const OutStream& o, const Outgoing& m);
  void send_probe(Context& base, NodeId to);
  void arm(Context& base, NodeId to, OutStream& o);
  void on_ack(Context& base, NodeId from, const ChannelFrame& f);
  bool apply_ack(Context& base, OutStream& o, const ChannelFrame& f);
  void fast_retransmit(Context& base, NodeId to, OutStream& o);
  void on_nack(Context& base, NodeId from, const ChannelFrame& f);
  void flush_pending(Context& base, NodeId to, OutStream& o);
  void maybe_writable(Context& base, NodeId to, OutStream& o);

  // Receiving side (reliable_receive.cpp).
  void on_data(Context& base, NodeId from, ChannelFrame& f);
  InStream* in_stream(NodeId from, std::uint64_t sender_session);
  void send_ack(Context& base, NodeId to, std::uint64_t sender_session, const InStream& in);
  void send_nack(Context& base, NodeId to, const ChannelFrame& f);
  void deliver(Context& base, NodeId from, std::uint64_t sender_session, std::uint64_t seq,
               ByteView payload);

  ReliableOptions options_;
  FrameLimits limits_;
  std::uint64_t session_ = 0;
  std::map<NodeId, std::unique_ptr<OutStream>> out_;  // ordered: iteration must be deterministic
  std::map<NodeId, std::unique_ptr<InPeer>> in_;
  std::uint64_t activity_ = 0;  // logical clock for least-recently-used sender lives
  ReliableStats stats_;
};

}  // namespace synod::channel
