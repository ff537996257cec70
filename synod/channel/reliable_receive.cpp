// ReliableChannel, receiving side: per-sender-life streams, duplicate suppression, reordering
// buffer, in-order delivery, acks and nacks sent.
#include <algorithm>
#include <utility>
#include <vector>

#include "synod/channel/channel_observations.hpp"
#include "synod/channel/reliable_channel.hpp"
#include "synod/channel/reliable_state.hpp"
#include "synod/core/hash.hpp"

namespace synod::channel {

void ReliableChannel::on_data(Context& base, NodeId from, ChannelFrame& f) {
  if (f.seq == 0) {
    ++stats_.malformed;
    return;
  }
  if (f.dst != session_ && !options_.mutant.breaks("RC5")) {
    // RC5: addressed to an earlier life of ours (or sent before the peer knew us): tell the sender
    // who we are now; its stream to the old life is over.
    ++stats_.stale;
    send_nack(base, from, f);
    return;
  }
  InStream* in = in_stream(from, f.src);
  if (in == nullptr) {
    ++stats_.stale;  // a sender life we retired: its frames are late echoes
    return;
  }
  in->last_active = ++activity_;
  if (f.seq < in->next || in->out_of_order.count(f.seq) != 0) {
    ++stats_.duplicates;  // RC2: our ack was lost or is slow: repeat it, deliver nothing
    send_ack(base, from, f.src, *in);
    if (options_.mutant.breaks("RC2")) deliver(base, from, f.src, f.seq, f.payload);
    return;
  }
  if (f.seq - in->next >= options_.window) {
    ++stats_.beyond_window;  // a sender with a larger window than ours; it will retransmit
    send_ack(base, from, f.src, *in);
    return;
  }
  // RC1: only the next seq goes up; anything above it waits for the hole below.
  if (options_.mutant.breaks("RC1")) in->next = f.seq;
  in->out_of_order.emplace(f.seq, std::move(f.payload));
  std::vector<std::pair<std::uint64_t, Bytes>> ready;
  for (auto it = in->out_of_order.find(in->next); it != in->out_of_order.end();
       it = in->out_of_order.find(in->next)) {
    ready.emplace_back(it->first, std::move(it->second));
    in->out_of_order.erase(it);
    ++in->next;
  }
  send_ack(base, from, f.src, *in);
  // Deliver last: the inner protocol may send from inside on_message, and our state is settled.
  for (auto& [seq, payload] : ready) deliver(base, from, f.src, seq, payload);
}

void ReliableChannel::deliver(Context& base, NodeId from, std::uint64_t sender_session,
                              std::uint64_t seq, ByteView payload) {
  ++stats_.delivered;
  base.observe(kObsDeliver, {{"peer", from},
                             {"seq", as_field(seq)},
                             {"ss", as_field(sender_session)},
                             {"ds", as_field(session_)},
                             {"hash", as_field(hash64(payload))}});
  inner_message(base, from, payload);
}

ReliableChannel::InStream* ReliableChannel::in_stream(NodeId from, std::uint64_t sender_session) {
  auto& slot = in_[from];
  if (!slot) slot = std::make_unique<InPeer>();
  InPeer& p = *slot;
  auto it = p.streams.find(sender_session);
  if (it != p.streams.end()) return &it->second;
  if (std::find(p.retired.begin(), p.retired.end(), sender_session) != p.retired.end())
    return nullptr;
  if (p.streams.size() >= kMaxSenderLives) {
    // Keep the sender lives heard from most recently; the least recent one is retired, so its
    // late frames cannot restart its stream from seq 1 and deliver twice.
    auto oldest = std::min_element(
        p.streams.begin(), p.streams.end(),
        [](const auto& a, const auto& b) { return a.second.last_active < b.second.last_active; });
    p.retired.push_back(oldest->first);
    if (p.retired.size() > kMaxRetiredSessions) p.retired.pop_front();
    p.streams.erase(oldest);
  }
  return &p.streams[sender_session];
}

void ReliableChannel::send_ack(Context& base, NodeId to, std::uint64_t sender_session,
                               const InStream& in) {
  ChannelFrame f;
  f.kind = static_cast<std::uint32_t>(FrameKind::kAck);
  f.src = session_;
  f.dst = sender_session;
  f.cum = in.next - 1;                                 // RC3: what was delivered in order
  if (options_.mutant.breaks("RC3")) f.cum = in.next;  // claims the hole as received
  // Contiguous runs of the reordering buffer, lowest first: the lowest holes matter most.
  for (const auto& [seq, payload] : in.out_of_order) {
    if (!f.sack.empty() && f.sack.back() + 1 == seq) {
      f.sack.back() = seq;
    } else if (f.sack.size() / 2 < options_.max_sack_ranges) {
      f.sack.push_back(seq);
      f.sack.push_back(seq);
    } else {
      break;
    }
  }
  base.send(to, seal(f));
}

void ReliableChannel::send_nack(Context& base, NodeId to, const ChannelFrame& f) {
  ChannelFrame n;
  n.kind = static_cast<std::uint32_t>(FrameKind::kNack);
  n.src = session_;
  n.dst = f.src;
  n.echo = f.dst;
  ++stats_.nacks;
  base.send(to, seal(n));
}

}  // namespace synod::channel
