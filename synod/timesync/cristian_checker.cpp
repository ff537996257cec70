#include "synod/timesync/cristian_checker.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>
#include <vector>

namespace synod::timesync {

Duration cristian_liveness_window(const CristianOptions& o) {
  const auto calls = static_cast<std::int64_t>(o.servers.size() + o.samples);
  return 2 * (o.period + calls * (o.timeout + o.sample_gap));
}

namespace {

class CristianChecker final : public Checker {
 public:
  explicit CristianChecker(CristianCheckOptions o) : o_(o), rho_(o.drift_ppm * 1e-6) {}
  std::string_view name() const override { return "cristian"; }
  Duration liveness_window() const override { return o_.live_window; }

  std::optional<std::string> on_event(const Event& e) override {
    last_ns_ = e.time_ns;
    switch (e.kind) {
      case EventKind::kStart:
      case EventKind::kRecover:
        started_[e.node] = e.time_ns;
        rounds_.erase(e.node);  // round numbers start again in a new life
        return std::nullopt;
      case EventKind::kCrash: rounds_.erase(e.node); return std::nullopt;
      case EventKind::kHeal: healed_ns_ = e.time_ns; return std::nullopt;
      case EventKind::kFault:
        if (e.what == "clock step" || e.what == "clock drift") {
          // A step without its amount (a real trace) is recorded as 0: it still excuses CR1/CR2.
          const std::int64_t amount = e.what == "clock step" ? obs_get(e.fields, "amount_ns") : 0;
          auto& v = clock_faults_[e.node];
          v.push_back({e.time_ns, amount, e.what == "clock step"});
          if (v.size() > 64) v.erase(v.begin());
        }
        return std::nullopt;
      case EventKind::kObserve: break;
      default: return std::nullopt;
    }
    const auto f = e.fields;
    if (e.what == "role") {
      if (obs_get(f, "server") != 0) servers_.insert(e.node);
    } else if (e.what == "serve") {
      served_[{e.node, obs_get(f, "nonce"), obs_get(f, "t_server")}] = e.time_ns;
      if (served_.size() > 100'000) prune(e.time_ns);
    } else if (e.what == "ask") {
      Round& r = round_of(e.node, obs_get(f, "round"));
      r.first_ask_ns = std::min(r.first_ask_ns, e.time_ns);
      r.exchanges[obs_get(f, "nonce")].ask_ns = e.time_ns;
    } else if (e.what == "sample") {
      Round& r = round_of(e.node, obs_get(f, "round"));
      Exchange& x = r.exchanges[obs_get(f, "nonce")];
      x.sample_ns = e.time_ns;
      x.server = static_cast<NodeId>(obs_get(f, "server"));
      x.t_server = obs_get(f, "t_server");
    } else if (e.what == "sync") {
      return on_sync(e);
    }
    return std::nullopt;
  }

  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId>) override {
    // The simulator calls this at least the liveness window after the heal (it lengthens the
    // stabilize phase to it), also when the last event came earlier: a protocol that went quiet.
    last_ns_ = std::max(last_ns_, healed_ns_ + o_.live_window.count());
    // Since when some server has been live without a break (the earliest start among live ones).
    std::int64_t server_since = -1;
    for (NodeId n : up) {
      if (servers_.count(n) == 0) continue;
      const std::int64_t s = started_[n];
      server_since = server_since < 0 ? s : std::min(server_since, s);
    }
    if (server_since < 0) return std::nullopt;
    for (NodeId n : up) {
      if (servers_.count(n) != 0) continue;
      const std::int64_t since = std::max({healed_ns_, started_[n], server_since});
      if (last_ns_ - since < o_.live_window.count()) {
        ++not_judged_;
        continue;
      }
      if (last_sync_[n] < since) {
        return "CL1: node " + std::to_string(n) + " has not synced since " +
               format_duration(Duration(since)) + " though a server is live (window " +
               format_duration(o_.live_window) + ")";
      }
    }
    return std::nullopt;
  }

  std::vector<Verdict> verdicts() const override {
    std::vector<Verdict> v;
    if (stepped_ != 0) {
      v.push_back(
          {"excused", "sync after a clock step or drift change in its round (CR1/CR2)", stepped_});
    }
    if (not_judged_ != 0) {
      v.push_back({"not judged", "client up for less than the liveness window (CL1)", not_judged_});
    }
    return v;
  }

 private:
  struct Exchange {
    std::int64_t ask_ns = -1;
    std::int64_t sample_ns = -1;
    NodeId server = kNoNode;
    std::int64_t t_server = 0;
    std::int64_t rtt() const { return ask_ns >= 0 && sample_ns >= 0 ? sample_ns - ask_ns : -1; }
  };
  struct Round {
    std::int64_t number = -1;
    std::int64_t first_ask_ns = INT64_MAX;
    std::map<std::int64_t, Exchange> exchanges;  // nonce -> exchange
  };
  struct ClockFault {
    std::int64_t at_ns;
    std::int64_t amount_ns;
    bool step;
  };

  Round& round_of(NodeId node, std::int64_t number) {
    Round& r = rounds_[node];
    if (r.number != number) r = Round{number, INT64_MAX, {}};
    return r;
  }

  // Sum of the steps of `node`'s clock in [from, to], and whether any fault (step or drift) hit.
  std::pair<std::int64_t, bool> faults_in(NodeId node, std::int64_t from, std::int64_t to) const {
    std::int64_t sum = 0;
    bool any = false;
    const auto it = clock_faults_.find(node);
    if (it == clock_faults_.end()) return {0, false};
    for (const ClockFault& c : it->second) {
      if (c.at_ns < from || c.at_ns > to) continue;
      any = true;
      if (c.step) sum += c.amount_ns;
    }
    return {sum, any};
  }

  std::int64_t drift(std::int64_t ns) const {
    return static_cast<std::int64_t>(rho_ * static_cast<double>(ns));
  }

  std::optional<std::string> on_sync(const Event& e) {
    last_sync_[e.node] = e.time_ns;
    const auto rit = rounds_.find(e.node);
    if (rit == rounds_.end() || rit->second.number != obs_get(e.fields, "round")) {
      return std::nullopt;  // the round's asks are not in the trace
    }
    const Round& r = rit->second;
    const auto applied_it = r.exchanges.find(obs_get(e.fields, "nonce"));
    if (applied_it == r.exchanges.end() || applied_it->second.rtt() < 0) return std::nullopt;
    const Exchange& x = applied_it->second;
    const std::int64_t rtt = x.rtt();
    const std::string who = "node " + std::to_string(e.node);

    // CR3: the client's clock measured this round trip as R (1 +- rho) + the steps during it.
    const auto [during, hit] = faults_in(e.node, x.ask_ns, x.sample_ns);
    if (during + rtt + drift(rtt) <= 0) {
      return "CR3: " + who +
             " applied a sample whose round trip its clock measured as "
             "non-positive (true rtt " +
             format_duration(Duration(rtt)) + ", clock stepped by " +
             format_duration(Duration(during)) + " during it)";
    }
    if (faults_in(e.node, r.first_ask_ns, e.time_ns).second ||
        faults_in(x.server, r.first_ask_ns, e.time_ns).second) {
      ++stepped_;
      return std::nullopt;
    }
    // CR2
    std::int64_t lowest = rtt;
    for (const auto& [nonce, other] : r.exchanges) {
      if (other.rtt() >= 0) lowest = std::min(lowest, other.rtt());
    }
    if (rtt > lowest + 2 * drift(rtt) + o_.slack.count()) {
      return "CR2: " + who + " applied a sample whose true round trip is " +
             format_duration(Duration(rtt)) + ", not the round's lowest " +
             format_duration(Duration(lowest));
    }
    // CR1
    const auto served = served_.find({x.server, applied_it->first, x.t_server});
    if (served == served_.end()) return std::nullopt;  // the server's trace is missing
    const std::int64_t server_error = x.t_server - served->second;
    const std::int64_t client_error = obs_get(e.fields, "committed_ns") - e.time_ns;
    const std::int64_t gap = client_error - server_error;
    const std::int64_t bound =
        rtt / 2 + 3 * drift(rtt + (e.time_ns - x.sample_ns)) + o_.slack.count();
    if (std::llabs(gap) > bound) {
      return "CR1: after its sync " + who + "'s clock is " + format_duration(Duration(gap)) +
             " from server " + std::to_string(x.server) + "'s (against true time) > RTT/2 + " +
             "drift bound " + format_duration(Duration(bound)) + " (true rtt " +
             format_duration(Duration(rtt)) + ")";
    }
    return std::nullopt;
  }

  // Serves older than a minute cannot be the sample of a round still open.
  void prune(std::int64_t now_ns) {
    for (auto it = served_.begin(); it != served_.end();) {
      it = now_ns - it->second > 60'000'000'000LL ? served_.erase(it) : std::next(it);
    }
  }

  CristianCheckOptions o_;
  double rho_;
  std::int64_t last_ns_ = 0;
  std::int64_t healed_ns_ = 0;
  std::uint64_t stepped_ = 0;
  std::uint64_t not_judged_ = 0;
  std::set<NodeId> servers_;
  std::map<NodeId, std::int64_t> started_;
  std::map<NodeId, std::vector<ClockFault>> clock_faults_;
  std::map<NodeId, std::int64_t> last_sync_;
  std::map<NodeId, Round> rounds_;  // each client's current round
  // (server, nonce, t_server) -> true time of the "serve".
  std::map<std::tuple<NodeId, std::int64_t, std::int64_t>, std::int64_t> served_;
};

}  // namespace

CheckerList cristian_checkers(CristianCheckOptions o) {
  CheckerList v;
  v.push_back(std::make_unique<CristianChecker>(o));
  return v;
}

}  // namespace synod::timesync
