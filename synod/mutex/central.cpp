#include "synod/mutex/central.hpp"

#include "synod/mutex/token_recovery.hpp"

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

namespace synod::mutex {
namespace {

constexpr std::string_view kEpochKey = "central.epoch";
MutexMsg msg(MsgType t, std::uint64_t epoch, std::uint64_t fencing = 0,
             StateReply state = StateReply::kIdle) {
  MutexMsg m = make_msg(t);
  m.epoch = epoch;
  m.fencing = fencing;
  m.state = state;
  return m;
}

}  // namespace

void Central::start(LockHost& h) {
  epoch_ = h.load(kEpochKey);
  maybe_lead(h);
}

// --- client side -------------------------------------------------------------------------------

void Central::request(LockHost& h) {
  ticks_ = 0;  // retries count from here
  if (leading_) {
    enqueue(h.self());
    grant_next(h);
  } else if (coordinator_ != kNoNode && coordinator_ != h.self()) {
    h.send(coordinator_, msg(MsgType::kRequest, epoch_));  // CC1
    if (h.mutant().breaks("CC1")) h.send(coordinator_, msg(MsgType::kRequest, epoch_));
  }
  // Without a coordinator (or while our own round collects) the request waits: the round's
  // STATE_QUERY, or finish_round for our own, collects it.
}

void Central::release(LockHost& h) {
  if (coordinator_ == h.self()) {  // leading, or collecting our own round
    if (holder_ == h.self()) holder_ = kNoNode;
    grant_next(h);
  } else if (coordinator_ != kNoNode) {
    h.send(coordinator_, msg(MsgType::kRelease, epoch_, my_token_));
  }
}

void Central::on_grant(LockHost& h, NodeId from, const MutexMsg& m) {
  if (m.epoch != epoch_) return;                     // an older epoch's grant: fenced off
  if (coordinator_ == kNoNode) coordinator_ = from;  // restarted after promising this epoch
  if (from != coordinator_) return;
  if (!h.waiting()) {
    // Nobody here wants it (any more): hand it back so the queue moves on.
    h.send(from, msg(MsgType::kRelease, epoch_, m.fencing));
    return;
  }
  my_token_ = m.fencing;
  h.granted(m.fencing);
}

bool Central::promise(LockHost& h, std::uint64_t epoch, NodeId coordinator) {
  if (epoch <= epoch_) return false;
  if (!h.persist(kEpochKey, epoch)) return false;  // an unpersisted promise could be broken
  epoch_ = epoch;
  coordinator_ = coordinator;
  leading_ = false;
  collecting_ = false;
  return true;
}

void Central::on_state_query(LockHost& h, NodeId from, const MutexMsg& m) {
  // The same query again (we restarted after promising it, and the coordinator re-asked our new
  // life) is answered without a new promise.
  const bool again = m.epoch == epoch_ && !collecting_ && !leading_ &&
                     (coordinator_ == from || coordinator_ == kNoNode);
  if (again) coordinator_ = from;
  if (!again && !promise(h, m.epoch, from)) {
    h.send(from, msg(MsgType::kState, epoch_, 0, StateReply::kRefused));
    return;
  }
  const StateReply state = h.holding()   ? StateReply::kHolding
                           : h.waiting() ? StateReply::kWaiting
                                         : StateReply::kIdle;
  h.send(from, msg(MsgType::kState, epoch_, h.holding() ? my_token_ : 0, state));
}

void Central::on_heartbeat(LockHost& h, NodeId from, const MutexMsg& hb) {
  if (hb.coordinator != from || hb.epoch < epoch_) return;  // not a coordinator, or an older one
  if (hb.epoch > epoch_) {
    // A newer epoch runs elsewhere (we restarted, or two sides of a long partition each chose a
    // coordinator): follow it, and if we are the lowest live node, lead a newer one for all.
    if (!promise(h, hb.epoch, from)) return;
  } else if (coordinator_ != kNoNode || collecting_) {
    return;
  } else {
    coordinator_ = from;  // the epoch this node promised before it restarted (or lost track)
  }
  // A node that (re)started after the epoch began learns its coordinator from the coordinator's
  // heartbeat; its state (idle, or a request it sends now) is then consistent.
  if (h.waiting()) h.send(from, msg(MsgType::kRequest, epoch_));
  maybe_lead(h);
}

void Central::fill_heartbeat(MutexMsg& hb) const {
  hb.epoch = epoch_;
  hb.coordinator = leading_ ? coordinator_ : kNoNode;
}

void Central::on_tick(LockHost& h) {
  maybe_lead(h);
  if (++ticks_ % retry_ticks_ != 0) return;
  // Retries (LockOptions::retry): repeated requests and queries are idempotent at the receiver.
  if (h.waiting() && coordinator_ != kNoNode && coordinator_ != h.self()) {
    h.send(coordinator_, msg(MsgType::kRequest, epoch_));
  }
  if (collecting_) {
    for (NodeId p : awaiting_) h.send(p, msg(MsgType::kStateQuery, epoch_));
  }
}

// --- coordinator side --------------------------------------------------------------------------

void Central::maybe_lead(LockHost& h) {
  if (leading_ || collecting_ || h.lowest_live() != h.self()) return;
  begin_round(h);
}

void Central::begin_round(LockHost& h) {
  // Epochs are (round, id) like token generations (token_recovery.hpp), so two coordinators of
  // a split cluster never share one and the newer wins after the heal.
  if (!promise(h, next_generation(epoch_, h.self()), h.self())) return;  // retry next tick
  collecting_ = true;
  ticks_ = 0;
  awaiting_.clear();
  waiters_.clear();
  queue_.clear();
  holder_ = kNoNode;
  if (h.holding()) holder_ = h.self();
  if (h.waiting()) waiters_.insert(h.self());
  for (NodeId p : h.peers()) {
    if (h.suspected(p)) continue;
    awaiting_.insert(p);
    h.send(p, msg(MsgType::kStateQuery, epoch_));
  }
  if (awaiting_.empty()) finish_round(h);
}

void Central::on_state(LockHost& h, NodeId from, const MutexMsg& m) {
  if (!collecting_) return;
  if (m.state == StateReply::kRefused) {
    // Someone promised a newer epoch: give up this round; maybe_lead retries above it.
    if (m.epoch >= epoch_) {
      collecting_ = false;
      epoch_ = m.epoch;
      (void)h.persist(kEpochKey, epoch_);
    }
    return;
  }
  if (m.epoch != epoch_ || awaiting_.erase(from) == 0) return;
  if (m.state == StateReply::kHolding) holder_ = from;
  if (m.state == StateReply::kWaiting) waiters_.insert(from);
  if (awaiting_.empty()) finish_round(h);
}

void Central::finish_round(LockHost& h) {
  collecting_ = false;
  leading_ = true;
  coordinator_ = h.self();
  counter_ = 0;
  if (h.holding()) holder_ = h.self();
  if (h.waiting()) waiters_.insert(h.self());
  // FIFO order of requests made under the old coordinator is lost with it; id order is the
  // deterministic substitute.
  for (NodeId n : waiters_) queue_.push_back(n);
  h.observe("coordinator", {{"epoch", static_cast<std::int64_t>(epoch_)}});
  grant_next(h);
}

void Central::enqueue(NodeId n) {
  if (n == holder_ || std::find(queue_.begin(), queue_.end(), n) != queue_.end()) return;
  queue_.push_back(n);
}

void Central::grant_next(LockHost& h) {
  // CC2: only while nobody holds the lock.
  if (!leading_ || (holder_ != kNoNode && !h.mutant().breaks("CC2")) || queue_.empty()) return;
  // No sync per grant: the epoch is unique to this term of leadership (promised durably before
  // the round) and a restarted node can only lead again under a new, larger epoch, so
  // (epoch, counter) never repeats even though the counter lives in memory. (Session 1 synced the
  // counter on every grant: one fsync, ~10 ms on this VM, in every synchronization delay.)
  // CC4: (epoch, counter).
  const std::uint64_t token =
      h.mutant().breaks("CC4") ? counter_ + 1 : fencing_token(epoch_, counter_ + 1);
  ++counter_;
  holder_ = queue_.front();
  queue_.pop_front();
  if (holder_ == h.self()) {
    my_token_ = token;
    h.granted(token);
  } else {
    h.send(holder_, msg(MsgType::kGrant, epoch_, token));
  }
}

void Central::forget(LockHost& h, NodeId peer) {
  if (collecting_ && awaiting_.erase(peer) != 0 && awaiting_.empty()) finish_round(h);
  if (!leading_) return;
  queue_.erase(std::remove(queue_.begin(), queue_.end(), peer), queue_.end());
  if (holder_ == peer) holder_ = kNoNode;
  grant_next(h);
}

void Central::on_message(LockHost& h, NodeId from, const MutexMsg& m) {
  switch (m.kind()) {
    case MsgType::kRequest:
      if (m.epoch != epoch_) break;
      if (collecting_) waiters_.insert(from);  // asked after answering our query
      if (leading_) {
        enqueue(from);
        grant_next(h);
      }
      break;
    case MsgType::kGrant: on_grant(h, from, m); break;
    case MsgType::kRelease:
      // CC3: the holder's release frees the lock; the head of the queue gets it.
      if ((leading_ || collecting_) && m.epoch == epoch_ && holder_ == from &&
          !h.mutant().breaks("CC3")) {
        holder_ = kNoNode;
        grant_next(h);
      }
      break;
    case MsgType::kStateQuery: on_state_query(h, from, m); break;
    case MsgType::kState: on_state(h, from, m); break;
    default: break;
  }
}

void Central::on_suspect(LockHost& h, NodeId peer) {
  // Recovery under the detector's timing assumption: a silent holder is treated as crashed.
  forget(h, peer);
  if (peer == coordinator_) coordinator_ = kNoNode;
  maybe_lead(h);
}

void Central::on_trust(LockHost& h, NodeId peer) {
  (void)peer;
  maybe_lead(h);
}

void Central::on_restarted(LockHost& h, NodeId peer) {
  // The old life is over (proof, not suspicion): its request and its hold died with it.
  if (collecting_ && awaiting_.count(peer) != 0) {
    h.send(peer, msg(MsgType::kStateQuery, epoch_));  // the query to the old life was dropped
  }
  if (leading_) forget(h, peer);
  // coordinator_ stays: if it was the coordinator that restarted, its new life either runs a new
  // round or already did (its query may arrive before the channel reports the restart).
  maybe_lead(h);
}

nlohmann::json Central::status() const {
  return {{"epoch", epoch_},     {"coordinator", coordinator_},
          {"leading", leading_}, {"collecting", collecting_ ? *awaiting_.begin() : 0},
          {"holder", holder_},   {"queue", queue_}};
}

}  // namespace synod::mutex
