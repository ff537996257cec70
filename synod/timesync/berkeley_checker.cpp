#include "synod/timesync/berkeley_checker.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <vector>

namespace synod::timesync {

Duration berkeley_liveness_window(const BerkeleyOptions& o) {
  return o.master_timeout + 3 * o.period + 2 * (o.period + o.reply_timeout);
}

BerkeleyCheckOptions berkeley_check_options(const BerkeleyOptions& o) {
  BerkeleyCheckOptions c;
  c.live_window = berkeley_liveness_window(o);
  c.rtt_limit = o.rtt_limit;
  c.period = o.period;
  c.master_timeout = o.master_timeout;
  c.master = o.master;
  return c;
}

namespace {

class BerkeleyChecker final : public Checker {
 public:
  explicit BerkeleyChecker(BerkeleyCheckOptions o) : o_(o), rho_(o.drift_ppm * 1e-6) {}
  std::string_view name() const override { return "berkeley"; }
  Duration liveness_window() const override { return o_.live_window; }

  std::optional<std::string> on_event(const Event& e) override {
    last_ns_ = e.time_ns;
    switch (e.kind) {
      case EventKind::kStart:
      case EventKind::kRecover:
        started_[e.node] = e.time_ns;
        master_[e.node] = false;
        return std::nullopt;
      case EventKind::kCrash: master_[e.node] = false; return std::nullopt;
      case EventKind::kHeal: healed_ns_ = e.time_ns; return std::nullopt;
      case EventKind::kFault:
        if (e.what == "clock step") {
          last_step_ns_ = e.time_ns;
          node_step_ns_[e.node] = e.time_ns;
        }
        return std::nullopt;
      case EventKind::kObserve: break;
      default: return std::nullopt;
    }
    if (e.what == "master") {
      master_[e.node] = obs_get(e.fields, "on") != 0;
    } else if (e.what == "poll") {
      rounds_[{e.node, obs_get(e.fields, "round")}] = Round{e.time_ns, {}, {}};
      prune(e.time_ns);
    } else if (e.what == "reply") {
      const auto it = rounds_.find({e.node, obs_get(e.fields, "round")});
      if (it != rounds_.end()) {
        const auto node = static_cast<NodeId>(obs_get(e.fields, "node"));
        it->second.rtt[node] = e.time_ns - it->second.poll_ns;
        last_reply_rtt_[node] = e.time_ns - it->second.poll_ns;
      }
    } else if (e.what == "adjust") {
      return on_adjust(e);
    }
    return std::nullopt;
  }

  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId> down) override {
    // The simulator calls this at least the liveness window after the heal (it lengthens the
    // stabilize phase to it), also when the last event came earlier: a protocol that went quiet.
    last_ns_ = std::max(last_ns_, healed_ns_ + o_.live_window.count());
    std::vector<NodeId> judged;
    const std::uint64_t slow_before = slow_;
    for (NodeId n : up) {
      const std::int64_t since = std::max(healed_ns_, started_[n]);
      if (last_ns_ - since < o_.live_window.count()) {
        ++not_judged_;
        continue;
      }
      if (last_adjust_[n].at_ns < since && too_slow(n)) {
        ++slow_;  // B3: its replies are ignored, rightly
        continue;
      }
      judged.push_back(n);
      if (last_adjust_[n].at_ns < since) {  // BL1
        return "BL1: node " + std::to_string(n) + " has not been adjusted since " +
               format_duration(Duration(since)) + " (window " + format_duration(o_.live_window) +
               ")";
      }
    }
    // A node that came up late: BL2 and BL3 wait (the slow ones are excused, not late).
    if (judged.size() + (slow_ - slow_before) != up.size()) return std::nullopt;
    if (auto v = spread(judged)) return v;
    return one_master(up, down);
  }

  std::vector<Verdict> verdicts() const override {
    std::vector<Verdict> v;
    if (stepped_ != 0) v.push_back({"excused", "round with a clock step (BK1)", stepped_});
    if (slow_ != 0) {
      v.push_back({"excused", "node whose replies are slower than rtt_limit (BL1-BL2)", slow_});
    }
    if (not_judged_ != 0) {
      v.push_back(
          {"not judged", "node up for less than the liveness window (BL1-BL3)", not_judged_});
    }
    return v;
  }

 private:
  struct Adjusted {
    NodeId node = kNoNode;
    std::int64_t at_ns = -1;
    std::int64_t error_ns = 0;  // committed clock - true time
    std::int64_t rtt_ns = 0;    // true round trip of its sample
  };
  struct Round {
    std::int64_t poll_ns;
    std::map<NodeId, std::int64_t> rtt;  // node -> true round trip of its reply
    std::vector<Adjusted> adjusted;
  };

  std::uint32_t priority(NodeId n) const { return n == o_.master ? 0 : n; }

  // The TRUE round trip of n's last reply to a master exceeded rtt_limit: rule B3 ignores it.
  bool too_slow(NodeId n) const {
    const auto it = last_reply_rtt_.find(n);
    return it != last_reply_rtt_.end() && it->second > o_.rtt_limit.count();
  }

  std::optional<std::string> on_adjust(const Event& e) {
    const auto f = e.fields;
    const NodeId master = static_cast<NodeId>(obs_get(f, "master"));
    Adjusted me{e.node, e.time_ns, obs_get(f, "committed_ns") - e.time_ns, 0};
    last_adjust_[e.node] = me;
    const bool included = obs_get(f, "included") != 0;
    const std::int64_t adj = obs_get(f, "adj_ns");
    const std::int64_t limit = obs_get(f, "limit_ns");
    if (included && std::llabs(adj) > limit) {  // BK2
      return "BK2: node " + std::to_string(e.node) + " was part of the average but adjusted by " +
             format_duration(Duration(adj)) + " > max_deviation " +
             format_duration(Duration(limit));
    }
    const auto it = rounds_.find({master, obs_get(f, "round")});
    if (it == rounds_.end()) return std::nullopt;
    Round& r = it->second;
    if (e.node != master) {
      const auto rtt = r.rtt.find(e.node);
      if (rtt == r.rtt.end()) return std::nullopt;  // the master's reply is not in the trace
      me.rtt_ns = rtt->second;
      last_adjust_[e.node].rtt_ns = me.rtt_ns;
      const auto max_rtt = o_.rtt_limit.count() + drift(o_.rtt_limit.count()) + o_.slack.count();
      const auto step = node_step_ns_.find(master);  // a step of the master's clock excuses
      if (me.rtt_ns > max_rtt && (step == node_step_ns_.end() || step->second < r.poll_ns)) {
        // BK3
        return "BK3: node " + std::to_string(e.node) + " was adjusted from a sample whose true " +
               "round trip " + format_duration(Duration(me.rtt_ns)) + " exceeds rtt_limit " +
               format_duration(o_.rtt_limit);
      }
    }
    if (!included) return std::nullopt;
    if (last_step_ns_ >= r.poll_ns) {  // a clock jumped during the round
      ++stepped_;
      return std::nullopt;
    }
    for (const Adjusted& o : r.adjusted) {  // BK1
      const std::int64_t elapsed = std::max(me.at_ns, o.at_ns) - r.poll_ns;
      const auto bound = me.rtt_ns / 2 + o.rtt_ns / 2 + 4 * drift(elapsed) + o_.slack.count();
      const std::int64_t spread = std::llabs(me.error_ns - o.error_ns);
      if (spread > bound) {
        return "BK1: after a round of master " + std::to_string(it->first.first) + ", nodes " +
               std::to_string(o.node) + " and " + std::to_string(me.node) + " differ by " +
               format_duration(Duration(spread)) + " > bound " + format_duration(Duration(bound)) +
               " (true rtts " + format_duration(Duration(o.rtt_ns)) + ", " +
               format_duration(Duration(me.rtt_ns)) + ")";
      }
    }
    r.adjusted.push_back(me);
    return std::nullopt;
  }

  // BL2: every node's error, extrapolated from its last adjustment to the end of the run.
  std::optional<std::string> spread(std::span<const NodeId> up) {
    std::int64_t oldest = last_ns_;
    NodeId lo = kNoNode;
    NodeId hi = kNoNode;
    for (NodeId n : up) {
      const Adjusted& a = last_adjust_[n];
      if (node_step_ns_.count(n) != 0 && node_step_ns_[n] >= a.at_ns) {
        ++stepped_;
        return std::nullopt;  // stepped after its last adjustment
      }
      oldest = std::min(oldest, a.at_ns);
      if (lo == kNoNode || a.error_ns < last_adjust_[lo].error_ns) lo = n;
      if (hi == kNoNode || a.error_ns > last_adjust_[hi].error_ns) hi = n;
    }
    if (lo == kNoNode) return std::nullopt;
    const std::int64_t gap = last_adjust_[hi].error_ns - last_adjust_[lo].error_ns;
    const std::int64_t bound =
        2 * o_.rtt_limit.count() + 2 * drift(last_ns_ - oldest) + o_.slack.count();
    if (gap > bound) {
      return "BL2: after healing, nodes " + std::to_string(lo) + " and " + std::to_string(hi) +
             " disagree by " + format_duration(Duration(gap)) + " against true time > bound " +
             format_duration(Duration(bound));
    }
    return std::nullopt;
  }

  // BL3
  std::optional<std::string> one_master(std::span<const NodeId> up, std::span<const NodeId> down) {
    if (up.empty()) return std::nullopt;
    // A node takes over after master_timeout plus a period per better configured node but one.
    const auto nodes = static_cast<std::int64_t>(up.size() + down.size());
    const Duration takeover =
        o_.master_timeout + o_.period * std::max<std::int64_t>(0, nodes - 2) + 2 * o_.period;
    if (takeover > o_.live_window) {
      ++not_judged_;
      return std::nullopt;
    }
    NodeId best = up.front();
    for (NodeId n : up) best = priority(n) < priority(best) ? n : best;
    for (NodeId n : up) {
      if (master_[n] != (n == best)) {
        return "BL3: node " + std::to_string(n) + (master_[n] ? " is" : " is not") +
               " master after healing; the live node of best priority is " + std::to_string(best);
      }
    }
    return std::nullopt;
  }

  std::int64_t drift(std::int64_t ns) const {
    return static_cast<std::int64_t>(rho_ * static_cast<double>(ns));
  }

  // Rounds older than a minute cannot get more adjustments that matter; keep memory bounded.
  void prune(std::int64_t now_ns) {
    for (auto it = rounds_.begin(); it != rounds_.end();) {
      it = now_ns - it->second.poll_ns > 60'000'000'000LL ? rounds_.erase(it) : std::next(it);
    }
  }

  BerkeleyCheckOptions o_;
  double rho_;
  std::int64_t last_ns_ = 0;
  std::int64_t healed_ns_ = 0;
  std::int64_t last_step_ns_ = -1;
  std::uint64_t stepped_ = 0;
  std::uint64_t not_judged_ = 0;
  std::uint64_t slow_ = 0;
  std::map<NodeId, std::int64_t> last_reply_rtt_;
  std::map<NodeId, std::int64_t> started_;
  std::map<NodeId, std::int64_t> node_step_ns_;
  std::map<NodeId, bool> master_;
  std::map<NodeId, Adjusted> last_adjust_;
  std::map<std::pair<NodeId, std::int64_t>, Round> rounds_;  // (master, round)
};

}  // namespace

CheckerList berkeley_checkers(BerkeleyCheckOptions o) {
  CheckerList v;
  v.push_back(std::make_unique<BerkeleyChecker>(o));
  return v;
}

}  // namespace synod::timesync
