#include "synod/mutex/ricart_agrawala.hpp"

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

namespace synod::mutex {
namespace {

constexpr std::string_view kClockKey = "ra.clock";

MutexMsg msg(MsgType t, std::uint64_t request_ts, std::uint64_t clock = 0) {
  MutexMsg m = make_msg(t);
  m.request_ts = request_ts;
  m.clock = clock;
  return m;
}

}  // namespace

void RicartAgrawala::start(LockHost& h) {
  clock_ = h.load(kClockKey);
  ceiling_ = clock_;
}

// Lamport: advance past everything seen. What is durable is a ceiling above every timestamp this
// node has used, reserved a block at a time (synced before any timestamp under it leaves the
// node): after a crash the clock resumes at the ceiling, so a (T, i) is never reused, and a sync
// costs one tick in kClockBlock instead of one per message. (Session 1 synced every tick: two
// fsyncs per request/reply pair, which capped a real 3-node cluster at ~120 entries/s.)
bool RicartAgrawala::tick_clock(LockHost& h, std::uint64_t seen) {
  if (h.mutant().breaks("RA1")) seen = 0;  // RA1: merge what was seen
  const std::uint64_t next = std::max(clock_, seen) + 1;
  if (next > ceiling_) {
    if (!h.persist(kClockKey, next + kClockBlock)) return false;
    ceiling_ = next + kClockBlock;
  }
  clock_ = next;
  return true;
}

void RicartAgrawala::request(LockHost& h) {
  if (!caught_up(h)) {
    deferred_start_ = true;  // sent once every live peer's clock is known (on_heartbeat)
    return;
  }
  send_request(h);
}

bool RicartAgrawala::caught_up(LockHost& h) const {
  if (!h.detecting()) return true;  // no heartbeats: nothing to wait for (benchmarks)
  for (NodeId p : h.peers()) {
    if (!h.suspected(p) && clock_from_.count(p) == 0) return false;
  }
  return true;
}

void RicartAgrawala::on_heartbeat(LockHost& h, NodeId from, const MutexMsg& hb) {
  if (!h.mutant().breaks("RA1")) clock_ = std::max(clock_, hb.clock);  // RA1
  clock_from_.insert(from);
  if (deferred_start_ && h.waiting() && caught_up(h)) {
    deferred_start_ = false;
    send_request(h);
  }
}

void RicartAgrawala::send_request(LockHost& h) {
  // Ricart-Agrawala: "To enter the critical section: state := WANTED; multicast request".
  if (!tick_clock(h, 0)) return;  // storage failed: stay waiting; nothing was promised
  my_ts_ = clock_;
  ticks_ = 0;  // retries count from here
  my_key_ = ra_key(my_ts_, h.self());
  awaiting_.clear();
  replied_.clear();
  for (NodeId p : h.peers()) {
    if (h.suspected(p)) continue;  // recovery: a crashed process will never reply
    awaiting_.insert(p);
    h.send(p, msg(MsgType::kRaRequest, my_ts_));
  }
  maybe_enter(h);
}

void RicartAgrawala::maybe_enter(LockHost& h) {
  // RA4: "wait until (number of replies received = (N - 1)); state := HELD"
  const std::size_t missing = h.mutant().breaks("RA4") ? 1 : 0;
  if (h.waiting() && my_ts_ != 0 && awaiting_.size() <= missing) h.granted(my_key_);
}

bool RicartAgrawala::defer(const LockHost& h, std::uint64_t their_key) const {
  // RA2: "if (state = HELD or (state = WANTED and (T, pj) < (Ti, pi))) then queue request"
  if (h.mutant().breaks("RA2")) return h.holding();
  return h.holding() || (h.waiting() && my_ts_ != 0 && my_key_ < their_key);
}

void RicartAgrawala::on_request(LockHost& h, NodeId from, const MutexMsg& m) {
  if (!tick_clock(h, m.request_ts)) return;  // cannot persist: no reply rather than an unsafe one
  rejoin(h, from);  // it is alive: if we had written it off, it must see our request first
  if (defer(h, ra_key(m.request_ts, from))) {
    const std::pair<NodeId, std::uint64_t> entry(from, m.request_ts);
    // A retried request is queued once.
    if (std::find(deferred_.begin(), deferred_.end(), entry) == deferred_.end()) {
      deferred_.push_back(entry);
    }
  } else {
    reply(h, from, m.request_ts);  // "else reply immediately to pi"
  }
}

void RicartAgrawala::reply(LockHost& h, NodeId to, std::uint64_t ts) {
  h.send(to, msg(MsgType::kRaReply, ts, clock_));
}

void RicartAgrawala::on_reply(LockHost& h, NodeId from, const MutexMsg& m) {
  if (!h.mutant().breaks("RA1")) clock_ = std::max(clock_, m.clock);  // RA1
  if (!h.waiting() || m.request_ts != my_ts_) return;  // answers an earlier request: ignore
  awaiting_.erase(from);
  replied_.insert(from);
  maybe_enter(h);
}

void RicartAgrawala::release(LockHost& h) {
  // RA3: "To exit the critical section: state := RELEASED; reply to any queued requests"
  my_ts_ = 0;
  my_key_ = 0;
  auto queued = std::move(deferred_);
  deferred_.clear();
  if (h.mutant().breaks("RA3")) return;
  for (const auto& [peer, ts] : queued) reply(h, peer, ts);
}

void RicartAgrawala::on_message(LockHost& h, NodeId from, const MutexMsg& m) {
  if (m.kind() == MsgType::kRaRequest) on_request(h, from, m);
  if (m.kind() == MsgType::kRaReply) on_reply(h, from, m);
}

void RicartAgrawala::on_suspect(LockHost& h, NodeId peer) {
  if (deferred_start_ && h.waiting() && caught_up(h)) {
    deferred_start_ = false;
    send_request(h);
    return;
  }
  // Special recovery measure: a crashed process is removed from the replies awaited.
  if (awaiting_.erase(peer) != 0) maybe_enter(h);
}

void RicartAgrawala::on_restarted(LockHost& h, NodeId peer) {
  // The new life never saw our request (the channel dropped it with the old stream): ask again.
  if (h.waiting() && my_ts_ != 0 && awaiting_.count(peer) != 0) {
    h.send(peer, msg(MsgType::kRaRequest, my_ts_));
  }
  rejoin(h, peer);
}

void RicartAgrawala::rejoin(LockHost& h, NodeId peer) {
  if (!h.waiting() || my_ts_ == 0 || awaiting_.count(peer) != 0 || replied_.count(peer) != 0) {
    return;
  }
  awaiting_.insert(peer);
  h.send(peer, msg(MsgType::kRaRequest, my_ts_));
}

void RicartAgrawala::on_tick(LockHost& h) {
  if (++ticks_ % retry_ticks_ != 0 || !h.waiting() || my_ts_ == 0) return;
  // Retry (LockOptions::retry): a reply can be lost when its sender learned of our restart only
  // after sending it; a repeated request is answered (or deferred) once more, harmlessly.
  for (NodeId p : awaiting_) h.send(p, msg(MsgType::kRaRequest, my_ts_));
}

nlohmann::json RicartAgrawala::status() const {
  return {{"clock", clock_},
          {"request_ts", my_ts_},
          {"awaiting", awaiting_.size()},
          {"deferred", deferred_.size()}};
}

}  // namespace synod::mutex
