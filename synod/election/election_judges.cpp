#include "synod/election/election_judges.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <string>

#include "synod/election/bully.hpp"
#include "synod/election/election_ground_truth.hpp"
#include "synod/election/epoch.hpp"
#include "synod/node/observation.hpp"

namespace synod::election {
namespace {

std::string at_ms(std::int64_t t_ns) { return std::to_string(t_ns / 1'000'000) + " ms"; }

// A message slower than this could make a correct election time out (a bully ANSWER arriving
// after answer_timeout; a ring round trip of up to 3n hops within ring_timeout, n <= 10).
Duration slow_for(const ElectionOptions& o, Algorithm a) {
  return a == Algorithm::kBully ? o.answer_timeout / 4 : o.ring_timeout / 32;
}

std::int64_t clip(std::int64_t t) { return std::max<std::int64_t>(t, 0); }

// ---- W1 -------------------------------------------------------------------------------------

class WinnerChecker final : public Checker {
 public:
  WinnerChecker(const ElectionOptions& o, Algorithm a)
      : options_(o), truth_(trust_gap(o), slow_for(o, a)) {}
  std::string_view name() const override { return "election-winner"; }

  std::optional<std::string> on_event(const Event& e) override {
    const auto sent = truth_.on_event(e);
    if (e.kind == EventKind::kStart || e.kind == EventKind::kRecover ||
        e.kind == EventKind::kCrash) {
      own_sends_.erase(e.node);
    }
    if (sent && sent->type == MsgType::kRingElection && sent->candidate == sent->from) {
      own_sends_[sent->from].push_back(sent->t_ns);
    }
    if (e.kind != EventKind::kObserve || e.what != "elected" ||
        !truth_.is_election_protocol(e.protocol)) {
      return std::nullopt;
    }
    return judge(e.node, static_cast<Epoch>(obs_get(e.fields, "epoch")), e.protocol == Bully::kId);
  }

  std::vector<Verdict> verdicts() const override {
    if (excused_ == 0) return {};
    return {{"excused",
             "declarations not judged: a higher node was up but not provably trusted and "
             "reachable for the whole election window",
             excused_}};
  }

 private:
  std::optional<std::string> judge(NodeId d, Epoch epoch, bool bully) {
    const std::int64_t t = truth_.now();
    const std::int64_t gap = trust_gap(options_).count();
    std::int64_t begun = t;
    if (bully) {
      begun = t - options_.answer_timeout.count();
    } else if (auto& q = own_sends_[d]; !q.empty()) {
      begun = q.front();  // the oldest of its ELECTIONs that may be the one that came home
      q.pop_front();
    }
    const std::int64_t lo = clip(begun - gap);
    const std::int64_t calm_from = lo;
    bool excused = false;
    for (NodeId h : truth_.nodes()) {
      if (h <= d || !truth_.up(h)) continue;
      if (!could_know(d, h, bully, lo, calm_from)) {
        excused = true;
        continue;
      }
      return "W1: node " + std::to_string(d) + " declared epoch " + epoch_string(epoch) + " at " +
             at_ms(t) + " while higher node " + std::to_string(h) +
             " was up, trusted and reachable since " + at_ms(lo) +
             (bully ? " (it would have answered the ELECTION)"
                    : " (it was on the ring and would have stopped the ELECTION)");
    }
    excused_ += excused ? 1 : 0;
    return std::nullopt;
  }

  bool could_know(NodeId d, NodeId h, bool bully, std::int64_t lo, std::int64_t calm_from) const {
    if (truth_.life_start(h) > calm_from || truth_.life_start(d) > calm_from) return false;
    if (truth_.storage_error(h)) return false;
    if (truth_.last_fault() >= calm_from || truth_.last_pause() >= calm_from) return false;
    if (bully) {
      return truth_.last_trouble(d, h) < calm_from && !truth_.overdue(d, h) &&
             truth_.trusted_throughout(h, d, lo);
    }
    if (truth_.last_life_change() >= calm_from || truth_.last_drop_involving(h) >= calm_from ||
        truth_.last_reject() >= calm_from) {
      return false;
    }
    for (NodeId x : truth_.nodes()) {
      if (x != h && truth_.up(x) && !truth_.trusted_throughout(h, x, lo)) return false;
    }
    return true;
  }

  ElectionOptions options_;
  GroundTruth truth_;
  std::map<NodeId, std::deque<std::int64_t>> own_sends_;  // ring: ELECTION(own id), this life
  std::uint64_t excused_ = 0;
};

// ---- D1 -------------------------------------------------------------------------------------

class DeclarationsChecker final : public Checker {
 public:
  DeclarationsChecker(const ElectionOptions& o, Algorithm a)
      : truth_(trust_gap(o), slow_for(o, a)) {}
  std::string_view name() const override { return "election-declarations"; }

  std::optional<std::string> on_event(const Event& e) override {
    truth_.on_event(e);
    if (e.kind == EventKind::kStart || e.kind == EventKind::kRecover ||
        e.kind == EventKind::kCrash) {
      reign_.erase(e.node);
      return std::nullopt;
    }
    if (e.kind != EventKind::kObserve || !truth_.is_election_protocol(e.protocol)) {
      return std::nullopt;
    }
    const auto epoch = static_cast<Epoch>(obs_get(e.fields, "epoch"));
    if (e.what == "leader" && static_cast<NodeId>(obs_get(e.fields, "leader")) != e.node) {
      if (auto it = reign_.find(e.node); it != reign_.end()) it->second.other_leader = true;
      return std::nullopt;
    }
    if (e.what != "elected") return std::nullopt;
    std::optional<std::string> violation;
    if (const auto it = reign_.find(e.node); it != reign_.end()) {
      const Reign& r = it->second;
      const bool new_election = truth_.last_election_delivery_seq(e.node) > r.seq;
      if (!new_election && !r.other_leader && !other_declared_since(e.node, r)) {
        violation = "D1: node " + std::to_string(e.node) + " declared epoch " +
                    epoch_string(epoch) + " after its own " + epoch_string(r.epoch) +
                    " in the same life, with no election message delivered, no other leader "
                    "accepted and no other declaration in between";
      }
    }
    reign_[e.node] = {e.seq, epoch, false};
    declared_.push_back({e.seq, e.node, epoch});
    return violation;
  }

 private:
  struct Reign {
    std::uint64_t seq = 0;  // the declaration's event
    Epoch epoch = 0;
    bool other_leader = false;  // accepted another leader since
  };
  struct Declared {
    std::uint64_t seq;
    NodeId node;
    Epoch epoch;
  };
  // Another node declared after `r` began, or declared (ever) an epoch above r's: the node's
  // reign is then stale and it rightly runs again.
  bool other_declared_since(NodeId node, const Reign& r) const {
    return std::any_of(declared_.begin(), declared_.end(), [&](const Declared& d) {
      return d.node != node && (d.seq > r.seq || d.epoch > r.epoch);
    });
  }

  GroundTruth truth_;
  std::map<NodeId, Reign> reign_;
  std::vector<Declared> declared_;
};

// ---- M1, M2 ---------------------------------------------------------------------------------

class MessagesChecker final : public Checker {
 public:
  MessagesChecker(const ElectionOptions& o, Algorithm a)
      : algorithm_(a),
        truth_(trust_gap(o), slow_for(o, a)),
        quiet_(a == Algorithm::kBully ? (o.answer_timeout + o.coordinator_timeout).count()
                                      : o.ring_timeout.count()),
        settle_((election::liveness_window(o, a) - o.start_delay).count()) {}
  std::string_view name() const override { return "election-messages"; }

  std::optional<std::string> on_event(const Event& e) override {
    const auto sent = truth_.on_event(e);
    if (truth_.is_election_protocol(e.protocol)) {
      algorithm_ = e.protocol == Bully::kId ? Algorithm::kBully : Algorithm::kRing;
    }
    const bool declared = e.kind == EventKind::kObserve && e.what == "elected" &&
                          truth_.is_election_protocol(e.protocol);
    if (!sent && !declared) return std::nullopt;
    const std::int64_t t = sent ? sent->t_ns : e.time_ns;
    std::optional<std::string> verdict;
    if (ep_.open && t - ep_.last >= quiet_) verdict = close();
    if (!ep_.open) {
      ep_.open = true;
      ep_.start = t;
    }
    ep_.last = t;
    if (sent) {
      switch (sent->type) {
        case MsgType::kElection: ++ep_.election; break;
        case MsgType::kAnswer: ++ep_.answer; break;
        case MsgType::kCoordinator: ++ep_.coordinator; break;
        default: ++ep_.election; break;  // ring: ELECTION and ELECTED
      }
    } else {
      ++ep_.declarations;
    }
    std::uint64_t up = 0;
    for (NodeId n : truth_.nodes()) up += truth_.up(n) ? 1 : 0;
    ep_.n = std::max(ep_.n, up);
    if (!calm_now()) ep_.disturbed = true;
    return verdict;
  }

  // The run's last episode is judged at its end (the stabilise phase, if it is calm).
  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId> down) override {
    (void)up;
    (void)down;
    return ep_.open ? close() : std::nullopt;
  }

  std::vector<Verdict> verdicts() const override {
    std::vector<Verdict> v;
    if (judged_ > 0)
      v.push_back({"judged", "failure-free election episodes within the bounds", judged_});
    if (excused_ > 0)
      v.push_back({"excused", "election episodes not judged: not failure-free", excused_});
    return v;
  }

 private:
  struct Episode {
    bool open = false;
    bool disturbed = false;
    std::int64_t start = 0;
    std::int64_t last = 0;
    std::uint64_t n = 0;
    std::uint64_t election = 0, answer = 0, coordinator = 0, declarations = 0;
  };

  // No disturbance from `settle_` before the episode (or from boot) until now, and nobody could
  // have suspected anybody: so far the episode is one failure-free election.
  bool calm_now() const {
    const std::int64_t from = ep_.start - settle_;
    return truth_.last_disturbance() < from && !truth_.any_overdue() &&
           truth_.all_trusted_throughout(clip(from));
  }

  // Judges the finished episode (if it was calm throughout) and starts afresh.
  std::optional<std::string> close() {
    const Episode ep = ep_;
    ep_ = {};
    if (ep.disturbed || ep.n == 0) {
      ++excused_;
      return std::nullopt;
    }
    const MessageBounds b = message_bounds(algorithm_, ep.n);
    const std::string where = " in one failure-free election of " + std::to_string(ep.n) +
                              " nodes (" + at_ms(ep.start) + " to " + at_ms(ep.last) + ")";
    if (ep.declarations > 1)
      return "M2: " + std::to_string(ep.declarations) + " declarations" + where;
    const std::uint64_t total = ep.election + ep.answer + ep.coordinator;
    std::string what;
    if (algorithm_ == Algorithm::kBully) {
      if (ep.election > b.election) what = std::to_string(ep.election) + " ELECTION";
      if (ep.answer > b.election) what = std::to_string(ep.answer) + " ANSWER";
      if (ep.coordinator > b.coordinator) what = std::to_string(ep.coordinator) + " COORDINATOR";
    }
    if (what.empty() && total > b.total) what = std::to_string(total) + " messages";
    if (what.empty()) {
      ++judged_;
      return std::nullopt;
    }
    return "M1: " + what + where + "; bound: " +
           (algorithm_ == Algorithm::kBully
                ? std::to_string(b.election) + " ELECTION, " + std::to_string(b.election) +
                      " ANSWER, " + std::to_string(b.coordinator) + " COORDINATOR"
                : std::to_string(b.total) + " = 3n-1 messages");
  }

  Algorithm algorithm_;
  GroundTruth truth_;
  std::int64_t quiet_;
  std::int64_t settle_;
  Episode ep_;
  std::uint64_t judged_ = 0;
  std::uint64_t excused_ = 0;
};

}  // namespace

MessageBounds message_bounds(Algorithm a, std::uint64_t n) {
  if (n == 0) return {};
  if (a == Algorithm::kRing) return {3 * n - 1, 0, 3 * n - 1};
  const std::uint64_t election = n * (n - 1) / 2 + (n - 1);
  const std::uint64_t coordinator = 2 * (n - 1);
  return {election, coordinator, 2 * election + coordinator};
}

std::unique_ptr<Checker> make_winner_checker(const ElectionOptions& o, Algorithm a) {
  return std::make_unique<WinnerChecker>(o, a);
}
std::unique_ptr<Checker> make_declarations_checker(const ElectionOptions& o, Algorithm a) {
  return std::make_unique<DeclarationsChecker>(o, a);
}
std::unique_ptr<Checker> make_messages_checker(const ElectionOptions& o, Algorithm a) {
  return std::make_unique<MessagesChecker>(o, a);
}

}  // namespace synod::election
