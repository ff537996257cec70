// ReliableChannel, sending side: streams to peers, retransmission, acks and nacks received.
#include <optional>

#include "synod/channel/channel_observations.hpp"
#include "synod/channel/reliable_channel.hpp"
#include "synod/channel/reliable_state.hpp"
#include "synod/core/hash.hpp"

namespace synod::channel {

void ReliableChannel::enqueue(Context& base, NodeId to, OutStream& o, Bytes payload) {
  const bool was_idle = o.idle();
  o.bytes += payload.size();
  if (o.peer_session == 0) {
    // No stream yet: the message waits (counted against the window) until a probe's nack names
    // the peer's session. Its "ch.send" is observed when it enters the stream.
    o.pending.push_back(std::move(payload));
    if (was_idle) {
      o.waiting_since = base.now();
      send_probe(base, to);
      arm(base, to, o);
    }
    return;
  }
  Outgoing& m = o.unacked.emplace_back(Outgoing{o.next_seq++, std::move(payload), base.now()});
  ++stats_.sent;
  base.observe(kObsSend, {{"peer", to},
                          {"seq", as_field(m.seq)},
                          {"ss", as_field(session_)},
                          {"ds", as_field(o.peer_session)},
                          {"hash", as_field(hash64(m.payload))}});
  transmit(base, to, o, m);
  if (was_idle || o.timer == 0) {
    o.waiting_since = base.now();
    arm(base, to, o);
  }
}

void ReliableChannel::transmit(Context& base, NodeId to, const OutStream& o, const Outgoing& m) {
  ChannelFrame f;
  f.kind = static_cast<std::uint32_t>(FrameKind::kData);
  f.src = session_;
  f.dst = o.peer_session;
  f.seq = m.seq;
  f.payload = m.payload;
  ++stats_.transmissions;
  base.send(to, seal(f));
}

void ReliableChannel::send_probe(Context& base, NodeId to) {
  ChannelFrame f;
  f.kind = static_cast<std::uint32_t>(FrameKind::kProbe);
  f.src = session_;
  ++stats_.probes;
  base.send(to, seal(f));
}

namespace {
enum class Timer : std::uint8_t { kRetransmit = 1 };  // value: the peer
}  // namespace

void ReliableChannel::arm(Context& base, NodeId to, OutStream& o) {
  if (o.timer != 0) base.cancel_timer(o.timer);
  o.timer = set_channel_timer(base, o.rtt.current(), Timer::kRetransmit, to);
}

void ReliableChannel::on_channel_timer(Context& base, TimerTag tag) {
  if (tag.kind<Timer>() != Timer::kRetransmit) return;
  const auto to = static_cast<NodeId>(tag.value());
  auto it = out_.find(to);
  if (it == out_.end()) return;
  OutStream& o = *it->second;
  o.timer = 0;
  if (o.idle()) return;
  o.rtt.back_off();
  if (o.peer_session == 0) {
    send_probe(base, to);
  } else if (!options_.mutant.breaks("RC4")) {
    for (Outgoing& m : o.unacked) {  // RC4: resend what the receiver has not acknowledged
      if (m.sacked) continue;
      m.retransmitted = true;
      ++stats_.retransmissions;
      transmit(base, to, o, m);
    }
  }
  arm(base, to, o);
  // Keep trying after giving up: a partition may heal, and dropping messages to a peer that is
  // merely slow would break FIFO for the messages after them.
  if (!o.unreachable_reported && base.now() - o.waiting_since >= options_.give_up) {
    o.unreachable_reported = true;
    ++stats_.unreachable;
    base.observe(kObsUnreachable, {{"peer", to}});
    inner_peer_event(base, to, PeerEvent::kUnreachable);
  }
}

namespace {

// An ack must describe seqs this stream sent: cum below next_seq, ranges ascending above cum.
bool valid_ack(const ChannelFrame& f, std::uint64_t next_seq) {
  if (f.cum >= next_seq || f.sack.size() % 2 != 0) return false;
  std::uint64_t floor = f.cum;
  for (std::size_t i = 0; i < f.sack.size(); i += 2) {
    const std::uint64_t lo = f.sack[i];
    const std::uint64_t hi = f.sack[i + 1];
    if (lo <= floor + 1 || hi < lo || hi >= next_seq) return false;
    floor = hi;
  }
  return true;
}

}  // namespace

void ReliableChannel::on_ack(Context& base, NodeId from, const ChannelFrame& f) {
  auto it = out_.find(from);
  if (f.dst != session_ || it == out_.end() || it->second->peer_session == 0 ||
      f.src != it->second->peer_session) {
    ++stats_.stale;  // for an earlier life of ours, or from a life of the peer we left behind
    return;
  }
  OutStream& o = *it->second;
  if (!valid_ack(f, o.next_seq)) {
    ++stats_.malformed;
    return;
  }
  // Only the cumulative point moving restarts the timer: selective acks of later frames must not
  // postpone the retransmission of the hole below them forever.
  if (apply_ack(base, o, f)) {
    o.rtt.progress();
    o.waiting_since = base.now();
    o.unreachable_reported = false;
    if (o.idle()) {
      base.cancel_timer(o.timer);
      o.timer = 0;
    } else {
      arm(base, from, o);
    }
  }
  fast_retransmit(base, from, o);
  maybe_writable(base, from, o);
}

bool ReliableChannel::apply_ack(Context& base, OutStream& o, const ChannelFrame& f) {
  bool advanced = false;
  // RTT from the newest frame this ack acknowledges for the first time, if it was sent only once
  // (Karn): that frame's arrival is most likely what triggered the ack.
  std::optional<Duration> sample;
  while (!o.unacked.empty() && o.unacked.front().seq <= f.cum) {  // RC3: free only what is acked
    const Outgoing& m = o.unacked.front();
    if (!m.retransmitted && !m.sacked) sample = base.now() - m.first_sent;
    o.bytes -= m.payload.size();
    o.unacked.pop_front();
    advanced = true;
  }
  for (std::size_t i = 0; i < f.sack.size() && !o.unacked.empty(); i += 2) {
    const std::uint64_t base_seq = o.unacked.front().seq;
    for (std::uint64_t s = std::max(f.sack[i], base_seq); s <= f.sack[i + 1]; ++s) {
      Outgoing& m = o.unacked[s - base_seq];
      if (!m.sacked && !m.retransmitted) sample = base.now() - m.first_sent;
      m.sacked = true;
    }
  }
  if (sample) o.rtt.sample(*sample);
  return advanced;
}

void ReliableChannel::fast_retransmit(Context& base, NodeId to, OutStream& o) {
  // A frame with kFastRetransmitThreshold selectively acknowledged frames above it was most
  // likely lost (TCP's duplicate-ack threshold, read from the SACK scoreboard): resend it once
  // now instead of waiting for the timeout.
  std::size_t sacked_above = 0;
  for (auto it = o.unacked.rbegin(); it != o.unacked.rend(); ++it) {
    if (it->sacked) {
      ++sacked_above;
    } else if (sacked_above >= kFastRetransmitThreshold && !it->fast_retransmitted) {
      it->fast_retransmitted = true;
      it->retransmitted = true;
      ++stats_.retransmissions;
      transmit(base, to, o, *it);
    }
  }
}

void ReliableChannel::on_nack(Context& base, NodeId from, const ChannelFrame& f) {
  auto it = out_.find(from);
  // RC6: only a nack echoing the session we believe in proves a newer life (see the header).
  if (f.dst != session_ || it == out_.end() || f.echo != it->second->peer_session ||
      f.src == it->second->peer_session) {
    ++stats_.stale;
    return;
  }
  OutStream& o = *it->second;
  const std::uint64_t old = o.peer_session;
  o.peer_session = f.src;
  if (old != 0) {
    // The peer restarted: what it had not acknowledged died with its old life. Report it rather
    // than replay it into the new life, which would deliver some messages twice.
    const std::size_t dropped = o.unacked.size();
    for (const Outgoing& m : o.unacked) o.bytes -= m.payload.size();
    o.unacked.clear();
    if (!options_.mutant.breaks("RC6")) o.next_seq = 1;  // RC6: the new stream starts at 1
    ++stats_.resets;
    stats_.dropped_on_reset += dropped;
    base.observe(kObsReset, {{"peer", from},
                             {"old_ds", as_field(old)},
                             {"new_ds", as_field(f.src)},
                             {"dropped", static_cast<std::int64_t>(dropped)}});
  }
  o.rtt.progress();
  o.unreachable_reported = false;
  if (o.timer != 0) base.cancel_timer(o.timer);
  o.timer = 0;
  flush_pending(base, from, o);
  if (old != 0) inner_peer_event(base, from, PeerEvent::kRestarted);
  maybe_writable(base, from, o);
}

void ReliableChannel::flush_pending(Context& base, NodeId to, OutStream& o) {
  std::deque<Bytes> pending;
  pending.swap(o.pending);
  for (Bytes& p : pending) {
    o.bytes -= p.size();
    enqueue(base, to, o, std::move(p));
  }
}

void ReliableChannel::maybe_writable(Context& base, NodeId to, OutStream& o) {
  if (o.was_full && app_writable(to)) {
    o.was_full = false;
    inner_peer_event(base, to, PeerEvent::kWritable);
  }
}

}  // namespace synod::channel
