#include "synod/channel/stream_workload.hpp"

#include <nlohmann/json.hpp>

#include "synod/core/hash.hpp"
#include "synod/node/timer_tag.hpp"

namespace synod::channel {
namespace {

enum class Timer : std::uint8_t { kSend = 1 };

void put(Bytes& b, std::size_t at, std::uint64_t v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint64_t get(ByteView b, std::size_t at, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(b[at + i]) << (8 * i);
  return v;
}

std::int64_t field(std::uint64_t v) { return static_cast<std::int64_t>(v); }

}  // namespace

void StreamWorkload::on_start(Context& ctx) {
  // Volatile on purpose: a new life is a new sender, and its numbering starts again at 1.
  life_ = ctx.rng().next() >> 1U;
  next_seq_.clear();
  ctx.observe(kObsStreamLife, {{"life", field(life_)}});
  schedule(ctx);
}

void StreamWorkload::schedule(Context& ctx) {
  const std::int64_t mean = options_.interval.count();
  ctx.set_timer(Duration(ctx.rng().between(0, 2 * mean)), TimerTag::of(Timer::kSend).raw());
}

void StreamWorkload::on_timer(Context& ctx, std::uint64_t tag) {
  if (TimerTag::from(tag).kind<Timer>() != Timer::kSend) return;
  schedule(ctx);
  const auto peers = ctx.peers();
  if (peers.empty()) return;
  const NodeId to = peers[ctx.rng().below(peers.size())];
  if (!ctx.writable(to)) {
    ++stats_.blocked;
    return;
  }
  Bytes payload(kStreamHeaderBytes + ctx.rng().below(options_.max_size + 1));
  for (std::size_t i = kStreamHeaderBytes; i < payload.size(); i += 8) {
    std::uint64_t word = ctx.rng().next();
    for (std::size_t j = i; j < payload.size() && j < i + 8; ++j, word >>= 8U) {
      payload[j] = static_cast<std::uint8_t>(word);
    }
  }
  const std::uint64_t seq = ++next_seq_[to];
  put(payload, 0, life_, 8);
  put(payload, 8, seq, 8);
  put(payload, 16, ctx.self(), 4);
  put(payload, 20, to, 4);
  ++stats_.sent;
  ctx.observe(kObsStreamSend, {{"peer", to},
                               {"life", field(life_)},
                               {"seq", field(seq)},
                               {"hash", field(hash64(payload))}});
  ctx.send(to, std::move(payload));
}

void StreamWorkload::on_message(Context& ctx, NodeId from, ByteView payload) {
  if (payload.size() < kStreamHeaderBytes) {
    ++stats_.garbage;
    ctx.observe(kObsStreamGarbage,
                {{"peer", from}, {"bytes", static_cast<std::int64_t>(payload.size())}});
    return;
  }
  ++stats_.received;
  ++received_from_[from];
  ctx.observe(kObsStreamRecv, {{"peer", from},
                               {"sender", field(get(payload, 16, 4))},
                               {"to", field(get(payload, 20, 4))},
                               {"life", field(get(payload, 0, 8))},
                               {"seq", field(get(payload, 8, 8))},
                               {"hash", field(hash64(payload))}});
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
  return nlohmann::json{{"sent", stats_.sent},
                        {"received", stats_.received},
                        {"blocked", stats_.blocked},
                        {"restarted", stats_.restarted},
                        {"unreachable", stats_.unreachable},
                        {"garbage", stats_.garbage}}
      .dump();
}

}  // namespace synod::channel
