#include "synod/mutex/token_recovery.hpp"

#include <algorithm>

namespace synod::mutex {
namespace {

constexpr std::string_view kPromisedKey = "token.promised";
MutexMsg probe(std::uint64_t gen) {
  MutexMsg m = make_msg(MsgType::kProbe);
  m.generation = gen;
  return m;
}

MutexMsg answer(std::uint64_t gen, ProbeReply reply, std::uint64_t satisfied = 0) {
  MutexMsg m = make_msg(MsgType::kProbeAnswer);
  m.generation = gen;
  m.probe = reply;
  m.satisfied = satisfied;
  return m;
}

}  // namespace

void TokenRecovery::start(LockHost& h) { promised_ = h.load(kPromisedKey); }

bool TokenRecovery::promise(LockHost& h, std::uint64_t gen) {
  if (gen <= promised_) return gen == promised_;
  if (!h.persist(kPromisedKey, gen)) return false;
  promised_ = gen;
  return true;
}

bool TokenRecovery::accept(LockHost& h, std::uint64_t gen) {
  return gen >= promised_ && promise(h, gen);
}

bool TokenRecovery::create_initial(LockHost& h) {
  const NodeId first =
      h.peers().empty() ? h.self()
                        : std::min(h.self(), *std::min_element(h.peers().begin(), h.peers().end()));
  if (h.self() != first || promised_ != 0) return false;
  // Even the first token is made by a round: a generation must be known (promised) by every
  // live node before its token exists, or a later round could reuse the number after the only
  // node that knew it died.
  begin(h);
  return true;
}

// Generations are (round, prober id): two sides of a partition that each regenerate (after a
// false suspicion) never make tokens of the same generation, so after the heal the newer one
// voids the other everywhere (heartbeats carry it).
std::uint64_t next_generation(std::uint64_t promised, NodeId self) {
  return (((promised >> kGenerationIdBits) + 1) << kGenerationIdBits) |
         (self & ((1U << kGenerationIdBits) - 1));
}

void TokenRecovery::begin(LockHost& h) {
  if (probing_) return;
  const std::uint64_t gen = next_generation(promised_, h.self());
  if (!promise(h, gen)) return;
  ++rounds_;
  ticks_ = 0;
  probing_ = true;
  promised_to_ = h.self();
  found_ = false;
  awaiting_.clear();
  answers_.clear();
  h.observe("probe", {{"gen", static_cast<std::int64_t>(gen)}});
  if (keeper_.has_token()) keeper_.convert_token(h, gen);
  found_ = keeper_.has_token();
  answers_[h.self()] = keeper_.probe_info();
  for (NodeId p : h.peers()) {
    if (h.suspected(p)) continue;
    awaiting_.insert(p);
    h.send(p, probe(gen));
  }
  maybe_finish(h);
}

void TokenRecovery::on_probe(LockHost& h, NodeId from, const MutexMsg& m) {
  if (m.generation == 0) {
    if (h.lowest_live() == h.self()) loss_possible_ = true;  // a hint: run a round
    return;
  }
  // A repeated probe from the prober we promised (or, after our restart, one matching the
  // promise we persisted) is answered again without a new promise.
  const bool again =
      m.generation == promised_ && !probing_ && (promised_to_ == from || promised_to_ == kNoNode);
  if (!again && (m.generation <= promised_ || !promise(h, m.generation))) {
    h.send(from, answer(promised_, ProbeReply::kRefused));
    return;
  }
  promised_to_ = from;
  probing_ = false;  // a newer round supersedes ours
  if (keeper_.has_token()) {
    keeper_.convert_token(h, m.generation);
    had_token_in_ = m.generation;
  }
  // A repeated probe gets the same answer even if the token moved on meanwhile: the first
  // answer may have been lost, and "had it" must not turn into "nobody has it".
  const bool had = had_token_in_ == m.generation;
  h.send(from, answer(m.generation, had ? ProbeReply::kHasToken : ProbeReply::kNoToken,
                      keeper_.probe_info()));
}

void TokenRecovery::on_answer(LockHost& h, NodeId from, const MutexMsg& m) {
  if (!probing_) return;
  if (m.probe == ProbeReply::kRefused) {
    // Someone promised another round of this generation or newer. The agreed node tries again
    // above it on the next tick; anyone else leaves it to the agreed node (two probers retrying
    // in step would refuse each other forever).
    probing_ = false;
    (void)promise(h, m.generation);
    if (h.lowest_live() == h.self()) loss_possible_ = true;
    return;
  }
  if (m.generation != promised_ || awaiting_.erase(from) == 0) return;
  answers_[from] = m.satisfied;
  if (m.probe == ProbeReply::kHasToken) found_ = true;
  maybe_finish(h);
}

void TokenRecovery::maybe_finish(LockHost& h) {
  if (!probing_ || !awaiting_.empty()) return;
  probing_ = false;
  // SK5 / TR4 (the keeper's recovery rule): nobody has a token, so this round creates one.
  if (!found_ && !h.mutant().breaks(keeper_.recovery_rule())) {
    keeper_.regenerate(h, promised_, answers_);
  }
}

void TokenRecovery::on_suspect(LockHost& h, NodeId peer) {
  note_death(h, peer);
  if (probing_ && awaiting_.erase(peer) != 0) maybe_finish(h);
}

void TokenRecovery::note_death(LockHost& h, NodeId peer) {
  const NodeId agreed = h.lowest_live();
  if (agreed == h.self()) {
    loss_possible_ = true;
  } else if (peer == keeper_.last_sent_to()) {
    // We sent the token to the dead peer, and the agreed node may have written that peer off
    // before the token went there: tell it to look (a PROBE with generation 0 is a hint).
    hinting_ = true;
    hint_above_ = promised_;
    hint(h);
  }
}

void TokenRecovery::hint(LockHost& h) {
  // A round after the hint promised a newer generation here: the agreed node has looked.
  if (promised_ > hint_above_) hinting_ = false;
  if (!hinting_) return;
  const NodeId agreed = h.lowest_live();
  if (agreed == h.self()) {  // the nodes below us are suspected now: we look ourselves
    hinting_ = false;
    loss_possible_ = true;
    return;
  }
  h.send(agreed, probe(0));
}

void TokenRecovery::on_tick(LockHost& h) {
  if (loss_possible_ && !probing_) {
    loss_possible_ = false;
    begin(h);
  }
  if (++ticks_ % retry_ticks_ != 0) return;
  // The agreed node may have been down (not yet suspected) when the hint went out: again.
  if (hinting_) hint(h);
  if (!probing_) return;
  for (NodeId p : awaiting_) h.send(p, probe(promised_));
}

void TokenRecovery::on_restarted(LockHost& h, NodeId peer) {
  note_death(h, peer);
  // The probe to the old life was dropped with its stream; the new life answers afresh.
  if (probing_ && awaiting_.count(peer) != 0) h.send(peer, probe(promised_));
}

}  // namespace synod::mutex
