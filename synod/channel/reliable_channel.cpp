#include "synod/channel/reliable_channel.hpp"

#include "synod/channel/channel_observations.hpp"
#include "synod/channel/reliable_state.hpp"
#include "synod/channel/session.hpp"

namespace synod::channel {

ReliableChannel::ReliableChannel(std::unique_ptr<Protocol> inner, ReliableOptions options)
    : ChannelLayer(std::move(inner)), options_(options) {
  SYNOD_ASSERT(options_.window >= 1);
  SYNOD_ASSERT(options_.rto_min <= options_.rto_max);
  limits_.max_payload = options_.max_payload;
  limits_.max_sack_ranges = options_.max_sack_ranges;
}

ReliableChannel::~ReliableChannel() = default;

void ReliableChannel::start(Context& ctx, bool recovering) {
  // Volatile state only: a recovering node is a new life with a new session, and its peers find
  // out from the first nack it sends them.
  session_ = draw_session(ctx.rng());
  ctx.observe(kObsSession, {{"ss", as_field(session_)}});
  inner_start(ctx, recovering);
}

ReliableChannel::OutStream& ReliableChannel::out(NodeId peer) {
  auto& slot = out_[peer];
  if (!slot) slot = std::make_unique<OutStream>(options_);
  return *slot;
}

std::uint64_t ReliableChannel::peer_session(NodeId peer) const {
  auto it = out_.find(peer);
  return it == out_.end() ? 0 : it->second->peer_session;
}

std::size_t ReliableChannel::in_flight(NodeId peer) const {
  auto it = out_.find(peer);
  return it == out_.end() ? 0 : it->second->count();
}

bool ReliableChannel::app_writable(NodeId to) const {
  auto it = out_.find(to);
  if (it == out_.end()) return true;
  const OutStream& o = *it->second;
  return o.count() < options_.window && o.bytes < options_.max_buffered_bytes;
}

void ReliableChannel::reject(Context& base, NodeId to, std::int64_t reason) {
  ++stats_.rejected;
  base.observe(kObsReject, {{"peer", to}, {"reason", reason}});
}

void ReliableChannel::app_send(Context& base, NodeId to, Bytes payload) {
  if (payload.size() > options_.max_payload) {
    reject(base, to, static_cast<std::int64_t>(RejectReason::kTooLarge));
    return;
  }
  if (!is_member(base.peers(), base.self(), to)) {
    reject(base, to, static_cast<std::int64_t>(RejectReason::kNotAPeer));
    return;
  }
  if (!app_writable(to)) {
    // Back-pressure was ignored: refuse loudly rather than lose the message silently. The app
    // hears kWritable when space frees.
    out(to).was_full = true;
    reject(base, to, static_cast<std::int64_t>(RejectReason::kNotWritable));
    return;
  }
  OutStream& o = out(to);
  enqueue(base, to, o, std::move(payload));
  if (!app_writable(to)) o.was_full = true;
}

void ReliableChannel::on_message(Context& ctx, NodeId from, ByteView payload) {
  Opened o = open(payload, limits_);
  if (o.error == OpenError::kCorrupt) {
    ++stats_.corrupt;
    ctx.observe(kObsCorrupt, {{"peer", from}});
    return;
  }
  ChannelFrame& f = o.frame;
  if (o.error != OpenError::kNone || f.src == 0) {
    ++stats_.malformed;
    return;
  }
  switch (static_cast<FrameKind>(f.kind)) {
    case FrameKind::kData: on_data(ctx, from, f); break;
    case FrameKind::kAck: on_ack(ctx, from, f); break;
    case FrameKind::kNack: on_nack(ctx, from, f); break;
    case FrameKind::kProbe: send_nack(ctx, from, f); break;
    case FrameKind::kDatagram:
    default: ++stats_.malformed; break;
  }
}

void ReliableChannel::on_peer_event(Context& ctx, NodeId peer, PeerEvent event) {
  inner_peer_event(ctx, peer, event);  // from a channel stacked below; pass it up
}

std::string ReliableChannel::status_json() const {
  const auto& s = stats_;
  nlohmann::json peers = nlohmann::json::object();
  for (const auto& [peer, o] : out_) {
    std::size_t sacked = 0;
    for (const auto& m : o->unacked) sacked += m.sacked ? 1 : 0;
    peers[std::to_string(peer)] = {
        {"in_flight", o->count()},
        {"base", o->unacked.empty() ? o->next_seq : o->unacked.front().seq},
        {"next", o->next_seq},
        {"sacked", sacked},
        {"timer", o->timer != 0},
        {"bytes", o->bytes},
        {"srtt_us", o->rtt.srtt().count() / 1000},
        {"rto_us", o->rtt.current().count() / 1000}};
  }
  nlohmann::json receiving = nlohmann::json::object();
  for (const auto& [peer, p] : in_) {
    for (const auto& [ss, in] : p->streams) {
      receiving[std::to_string(peer) + "/" + std::to_string(ss % 10000)] = {
          {"next", in.next}, {"buffered", in.out_of_order.size()}};
    }
  }
  return with_channel_status(inner().status_json(), {{"kind", "reliable"},
                                                     {"sent", s.sent},
                                                     {"delivered", s.delivered},
                                                     {"retransmissions", s.retransmissions},
                                                     {"duplicates", s.duplicates},
                                                     {"corrupt", s.corrupt},
                                                     {"malformed", s.malformed},
                                                     {"rejected", s.rejected},
                                                     {"resets", s.resets},
                                                     {"unreachable", s.unreachable},
                                                     {"peers", std::move(peers)},
                                                     {"receiving", std::move(receiving)}});
}

}  // namespace synod::channel
