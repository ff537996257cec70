#include "synod/mutex/token_ring.hpp"

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "synod/mutex/token_observations.hpp"

namespace synod::mutex {

void TokenRing::start(LockHost& h) {
  ring_.assign(h.peers().begin(), h.peers().end());
  ring_.push_back(h.self());
  std::sort(ring_.begin(), ring_.end());
  recovery_.start(h);
  recovery_.create_initial(h);
}

NodeId TokenRing::successor(LockHost& h) const {
  const auto me = std::lower_bound(ring_.begin(), ring_.end(), h.self()) - ring_.begin();
  const auto n = static_cast<std::ptrdiff_t>(ring_.size());
  if (h.mutant().breaks("TR2")) {  // the lowest reachable other id, from every node
    for (NodeId p : ring_) {
      if (p != h.self() && h.reachable(p)) return p;
    }
    return kNoNode;
  }
  for (std::ptrdiff_t k = 1; k < n; ++k) {
    // TR2: the next reachable id, cyclically.
    const NodeId next = ring_[static_cast<std::size_t>((me + k) % n)];
    if (h.reachable(next)) return next;  // a crashed process is bypassed
  }
  return kNoNode;
}

void TokenRing::request(LockHost& h) {
  if (has_token_ || h.mutant().breaks("TR1")) {  // TR1: only with the token
    ++counter_;  // the token waits here only when no successor is reachable
    h.granted(fencing_token(gen_, counter_));
  }
  // Otherwise wait for the token to come round.
}

void TokenRing::got_token(LockHost& h) {
  last_seen_ = ticks_;
  if (h.waiting()) {
    ++counter_;
    h.granted(fencing_token(gen_, counter_));
  } else if (ticks_ - arrived_ >= idle_hold_ticks_ || h.mutant().breaks("TR5")) {  // TR5
    pass(h);
  }  // else on_tick passes it once the idle hold is over
}

void TokenRing::release(LockHost& h) {
  if (gen_ < recovery_.promised()) {
    drop_stale(h);  // a newer generation exists (we were cut off): this token is void
    return;
  }
  pass(h);
}

void TokenRing::pass(LockHost& h) {
  const NodeId next = successor(h);
  if (next == kNoNode) return;  // alone: keep it; on_tick tries again
  MutexMsg m = make_msg(MsgType::kRingToken);
  m.generation = gen_;
  m.counter = counter_;
  has_token_ = false;
  last_sent_to_ = next;
  ++passes_;
  observe_token(h, "token_send", gen_, next);
  h.send(next, m);
}

void TokenRing::drop_stale(LockHost& h) {
  has_token_ = false;
  observe_token(h, "token_stale", gen_);
}

void TokenRing::on_token(LockHost& h, const MutexMsg& m) {
  if (has_token_ || !recovery_.accept(h, m.generation)) {
    observe_token(h, "token_stale", m.generation);  // an older generation: discarded
    return;
  }
  has_token_ = true;
  gen_ = m.generation;
  if (!h.mutant().breaks("TR3")) counter_ = m.counter;  // TR3: the counter travels in the token
  arrived_ = ticks_;
  observe_token(h, "token_recv", gen_);
  got_token(h);
}

void TokenRing::on_message(LockHost& h, NodeId from, const MutexMsg& m) {
  switch (m.kind()) {
    case MsgType::kRingToken: on_token(h, m); break;
    case MsgType::kProbe: recovery_.on_probe(h, from, m); break;
    case MsgType::kProbeAnswer: recovery_.on_answer(h, from, m); break;
    default: break;
  }
}

void TokenRing::on_tick(LockHost& h) {
  ++ticks_;
  recovery_.on_tick(h);
  if (has_token_) {
    last_seen_ = ticks_;
    if (!h.holding()) got_token(h);  // kept while alone, or a request arrived meanwhile
    return;
  }
  // Only the agreed node looks for a lost token: the token passes it on every circulation.
  if (h.lowest_live() != h.self() || ticks_ - last_seen_ < timeout_ticks_) return;
  last_seen_ = ticks_;
  recovery_.begin(h);
}

void TokenRing::on_heartbeat(LockHost& h, NodeId from, const MutexMsg& hb) {
  (void)from;
  if (hb.generation <= recovery_.promised() || !recovery_.accept(h, hb.generation)) return;
  if (has_token_ && gen_ < hb.generation && !h.holding()) drop_stale(h);
}

void TokenRing::convert_token(LockHost& h, std::uint64_t gen) {
  observe_token(h, "token_convert", gen, static_cast<std::int64_t>(gen_));
  gen_ = gen;
}

void TokenRing::regenerate(LockHost& h, std::uint64_t gen,
                           const std::map<NodeId, std::uint64_t>& answers) {
  (void)answers;
  has_token_ = true;
  gen_ = gen;
  counter_ = 0;
  arrived_ = ticks_;
  observe_token(h, "token_new", gen_);
  got_token(h);
}

nlohmann::json TokenRing::status() const {
  return {{"has_token", has_token_},          {"gen", gen_},       {"counter", counter_},
          {"promised", recovery_.promised()}, {"passes", passes_}, {"probes", recovery_.rounds()}};
}

}  // namespace synod::mutex
