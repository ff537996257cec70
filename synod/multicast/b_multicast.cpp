#include "synod/multicast/b_multicast.hpp"

#include <nlohmann/json.hpp>

#include "synod/core/hash.hpp"
#include "synod/multicast/b_multicast_messages.hpp"
#include "synod/node/timer_tag.hpp"

namespace synod::multicast {
namespace {

std::int64_t as_field(std::uint64_t v) { return static_cast<std::int64_t>(v); }

Bytes random_payload(Rng& rng, std::size_t max_size) {
  Bytes payload(rng.below(max_size + 1));
  for (std::size_t i = 0; i < payload.size(); i += 8) {
    std::uint64_t word = rng.next();
    for (std::size_t j = i; j < payload.size() && j < i + 8; ++j, word >>= 8U) {
      payload[j] = static_cast<std::uint8_t>(word);
    }
  }
  return payload;
}

}  // namespace

void BMulticast::on_start(Context& ctx) {
  life_ = ctx.rng().next() | 1U;  // never 0
  schedule(ctx);
}

void BMulticast::schedule(Context& ctx) {
  const std::int64_t mean = options_.interval.count();
  ctx.set_timer(Duration(ctx.rng().between(0, 2 * mean)), TimerTag::of(Timer::kMulticast).raw());
}

void BMulticast::on_timer(Context& ctx, std::uint64_t tag) {
  if (TimerTag::from(tag).kind<Timer>() != Timer::kMulticast) return;
  schedule(ctx);
  multicast(ctx);
}

void BMulticast::multicast(Context& ctx) {
  BMulticastMsg m{life_, next_seq_++, random_payload(ctx.rng(), options_.max_size)};
  const std::int64_t hash = as_field(hash64(m.payload));
  ++sent_;
  ctx.observe("mc.send", {{"life", as_field(m.life)}, {"seq", as_field(m.seq)}, {"hash", hash}});
  const Bytes frame = wire::encode(m);
  const auto peers = ctx.peers();
  for (std::size_t i = 0; i < peers.size(); ++i) {
    // BM1: once to every other member (the mutant forgets the last one).
    if (options_.mutant.breaks("BM1") && i + 1 == peers.size()) break;
    ctx.send(peers[i], frame);
  }
  // BM2: deliver to ourselves at once (the mutant never does).
  if (options_.mutant.breaks("BM2")) return;
  arrive(ctx.self(), m.life, m.seq);
  ++delivered_;
  ctx.observe(
      "mc.deliver",
      {{"from", ctx.self()}, {"life", as_field(m.life)}, {"seq", as_field(m.seq)}, {"hash", hash}});
}

BMulticast::Arrival BMulticast::arrive(NodeId from, std::uint64_t life, std::uint64_t seq) {
  Seen& s = seen_[{from, life}];
  if (seq < s.below) return Arrival::kStale;
  if (s.above.contains(seq)) return Arrival::kDuplicate;
  s.above.insert(seq);
  // Bounded memory (BM3): seqs more than `window` below the newest are treated as seen.
  if (seq >= s.below + options_.window) {
    s.below = seq + 1 - options_.window;
    s.above.erase(s.above.begin(), s.above.lower_bound(s.below));
  }
  while (!s.above.empty() && *s.above.begin() == s.below) {
    s.above.erase(s.above.begin());
    ++s.below;
  }
  return Arrival::kNew;
}

void BMulticast::on_message(Context& ctx, NodeId from, ByteView payload) {
  wire::Limits limits;
  limits.max_bytes = options_.max_size + 64;
  auto m = wire::decode<BMulticastMsg>(payload, limits);
  if (!m || m->life == 0 || m->seq == 0) {
    ++malformed_;
    return;
  }
  const Arrival a = arrive(from, m->life, m->seq);
  // BM3: at most once (the mutant delivers every copy the network hands over).
  if (a != Arrival::kNew && !options_.mutant.breaks("BM3")) {
    if (a == Arrival::kStale) {
      ++stale_;
      ctx.observe("mc.stale", {{"from", from}, {"seq", as_field(m->seq)}});
    } else {
      ++duplicates_;
    }
    return;
  }
  // BM4: deliver what was sent (the mutant flips a bit of a non-empty payload).
  if (options_.mutant.breaks("BM4") && !m->payload.empty()) m->payload[0] ^= 1U;
  ++delivered_;
  ctx.observe("mc.deliver", {{"from", from},
                             {"life", as_field(m->life)},
                             {"seq", as_field(m->seq)},
                             {"hash", as_field(hash64(m->payload))}});
}

std::string BMulticast::status_json() const {
  return nlohmann::json{
      {"sent", sent_},   {"delivered", delivered_}, {"duplicates", duplicates_},
      {"stale", stale_}, {"malformed", malformed_}, {"senders_remembered", seen_.size()}}
      .dump();
}

}  // namespace synod::multicast
