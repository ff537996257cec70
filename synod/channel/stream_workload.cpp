#include "synod/channel/stream_workload.hpp"

namespace synod::channel {

void StreamWorkload::on_start(Context& ctx) { schedule(ctx); }

void StreamWorkload::schedule(Context& ctx) {
  const std::int64_t mean = options_.interval.count();
  ctx.set_timer(Duration(ctx.rng().between(0, 2 * mean)), 0);
}

void StreamWorkload::on_timer(Context& ctx, std::uint64_t tag) {
  (void)tag;
  schedule(ctx);
  const auto peers = ctx.peers();
  if (peers.empty()) return;
  const NodeId to = peers[ctx.rng().below(peers.size())];
  if (!ctx.writable(to)) {
    ++stats_.blocked;
    return;
  }
  Bytes payload(ctx.rng().below(options_.max_size + 1));
  for (std::size_t i = 0; i < payload.size(); i += 8) {
    std::uint64_t word = ctx.rng().next();
    for (std::size_t j = i; j < payload.size() && j < i + 8; ++j, word >>= 8U) {
      payload[j] = static_cast<std::uint8_t>(word);
    }
  }
  ++stats_.sent;
  ctx.send(to, std::move(payload));
}

void StreamWorkload::on_message(Context& ctx, NodeId from, ByteView payload) {
  (void)ctx;
  (void)payload;
  ++stats_.received;
  ++received_from_[from];
}

void StreamWorkload::on_peer_event(Context& ctx, NodeId peer, PeerEvent event) {
  (void)ctx;
  (void)peer;
  switch (event) {
    case PeerEvent::kRestarted: ++stats_.restarted; break;
    case PeerEvent::kUnreachable: ++stats_.unreachable; break;
    case PeerEvent::kWritable: ++stats_.writable; break;
  }
}

std::string StreamWorkload::status_json() const {
  return "{\"sent\":" + std::to_string(stats_.sent) +
         ",\"received\":" + std::to_string(stats_.received) +
         ",\"blocked\":" + std::to_string(stats_.blocked) +
         ",\"restarted\":" + std::to_string(stats_.restarted) +
         ",\"unreachable\":" + std::to_string(stats_.unreachable) + "}";
}

}  // namespace synod::channel
