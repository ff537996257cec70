// Per-peer state of ReliableChannel (private to reliable_*.cpp).
#pragma once

#include <cstdint>
#include <deque>
#include <map>

#include "synod/channel/reliable_channel.hpp"

namespace synod::channel {

struct ReliableChannel::Outgoing {
  std::uint64_t seq = 0;
  Bytes payload;
  Time first_sent;
  bool retransmitted = false;       // Karn: no RTT sample from its acknowledgement
  bool sacked = false;              // the receiver holds it; do not retransmit
  bool fast_retransmitted = false;  // resent once on SACK evidence; later only on timeouts
};

// This node -> one peer: the current stream (session_ -> peer_session).
struct ReliableChannel::OutStream {
  OutStream(const ReliableOptions& o) : rtt(o.rto_initial, o.rto_min, o.rto_max) {}

  std::uint64_t peer_session = 0;  // 0: unknown, probing; app sends wait in `pending`
  std::uint64_t next_seq = 1;
  std::deque<Outgoing> unacked;  // ascending, contiguous seqs from unacked.front().seq
  std::deque<Bytes> pending;     // sent by the app before the peer's session was known
  std::size_t bytes = 0;         // payload bytes of unacked + pending
  RttEstimator rtt;
  TimerId timer = 0;   // 0: not armed
  Time waiting_since;  // when the oldest unanswered transmission started waiting
  bool unreachable_reported = false;
  bool was_full = false;  // owes the app a kWritable

  std::size_t count() const { return unacked.size() + pending.size(); }
  bool idle() const { return unacked.empty() && pending.empty(); }
};

// One sender life -> this node.
struct ReliableChannel::InStream {
  std::uint64_t next = 1;                       // next seq to deliver
  std::map<std::uint64_t, Bytes> out_of_order;  // received above `next`, bounded by the window
  std::uint64_t last_active = 0;                // for least-recently-used eviction
};

struct ReliableChannel::InPeer {
  std::map<std::uint64_t, InStream> streams;  // by sender session, at most kMaxSenderLives
  std::deque<std::uint64_t> retired;          // at most kMaxRetiredSessions
};

}  // namespace synod::channel
