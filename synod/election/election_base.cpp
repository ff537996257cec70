#include "synod/election/election_base.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "synod/core/hash.hpp"

namespace synod::election {

std::string_view msg_type_name(MsgType t) {
  switch (t) {
    case MsgType::kHeartbeat: return "heartbeat";
    case MsgType::kElection: return "election";
    case MsgType::kAnswer: return "answer";
    case MsgType::kCoordinator: return "coordinator";
    case MsgType::kRingElection: return "ring-election";
    case MsgType::kElected: return "elected";
  }
  return "unknown";
}

ElectionBase::ElectionBase(ElectionOptions options)
    : options_(options),
      fd_(options.detector),
      beats_(options.detector.heartbeat_interval, timer_tag(ElectionTimer::kBeat)) {}

void ElectionBase::on_start(Context& ctx) {
  now_ = ctx.now();
  const auto stored = load_round(ctx.storage());
  if (!stored) {
    // Without the last round we cannot promise a fresh epoch: refuse to run; an operator looks.
    ctx.log("corrupt epoch record; not taking part in elections");
    ctx.observe("storage_error", {});
    return;
  }
  running_ = true;
  max_round_ = *stored;
  fd_.start(now_, ctx.peers());
  beats_.start(ctx);
  if (options_.start_delay > Duration::zero()) {
    ctx.set_timer(options_.start_delay, timer_tag(ElectionTimer::kStart));
  } else {
    booted_ = true;
    reconcile(ctx);
  }
}

void ElectionBase::on_message(Context& ctx, NodeId from, ByteView payload) {
  now_ = ctx.now();
  if (!running_) return;
  auto msg = wire::decode<ElectionMessage>(payload);
  if (!msg || msg->type > kMaxMsgType) {
    ++decode_errors_;
    return;
  }
  fd_.record_heartbeat(from, now_);  // every message is evidence of life
  poll_detector(ctx);                // ... and trusts the sender at once, not at the next tick
  learn(*msg);
  switch (static_cast<MsgType>(msg->type)) {
    case MsgType::kHeartbeat: maybe_adopt(ctx, msg->leader, msg->epoch); break;
    case MsgType::kElection:
    case MsgType::kAnswer:
    case MsgType::kRingElection:
      maybe_adopt(ctx, msg->leader, msg->epoch);
      handle(ctx, from, *msg);
      break;
    case MsgType::kCoordinator:
    case MsgType::kElected: handle(ctx, from, *msg); break;
  }
  reconcile(ctx);
}

void ElectionBase::on_timer(Context& ctx, std::uint64_t tag) {
  now_ = ctx.now();
  if (!running_) return;
  const TimerTag t = TimerTag::from(tag);
  if (t.layer() != TimerLayer::kProtocol) return;  // not ours (a layer passes only our tags)
  switch (const auto kind = t.kind<ElectionTimer>()) {
    case ElectionTimer::kBeat: tick(ctx); break;
    case ElectionTimer::kStart: booted_ = true; break;
    case ElectionTimer::kAnswer:
    case ElectionTimer::kCoordinator:
    case ElectionTimer::kRing: on_election_timer(ctx, kind); break;
    default: return;  // an unknown kind: never set by us
  }
  reconcile(ctx);
}

// Every heartbeat period: beat (with this node's view, so a lost COORDINATOR is repaired), then
// let the detector judge.
void ElectionBase::tick(Context& ctx) {
  ElectionMessage beat;
  beat.leader = leader_;
  beat.epoch = epoch_;
  beat.max_round = max_round_;
  beats_.on_timer(ctx, timer_tag(ElectionTimer::kBeat), wire::encode(beat));
  poll_detector(ctx);
}

void ElectionBase::poll_detector(Context& ctx) {
  for (const detect::Transition& t : fd_.poll(now_)) {
    ctx.log(std::string(t.suspected ? "suspect " : "trust ") + std::to_string(t.peer));
    if (t.suspected) on_suspect(ctx, t.peer);
  }
}

void ElectionBase::send(Context& ctx, NodeId to, MsgType type, NodeId leader, Epoch epoch,
                        NodeId candidate) {
  ElectionMessage m;
  m.type = static_cast<std::uint32_t>(type);
  m.leader = type == MsgType::kCoordinator || type == MsgType::kElected ? leader : leader_;
  m.epoch = type == MsgType::kCoordinator || type == MsgType::kElected ? epoch : epoch_;
  m.max_round = max_round_;
  m.candidate = candidate;
  Bytes bytes = wire::encode(m);
  if (type != MsgType::kHeartbeat) {
    // The hash ties the message to the channel's "ch.send"/"ch.deliver" (election_ground_truth).
    ctx.observe("msg", {{"type", static_cast<std::int64_t>(type)},
                        {"to", to},
                        {"candidate", candidate},
                        {"hash", static_cast<std::int64_t>(hash64(bytes))}});
  }
  ctx.send(to, std::move(bytes));
}

void ElectionBase::learn(const ElectionMessage& msg) {
  const std::uint64_t seen = std::max(msg.max_round, epoch_round(msg.epoch));
  max_round_ = std::max(max_round_, std::min(seen, kMaxRound));
  if (epoch_round(msg.epoch) <= kMaxRound) max_epoch_seen_ = std::max(max_epoch_seen_, msg.epoch);
}

bool ElectionBase::declare(Context& ctx) {
  const std::uint64_t round = max_round_ + 1;
  SYNOD_ASSERT(round <= kMaxRound);
  // Persist before announcing: after a crash this node restarts from at least `round`, so it
  // can never announce the same epoch twice (checker rule E2).
  if (!options_.unsafe_skip_sync && !store_round(ctx.storage(), round)) {
    ctx.log("cannot persist the round; not announcing");
    return false;
  }
  max_round_ = round;
  const Epoch e = make_epoch(round, ctx.self());
  ctx.observe("elected", {{"epoch", static_cast<std::int64_t>(e)}});
  leader_ = ctx.self();
  epoch_ = e;
  ctx.observe("leader", {{"epoch", static_cast<std::int64_t>(e)}, {"leader", leader_}});
  return true;
}

bool ElectionBase::accept(Context& ctx, NodeId leader, Epoch epoch) {
  // An epoch names its leader; a message claiming otherwise is garbage.
  if (epoch <= epoch_ || epoch_leader(epoch) != leader || leader == ctx.self()) return false;
  leader_ = leader;
  epoch_ = epoch;
  ctx.observe("leader", {{"epoch", static_cast<std::int64_t>(epoch)}, {"leader", leader}});
  return true;
}

void ElectionBase::record_leader_unchecked(Context& ctx, NodeId leader, Epoch epoch) {
  leader_ = leader;
  epoch_ = epoch;
  ctx.observe("leader", {{"epoch", static_cast<std::int64_t>(epoch)}, {"leader", leader}});
}

void ElectionBase::maybe_adopt(Context& ctx, NodeId leader, Epoch epoch) {
  if (leader <= ctx.self() || epoch <= epoch_ || fd_.suspected(leader)) return;
  if (accept(ctx, leader, epoch)) abandon_election(ctx);
}

bool ElectionBase::needs_election(NodeId self) const {
  if (leader_ == kNoNode || leader_ < self) return true;
  if (leader_ == self) return stale();
  // B1: a process that notices the coordinator has failed begins an election (mutant B1: it
  // ignores the suspicion and keeps following the dead coordinator).
  return fd_.suspected(leader_) && !options_.mutant.breaks("B1");
}

void ElectionBase::reconcile(Context& ctx) {
  if (!booted_ || in_election() || !needs_election(ctx.self())) return;
  start_election(ctx);
}

std::string ElectionBase::status_json() const {
  const nlohmann::json j = {{"name", name()},
                            {"leader", leader_},
                            {"epoch", epoch_string(epoch_)},
                            {"max_round", max_round_},
                            {"election", algorithm_status()},
                            {"detector", nlohmann::json::parse(fd_.status_json(now_))}};
  return j.dump();
}

}  // namespace synod::election
