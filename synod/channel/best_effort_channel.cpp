#include "synod/channel/best_effort_channel.hpp"

#include "synod/channel/channel_observations.hpp"
#include "synod/channel/session.hpp"
#include "synod/core/hash.hpp"

namespace synod::channel {

BestEffortChannel::BestEffortChannel(std::unique_ptr<Protocol> inner, BestEffortOptions options)
    : ChannelLayer(std::move(inner)), options_(options) {
  limits_.max_payload = options_.max_payload;
  limits_.max_sack_ranges = 0;  // datagrams never carry acknowledgements
}

void BestEffortChannel::start(Context& ctx, bool recovering) {
  session_ = draw_session(ctx.rng());
  ctx.observe(kObsSession, {{"ss", as_field(session_)}});
  inner_start(ctx, recovering);
}

bool BestEffortChannel::app_writable(NodeId to) const {
  (void)to;
  return true;  // nothing is buffered: the raw network is always writable
}

void BestEffortChannel::app_send(Context& base, NodeId to, Bytes payload) {
  RejectReason reason{};
  if (payload.size() > options_.max_payload) {
    reason = RejectReason::kTooLarge;
  } else if (!is_member(base.peers(), base.self(), to)) {
    reason = RejectReason::kNotAPeer;
  } else {
    ChannelFrame f;
    f.kind = static_cast<std::uint32_t>(FrameKind::kDatagram);
    f.src = session_;
    f.seq = ++next_seq_[to];
    f.payload = std::move(payload);
    ++stats_.sent;
    base.observe(kObsSend, {{"peer", to},
                            {"seq", as_field(f.seq)},
                            {"ss", as_field(session_)},
                            {"ds", 0},
                            {"hash", as_field(hash64(f.payload))}});
    // BE2: one datagram per message.
    if (options_.mutant.breaks("BE2")) base.send(to, seal(f));
    base.send(to, seal(f));
    return;
  }
  ++stats_.rejected;
  base.observe(kObsReject, {{"peer", to}, {"reason", static_cast<std::int64_t>(reason)}});
}

void BestEffortChannel::on_message(Context& ctx, NodeId from, ByteView payload) {
  Opened o = open(payload, limits_);
  if (o.error == OpenError::kCorrupt && options_.mutant.breaks("BE1")) o = open_unchecked(payload);
  if (o.error == OpenError::kCorrupt) {  // BE1: a damaged frame is dropped, never handed up
    ++stats_.corrupt;
    ctx.observe(kObsCorrupt, {{"peer", from}});
    return;
  }
  const ChannelFrame& f = o.frame;
  if (o.error != OpenError::kNone || f.kind != static_cast<std::uint32_t>(FrameKind::kDatagram) ||
      f.src == 0 || f.seq == 0) {
    ++stats_.malformed;
    return;
  }
  // BE3: an intact datagram always reaches the inner protocol.
  if (options_.mutant.breaks("BE3") && f.seq % 4 == 0) return;
  ++stats_.delivered;
  ctx.observe(kObsDeliver, {{"peer", from},
                            {"seq", as_field(f.seq)},
                            {"ss", as_field(f.src)},
                            {"ds", 0},
                            {"hash", as_field(hash64(f.payload))}});
  inner_message(ctx, from, f.payload);
}

void BestEffortChannel::on_peer_event(Context& ctx, NodeId peer, PeerEvent event) {
  // A channel stacked below this one reports to us; the inner protocol should hear it too.
  inner_peer_event(ctx, peer, event);
}

void BestEffortChannel::on_channel_timer(Context& base, TimerTag tag) {
  (void)base;
  (void)tag;  // the best-effort channel sets no timers
}

std::string BestEffortChannel::status_json() const {
  return with_channel_status(inner().status_json(), {{"kind", "best-effort"},
                                                     {"sent", stats_.sent},
                                                     {"delivered", stats_.delivered},
                                                     {"corrupt", stats_.corrupt},
                                                     {"malformed", stats_.malformed},
                                                     {"rejected", stats_.rejected}});
}

}  // namespace synod::channel
