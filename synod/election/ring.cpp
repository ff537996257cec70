#include "synod/election/ring.hpp"

namespace synod::election {

NodeId Ring::successor(const Context& ctx) const {
  // Peers are ascending: the first unsuspected one above self, else the first from the bottom.
  NodeId wrap = kNoNode;
  for (NodeId peer : ctx.peers()) {
    if (suspected(peer)) continue;
    if (peer > ctx.self()) return peer;
    if (wrap == kNoNode) wrap = peer;
  }
  return wrap == kNoNode ? ctx.self() : wrap;
}

void Ring::start_election(Context& ctx) { participate(ctx, ctx.self()); }  // C1

// Become participant and pass ELECTION(candidate) clockwise, awaiting ELECTED (C6).
void Ring::participate(Context& ctx, NodeId candidate) {
  const NodeId next = successor(ctx);
  if (next == ctx.self()) {  // alone in the ring: our own ELECTION would come straight back
    if (candidate == ctx.self()) win(ctx);
    return;
  }
  participant_ = true;
  send(ctx, next, MsgType::kRingElection, kNoNode, 0, candidate);
  ctx.cancel_timer(timer_);
  timer_ = ctx.set_timer(options().ring_timeout, kRingTimer);
}

void Ring::handle(Context& ctx, NodeId from, const ElectionMessage& msg) {
  (void)from;
  switch (static_cast<MsgType>(msg.type)) {
    case MsgType::kRingElection: on_election(ctx, msg.candidate); return;
    case MsgType::kElected: on_elected(ctx, msg); return;
    default: return;  // bully messages: not ours
  }
}

void Ring::on_election(Context& ctx, NodeId candidate) {
  if (candidate != ctx.self() && suspected(candidate)) {
    // The candidate is no longer in our ring: we skip it as a successor, so its ELECTION can
    // never return to it and would circle forever. Treat it like a lower id (C2).
    if (!participant_) participate(ctx, ctx.self());
  } else if (candidate > ctx.self()) {
    participate(ctx, candidate);  // C2: forward the higher id
  } else if (candidate < ctx.self()) {
    if (!participant_) participate(ctx, ctx.self());  // C2: substitute our id, once
  } else {
    win(ctx);  // C3: our id went all the way round
  }
}

// C3: declare (round persisted first), then ELECTED circulates.
void Ring::win(Context& ctx) {
  abandon_election(ctx);
  if (!declare(ctx)) return;  // storage failed: reconcile() tries again on the next input
  const NodeId next = successor(ctx);
  if (next != ctx.self()) send(ctx, next, MsgType::kElected, ctx.self(), epoch());
}

// C4: record and forward, unless it came back to its origin or is stale (already seen).
void Ring::on_elected(Context& ctx, const ElectionMessage& msg) {
  if (msg.leader == ctx.self()) return;  // back home: the round trip is complete
  if (!accept(ctx, msg.leader, msg.epoch)) return;
  abandon_election(ctx);
  const NodeId next = successor(ctx);
  if (next != ctx.self()) send(ctx, next, MsgType::kElected, msg.leader, msg.epoch);
}

void Ring::on_election_timer(Context& ctx, std::uint64_t tag) {
  if (tag != kRingTimer || !participant_) return;
  participant_ = false;  // C6: the election died with a crashed process; begin a new one
  start_election(ctx);
}

void Ring::abandon_election(Context& ctx) {
  ctx.cancel_timer(timer_);
  participant_ = false;
}

std::string Ring::algorithm_status() const {
  return participant_ ? "\"participant\"" : "\"non-participant\"";
}

}  // namespace synod::election
