// Exactly-once, per-channel ordered delivery across crashes (see snapshot_layer.hpp, "Delivery").
#include <algorithm>

#include "synod/snapshot/snapshot_layer.hpp"

namespace synod::snapshot {

void SnapshotLayer::on_data(Context& base, NodeId from, Frame& f) {
  Inbox& in = in_[from];
  if (f.seq <= in.received && !options_.mutant.breaks("D2")) {  // D2: a duplicate
    // A resend after a restart, or the old stream's copy: already delivered. Acknowledge again
    // so the sender can prune its outbox.
    ++stats_.duplicates;
    ack_due_.insert(from);
    arm_ack(base);
    return;
  }
  const bool next = f.seq == in.received + 1 || options_.mutant.breaks("D2");
  if (!next || f.payload.size() > kMaxAppPayload) {
    // Each stream is FIFO and every stream starts at the sender's first unacknowledged message,
    // so a gap cannot happen; count it rather than deliver out of order.
    ++stats_.gaps;
    return;
  }
  Inbox counted{std::max(f.seq, in.received)};
  if (!persist(base, inbox_key(from), wire::encode(counted))) return;
  in = counted;
  // Chandy-Lamport: a message arriving on a channel that is being recorded belongs to that
  // channel's state in the snapshot.
  for (auto& [id, open] : open_) {
    if (options_.mutant.breaks("CL1")) break;  // CL1: recording channels keep their messages
    auto it = open.channels.find(from);
    if (it == open.channels.end() || it->second.closed) continue;
    if (it->second.messages.size() >= kMaxRecordedPerChannel) {
      open.overflow = true;
      continue;
    }
    it->second.messages.push_back({f.seq, f.payload});
  }
  ++stats_.delivered;
  inner_message(base, from, f.payload);
  // One sync covers our count and whatever the application stored for this message, so the two
  // survive a crash together.
  sync(base);
  ack_due_.insert(from);
  arm_ack(base);
}

void SnapshotLayer::on_ack(Context& base, NodeId from, const Frame& f) {
  Outbox& o = out_[from];
  std::size_t drop = 0;
  while (drop < o.unacked.size() && o.unacked[drop].seq <= f.seq) ++drop;  // D3: acked only
  if (drop == 0) return;
  o.unacked.erase(o.unacked.begin(), o.unacked.begin() + static_cast<std::ptrdiff_t>(drop));
  // No sync: losing this to a crash only means sending those messages once more.
  persist(base, outbox_key(from), wire::encode(o));
  inner_peer_event(base, from, PeerEvent::kWritable);
}

void SnapshotLayer::send_acks(Context& base) {
  for (NodeId peer : ack_due_) {
    Frame f;
    f.kind = static_cast<std::uint32_t>(FrameKind::kAck);
    f.seq = in_[peer].received;
    send_frame(base, peer, f);
  }
  ack_due_.clear();
}

}  // namespace synod::snapshot
