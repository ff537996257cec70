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

// C1: participant, ELECTION(own id) to the successor (mutant C1: stays a non-participant, so it
// substitutes its id again for every lower ELECTION and ignores its C6 timer).
void Ring::start_election(Context& ctx) {
  participate(ctx, ctx.self());
  if (mutant().breaks("C1")) participant_ = false;
}

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
  timer_ = ctx.set_timer(options().ring_timeout, timer_tag(ElectionTimer::kRing));
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
  if (candidate != ctx.self() && suspected(candidate) && !mutant().breaks("C5")) {
    // C5: the candidate is no longer in our ring: we skip it as a successor, so its ELECTION can
    // never return to it and would circle forever. Treat it like a lower id. (Mutant C5: ignores
    // the suspicion.)
    if (!participant_) participate(ctx, ctx.self());
  } else if (candidate > ctx.self()) {
    participate(ctx, candidate);  // C2: forward the higher id
  } else if (candidate < ctx.self()) {
    if (mutant().breaks("C2")) {
      participate(ctx, candidate);  // mutant C2: forwards the lower id instead of its own
    } else if (!participant_) {
      participate(ctx, ctx.self());  // C2: substitute our id, once
    }
  } else {
    win(ctx);  // C3: our id went all the way round
  }
}

// C3: declare (round persisted first), then ELECTED circulates.
void Ring::win(Context& ctx) {
  abandon_election(ctx);
  if (!declare(ctx)) return;  // storage failed: reconcile() tries again on the next input
  if (mutant().breaks("C3") && !declare(ctx)) return;  // mutant C3: declares twice per win
  const NodeId next = successor(ctx);
  if (next != ctx.self()) send(ctx, next, MsgType::kElected, ctx.self(), epoch());
}

// C4: record and forward, unless it came back to its origin or is stale (already seen).
void Ring::on_elected(Context& ctx, const ElectionMessage& msg) {
  if (msg.leader == ctx.self()) return;  // back home: the round trip is complete
  if (!accept(ctx, msg.leader, msg.epoch)) return;
  if (!mutant().breaks("C4")) abandon_election(ctx);  // mutant C4: stays a participant
  const NodeId next = successor(ctx);
  if (next != ctx.self()) send(ctx, next, MsgType::kElected, msg.leader, msg.epoch);
}

void Ring::on_election_timer(Context& ctx, ElectionTimer timer) {
  if (timer != ElectionTimer::kRing || !participant_) return;
  if (mutant().breaks("C6")) return;  // mutant C6: never begins a new election
  participant_ = false;  // C6: the election died with a crashed process; begin a new one
  start_election(ctx);
}

void Ring::abandon_election(Context& ctx) {
  ctx.cancel_timer(timer_);
  participant_ = false;
}

std::string Ring::algorithm_status() const {
  return participant_ ? "participant" : "non-participant";
}

}  // namespace synod::election
