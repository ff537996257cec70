#include "synod/election/bully.hpp"

namespace synod::election {

// B2: ELECTION to every higher process we believe alive; none: we are the coordinator.
void Bully::start_election(Context& ctx) {
  bool asked = false;
  for (NodeId peer : ctx.peers()) {
    if (peer > ctx.self() && !suspected(peer)) {
      send(ctx, peer, MsgType::kElection);
      asked = true;
    }
  }
  if (asked && !mutant().breaks("B2")) {  // mutant B2: declares without waiting for an ANSWER
    wait(ctx, Phase::kAwaitAnswer, options().answer_timeout, ElectionTimer::kAnswer);
  } else {
    become_coordinator(ctx);
  }
}

// B2: COORDINATOR to every lower process (higher ones are down; when one recovers it bullies).
void Bully::become_coordinator(Context& ctx) {
  abandon_election(ctx);
  if (!declare(ctx)) return;  // storage failed: reconcile() tries again on the next input
  for (NodeId peer : ctx.peers()) {
    if (peer < ctx.self()) send(ctx, peer, MsgType::kCoordinator, ctx.self(), epoch());
  }
}

void Bully::handle(Context& ctx, NodeId from, const ElectionMessage& msg) {
  switch (static_cast<MsgType>(msg.type)) {
    case MsgType::kElection:          // B3
      if (from > ctx.self()) return;  // only lower processes send us ELECTION
      send(ctx, from, MsgType::kAnswer);
      if (phase_ != Phase::kIdle) {
        // B3: one is already under way (mutant B3: begins it again for every ELECTION).
        if (mutant().breaks("B3")) start_election(ctx);
        return;
      }
      if (leader() == ctx.self() && !stale()) {
        // Already the coordinator: the election we would begin ends with us again, so we give
        // its result straight away -- our current epoch -- instead of a new epoch per asker.
        send(ctx, from, MsgType::kCoordinator, ctx.self(), epoch());
      } else {
        start_election(ctx);
      }
      return;
    case MsgType::kAnswer:  // B4
      if (phase_ == Phase::kAwaitAnswer && from > ctx.self()) {
        wait(ctx, Phase::kAwaitCoordinator, options().coordinator_timeout,
             ElectionTimer::kCoordinator);
      }
      return;
    case MsgType::kCoordinator:  // B5
      if (mutant().breaks("B5") && from > ctx.self() && from == msg.leader) {
        // Mutant B5: records the sender whether or not its epoch is newer.
        record_leader_unchecked(ctx, msg.leader, msg.epoch);
        abandon_election(ctx);
        return;
      }
      if (from < ctx.self()) {
        if (phase_ == Phase::kIdle) start_election(ctx);  // bully the lower coordinator
      } else if (from == msg.leader &&
                 (accept(ctx, msg.leader, msg.epoch) || msg.epoch == epoch())) {
        abandon_election(ctx);  // a new coordinator, or ours confirming its reign
      }
      return;
    default: return;  // ring messages: not ours
  }
}

void Bully::on_election_timer(Context& ctx, ElectionTimer timer) {
  if (timer == ElectionTimer::kAnswer && phase_ == Phase::kAwaitAnswer) {
    become_coordinator(ctx);  // B2: no higher process answered in time
  } else if (timer == ElectionTimer::kCoordinator && phase_ == Phase::kAwaitCoordinator) {
    if (mutant().breaks("B4")) return;  // mutant B4: waits for the COORDINATOR forever
    phase_ = Phase::kIdle;  // B4: the higher process died before announcing; begin again
    start_election(ctx);
  }
}

void Bully::on_suspect(Context& ctx, NodeId peer) {
  if (phase_ != Phase::kAwaitAnswer || peer < ctx.self()) return;
  for (NodeId p : ctx.peers()) {
    if (p > ctx.self() && !suspected(p)) return;  // someone may still answer
  }
  become_coordinator(ctx);  // B2, with the detector standing in for the timer
}

void Bully::wait(Context& ctx, Phase phase, Duration d, ElectionTimer timer) {
  ctx.cancel_timer(timer_);
  phase_ = phase;
  timer_ = ctx.set_timer(d, timer_tag(timer));
}

void Bully::abandon_election(Context& ctx) {
  ctx.cancel_timer(timer_);
  phase_ = Phase::kIdle;
}

std::string Bully::algorithm_status() const {
  switch (phase_) {
    case Phase::kIdle: return "idle";
    case Phase::kAwaitAnswer: return "awaiting answer";
    case Phase::kAwaitCoordinator: return "awaiting coordinator";
  }
  return "?";
}

}  // namespace synod::election
