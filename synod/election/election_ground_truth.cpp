#include "synod/election/election_ground_truth.hpp"

#include <algorithm>

#include "synod/election/bully.hpp"
#include "synod/election/ring.hpp"
#include "synod/node/observation.hpp"

namespace synod::election {

bool GroundTruth::is_election_protocol(ProtocolId p) const {
  return p == Bully::kId || p == Ring::kId;
}

std::optional<GroundTruth::Sent> GroundTruth::on_event(const Event& e) {
  now_ = e.time_ns;
  switch (e.kind) {
    case EventKind::kStart:
    case EventKind::kRecover: {
      Life& l = lives_[e.node];
      l = {true, false, l.life + 1, e.time_ns};
      forget_messages_to(e.node);  // a new life gets none of what was sent to the old one
      nodes_.insert(e.node);
      storage_error_.erase(e.node);
      last_life_change_ = e.time_ns;  // a start too: the stream to the node is not set up yet
      // A fresh detector trusts everyone until the bootstrap timeout.
      for (auto& [pair, heard] : heard_) {
        if (pair.second == e.node) heard.last = std::max(heard.last, l.start);
      }
      return std::nullopt;
    }
    case EventKind::kCrash:
      lives_[e.node].up = false;
      lives_[e.node].paused = false;
      last_life_change_ = e.time_ns;
      claims_.erase(e.node);
      entering_.erase(e.node);
      forget_messages_to(e.node);
      std::erase_if(election_frames_,
                    [&](const auto& kv) { return std::get<0>(kv.first) == e.node; });
      return std::nullopt;
    case EventKind::kPause:
    case EventKind::kResume:
      lives_[e.node].paused = e.kind == EventKind::kPause;
      last_pause_ = e.time_ns;
      return std::nullopt;
    case EventKind::kFault: last_fault_ = e.time_ns; return std::nullopt;
    case EventKind::kHeal: last_heal_ = e.time_ns; return std::nullopt;
    default: break;
  }
  if (!is_election_protocol(e.protocol)) return std::nullopt;
  switch (e.kind) {
    case EventKind::kObserve: return on_observe(e);
    case EventKind::kSend: {
      // The data frame that carries a message follows its "ch.send" in the same input.
      std::optional<Sent> sent;
      if (auto p = entering_.find(e.node); p != entering_.end()) {
        if (p->second.t_ns == e.time_ns && p->second.to == e.peer) sent = p->second;
        entering_.erase(p);
      }
      in_flight_[e.msg_id] = {e.time_ns, e.node, e.peer, sent.has_value()};
      return sent;
    }
    case EventKind::kDeliver: {
      const auto f = in_flight_.find(e.msg_id);
      if (f != in_flight_.end()) {
        if (e.time_ns - f->second.t_ns > slow_) {
          slow_deliveries_[undirected(e.node, e.peer)] = e.time_ns;
          last_slow_any_ = e.time_ns;
        }
        in_flight_.erase(f);
      }
      return std::nullopt;
    }
    case EventKind::kDrop: {
      const auto f = in_flight_.find(e.msg_id);
      const bool election = f != in_flight_.end() && f->second.election;
      if (f != in_flight_.end()) in_flight_.erase(f);
      if (e.what == "receiver down" || e.what == "no such node") {
        // Lives say whether the receiver could answer; an election message lost this way still
        // makes the election not failure-free (a node that had not started yet, or had crashed).
        if (election) last_lost_election_ = e.time_ns;
        return std::nullopt;
      }
      drops_[undirected(e.node, e.peer)] = e.time_ns;
      drops_by_node_[e.node] = e.time_ns;
      drops_by_node_[e.peer] = e.time_ns;
      last_drop_any_ = e.time_ns;
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

std::optional<GroundTruth::Sent> GroundTruth::on_observe(const Event& e) {
  if (e.what == "msg") {
    // Claims the channel dropped (a peer's restart) never enter a stream: forget old ones.
    std::erase_if(claims_[e.node], [&](const Claim& c) { return e.time_ns - c.t_ns > kHorizon; });
    claims_[e.node].push_back({e.time_ns, static_cast<NodeId>(obs_get(e.fields, "to")),
                               static_cast<MsgType>(obs_get(e.fields, "type")),
                               static_cast<NodeId>(obs_get(e.fields, "candidate")),
                               obs_get(e.fields, "hash")});
  } else if (e.what == "ch.send") {
    // A message enters the peer's stream (now, or once the stream exists): if it is one the
    // election claimed, the frame the channel puts on the network next is that message.
    const auto to = static_cast<NodeId>(obs_get(e.fields, "peer"));
    const std::int64_t hash = obs_get(e.fields, "hash");
    auto& claims = claims_[e.node];
    const auto it = std::find_if(claims.begin(), claims.end(),
                                 [&](const Claim& c) { return c.to == to && c.hash == hash; });
    if (it != claims.end()) {
      entering_[e.node] = {e.time_ns, e.node, to, it->type, it->candidate};
      election_frames_[{e.node, obs_get(e.fields, "ss"), obs_get(e.fields, "ds"),
                        obs_get(e.fields, "seq")}] = {it->t_ns, to};
      claims.erase(it);
    }
  } else if (e.what == "ch.deliver") {
    // The channel handed a message of `peer` to this node's election protocol: the node heard
    // from it (its detector counts every message), and perhaps an election message arrived.
    const auto from = static_cast<NodeId>(obs_get(e.fields, "peer"));
    Heard& h = heard_[{from, e.node}];
    if (h.last == kNever || h.last < life_start(e.node)) h.last = life_start(e.node);
    if (e.time_ns - h.last > trust_gap_) h.gap_end = e.time_ns;
    h.last = e.time_ns;
    const Frame key{from, obs_get(e.fields, "ss"), obs_get(e.fields, "ds"),
                    obs_get(e.fields, "seq")};
    if (const auto f = election_frames_.find(key); f != election_frames_.end()) {
      election_delivered_seq_[e.node] = e.seq;
      if (e.time_ns - f->second.claimed_ns > slow_) {
        slow_deliveries_[undirected(e.node, from)] = e.time_ns;
        last_slow_any_ = e.time_ns;
      }
      election_frames_.erase(f);
    }
  } else if (e.what == "storage_error") {
    storage_error_.insert(e.node);
  } else if (e.what == "ch.reject") {
    rejects_[e.node] = e.time_ns;
    last_reject_any_ = e.time_ns;
  }
  return std::nullopt;
}

// Frames in a stream to the old life are never delivered to the new one. Messages still
// waiting for a stream (claims) are: the channel sends them once it learns the new session.
void GroundTruth::forget_messages_to(NodeId n) {
  std::erase_if(election_frames_, [&](const auto& kv) { return kv.second.to == n; });
  std::erase_if(in_flight_, [&](const auto& kv) { return kv.second.to == n; });
}

bool GroundTruth::up(NodeId n) const {
  const auto it = lives_.find(n);
  return it != lives_.end() && it->second.up && !it->second.paused;
}

std::int64_t GroundTruth::life_start(NodeId n) const {
  const auto it = lives_.find(n);
  return it == lives_.end() || !it->second.up ? now_ + 1 : it->second.start;
}

std::uint32_t GroundTruth::life(NodeId n) const {
  const auto it = lives_.find(n);
  return it == lives_.end() ? 0 : it->second.life;
}

std::int64_t GroundTruth::last_disturbance() const {
  return std::max({last_fault_, last_pause_, last_life_change_, last_drop_any_, last_slow_any_,
                   last_reject_any_, last_lost_election_});
}

std::int64_t GroundTruth::get(const std::map<Pair, std::int64_t>& m, NodeId a, NodeId b) const {
  const auto it = m.find(undirected(a, b));
  return it == m.end() ? kNever : it->second;
}

std::int64_t GroundTruth::last_trouble(NodeId a, NodeId b) const {
  auto reject = [&](NodeId n) {
    const auto it = rejects_.find(n);
    return it == rejects_.end() ? kNever : it->second;
  };
  return std::max({get(drops_, a, b), get(slow_deliveries_, a, b), reject(a), reject(b)});
}

std::int64_t GroundTruth::last_drop_involving(NodeId n) const {
  const auto it = drops_by_node_.find(n);
  return it == drops_by_node_.end() ? kNever : it->second;
}

bool GroundTruth::overdue(NodeId a, NodeId b) const {
  const auto between = [&](NodeId from, NodeId to) {
    return (from == a && to == b) || (from == b && to == a);
  };
  const auto late = [&](std::int64_t t) { return now_ - t > slow_; };
  for (const auto& [id, f] : in_flight_) {
    if (between(f.from, f.to) && late(f.t_ns)) return true;
  }
  for (const auto& [frame, c] : election_frames_) {
    if (between(std::get<0>(frame), c.to) && late(c.claimed_ns) && up(c.to)) return true;
  }
  for (const auto& [from, claims] : claims_) {
    for (const Claim& c : claims) {
      if (between(from, c.to) && late(c.t_ns) && up(c.to)) return true;
    }
  }
  return false;
}

bool GroundTruth::any_overdue() const {
  const auto late = [&](std::int64_t t) { return now_ - t > slow_; };
  for (const auto& [id, f] : in_flight_) {
    if (up(f.to) && late(f.t_ns)) return true;
  }
  for (const auto& [frame, c] : election_frames_) {
    if (up(c.to) && late(c.claimed_ns)) return true;
  }
  for (const auto& [from, claims] : claims_) {
    for (const Claim& c : claims) {
      if (up(c.to) && late(c.t_ns)) return true;
    }
  }
  return false;
}

bool GroundTruth::trusted_throughout(NodeId from, NodeId to, std::int64_t lo) const {
  const auto it = heard_.find({from, to});
  std::int64_t last = life_start(to);
  std::int64_t gap_end = kNever;
  if (it != heard_.end()) {
    last = std::max(last, it->second.last);
    gap_end = it->second.gap_end;
  }
  if (last > now_) return false;  // `to` is down
  return gap_end <= lo && now_ - last <= trust_gap_;
}

bool GroundTruth::all_trusted_throughout(std::int64_t lo) const {
  for (NodeId a : nodes_) {
    if (!up(a)) continue;
    for (NodeId b : nodes_) {
      if (a != b && up(b) && !trusted_throughout(a, b, lo)) return false;
    }
  }
  return true;
}

std::uint64_t GroundTruth::last_election_delivery_seq(NodeId n) const {
  const auto it = election_delivered_seq_.find(n);
  return it == election_delivered_seq_.end() ? 0 : it->second;
}

}  // namespace synod::election
