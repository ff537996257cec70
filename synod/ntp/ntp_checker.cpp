#include "synod/ntp/ntp_checker.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <vector>

#include "synod/ntp/ntp_protocol.hpp"

namespace synod::ntp {
namespace {

Duration sync_window(const NtpOptions& o) {
  return static_cast<std::int64_t>(kMinFilterSamples + 4) * o.poll;
}
Duration holdover_window(const NtpOptions& o) { return (kHoldoverPolls + 3) * o.poll; }

}  // namespace

Duration ntp_liveness_window(const NtpOptions& o) {
  return std::max(sync_window(o), holdover_window(o));
}

namespace {

class NtpChecker final : public Checker {
 public:
  explicit NtpChecker(NtpCheckOptions o)
      : o_(std::move(o)), rho_(o_.drift_ppm * 1e-6), poll_(o_.protocol.poll.count()) {}
  std::string_view name() const override { return "ntp"; }
  Duration liveness_window() const override { return ntp_liveness_window(o_.protocol); }

  std::optional<std::string> on_event(const Event& e) override {
    last_ns_ = e.time_ns;
    switch (e.kind) {
      case EventKind::kStart:
      case EventKind::kRecover:
        nodes_[e.node] = Node{};
        nodes_[e.node].started_ns = e.time_ns;
        nodes_[e.node].up = true;
        return std::nullopt;
      case EventKind::kCrash:
        nodes_[e.node].up = false;
        nodes_[e.node].down_ns = e.time_ns;
        return std::nullopt;
      case EventKind::kHeal: healed_ns_ = e.time_ns; return std::nullopt;
      case EventKind::kFault:
        if (e.what == "clock step" || e.what == "clock drift") last_step_ns_ = e.time_ns;
        return std::nullopt;
      case EventKind::kObserve: break;
      default: return std::nullopt;
    }
    if (e.what == "ntp_tick") return on_tick(e);
    if (e.what == "ntp_update") return on_update(e);
    return std::nullopt;
  }

  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId>) override {
    // The simulator calls this at least the liveness window after the heal (it lengthens the
    // stabilize phase to it), also when the last event came earlier: a protocol that went quiet.
    last_ns_ = std::max(last_ns_, healed_ns_ + liveness_window().count());
    // NL2: no reference up lately -> nobody may still claim synchronization.
    bool reference_lately = false;
    for (NodeId r : o_.protocol.references) {
      const auto it = nodes_.find(r);
      if (it == nodes_.end()) continue;
      const Node& n = it->second;
      if (n.up || last_ns_ - n.down_ns < holdover_window(o_.protocol).count()) {
        reference_lately = true;
      }
    }
    for (NodeId n : up) {
      const Node& node = nodes_[n];
      if (!reference_lately && node.tick.synced && !is_reference(n) &&
          last_ns_ - node.started_ns >= holdover_window(o_.protocol).count()) {
        return "NL2: node " + std::to_string(n) + " claims to be synchronized though no " +
               "reference has been up for " + format_duration(holdover_window(o_.protocol));
      }
    }
    // NL1
    for (NodeId n : up) {
      if (is_reference(n)) continue;
      std::int64_t since = -1;
      for (NodeId s : sources(n)) {
        if (!is_reference(s) || std::find(up.begin(), up.end(), s) == up.end()) continue;
        const std::int64_t t = nodes_[s].started_ns;
        since = since < 0 ? t : std::min(since, t);
      }
      if (since < 0) continue;  // no live reference among its sources
      since = std::max({since, healed_ns_, nodes_[n].started_ns});
      if (last_ns_ - since < sync_window(o_.protocol).count()) {
        ++not_judged_;
        continue;
      }
      if (nodes_[n].last_update_ns < since) {
        return "NL1: node " + std::to_string(n) + " has had no clock update since " +
               format_duration(Duration(since)) + " though a reference it polls is up";
      }
    }
    return std::nullopt;
  }

  std::vector<Verdict> verdicts() const override {
    std::vector<Verdict> v;
    if (excused_ != 0) v.push_back({"excused", "tick after a clock step (NS1)", excused_});
    if (not_judged_ != 0) {
      v.push_back({"not judged", "client up for less than the window (NL1)", not_judged_});
    }
    return v;
  }

 private:
  struct Tick {
    std::int64_t at_ns = -1;
    std::int64_t error_ns = 0;  // committed clock - true time
    std::int64_t stratum = kStratumUnsynchronized;
    bool synced = false;
    NodeId peer = kNoNode;
    std::int64_t root_distance_ns = 0;
  };
  struct Node {
    bool up = false;
    std::int64_t started_ns = 0;
    std::int64_t down_ns = 0;
    std::int64_t last_update_ns = -1;
    Tick tick;
    std::vector<std::pair<std::int64_t, std::int64_t>> strata;  // (time, stratum) of its ticks
  };

  bool is_reference(NodeId n) const {
    const auto& r = o_.protocol.references;
    return std::find(r.begin(), r.end(), n) != r.end();
  }

  // The nodes `n` polls or peers with (ntp_protocol.cpp on_start).
  std::vector<NodeId> sources(NodeId n) const {
    std::vector<NodeId> v =
        o_.protocol.servers_given ? o_.protocol.servers : o_.protocol.references;
    v.insert(v.end(), o_.protocol.peers.begin(), o_.protocol.peers.end());
    v.erase(std::remove(v.begin(), v.end(), n), v.end());
    return v;
  }

  std::int64_t drift(std::int64_t ns) const {
    return static_cast<std::int64_t>(rho_ * static_cast<double>(ns));
  }

  std::optional<std::string> on_tick(const Event& e) {
    const auto f = e.fields;
    Node& node = nodes_[e.node];
    node.tick = {e.time_ns,
                 obs_get(f, "committed_ns") - e.time_ns,
                 obs_get(f, "stratum"),
                 obs_get(f, "synced") != 0,
                 static_cast<NodeId>(obs_get(f, "peer")),
                 obs_get(f, "root_distance_ns")};
    node.strata.push_back({e.time_ns, node.tick.stratum});
    while (!node.strata.empty() && e.time_ns - node.strata.front().first > 20 * poll_) {
      node.strata.erase(node.strata.begin());
    }
    if (is_reference(e.node) || !node.tick.synced || node.last_update_ns < 0) return std::nullopt;
    // After a step the discipline slews (500 ppm) and its regression still holds the offsets
    // from before: a correct node may stay off for far longer than the run. Not judged.
    if (last_step_ns_ >= 0) {
      ++excused_;
      return std::nullopt;
    }
    // Follow the system peers to a reference.
    NodeId at = node.tick.peer;
    std::set<NodeId> seen{e.node};
    while (at != kNoNode && !is_reference(at)) {
      if (!seen.insert(at).second || nodes_.count(at) == 0) return std::nullopt;
      at = nodes_[at].tick.peer;
    }
    if (at == kNoNode || nodes_.count(at) == 0 || nodes_[at].tick.at_ns < 0) return std::nullopt;
    const Tick& root = nodes_[at].tick;
    const std::int64_t gap = node.tick.error_ns - root.error_ns;
    // 2 lambda, not lambda: the discipline applies a least-squares fit of recent offsets, not
    // the last theta, and the fit may overshoot (swarm seed 763: 4.5 ms off, lambda 2.96 ms).
    const std::int64_t bound = 2 * node.tick.root_distance_ns +
                               2 * drift(e.time_ns - node.last_update_ns) +
                               drift(e.time_ns - root.at_ns) + o_.slack.count();
    if (std::llabs(gap) > bound) {
      return "NS1: node " + std::to_string(e.node) + "'s clock is " +
             format_duration(Duration(gap)) + " from reference " + std::to_string(at) +
             "'s against true time > root distance bound " + format_duration(Duration(bound));
    }
    return std::nullopt;
  }

  std::optional<std::string> on_update(const Event& e) {
    Node& node = nodes_[e.node];
    node.last_update_ns = e.time_ns;
    const std::int64_t stratum = obs_get(e.fields, "stratum");
    const NodeId peer = static_cast<NodeId>(obs_get(e.fields, "peer"));
    const std::string who =
        "NS2: node " + std::to_string(e.node) + " claims stratum " + std::to_string(stratum);
    if (is_reference(e.node)) {
      if (stratum != o_.protocol.local_stratum) return who + ", not its local_stratum";
      return std::nullopt;
    }
    const auto p = nodes_.find(peer);
    if (p == nodes_.end() || p->second.strata.empty()) return std::nullopt;  // peer not traced
    for (const auto& [t, s] : p->second.strata) {
      if (s < kStratumUnsynchronized && std::min<std::int64_t>(s + 1, 15) == stratum) {
        return std::nullopt;
      }
    }
    return who + ", but its system peer " + std::to_string(peer) +
           " held no stratum one below that in the last 20 polls";
  }

  NtpCheckOptions o_;
  double rho_;
  std::int64_t poll_;
  std::int64_t last_ns_ = 0;
  std::int64_t healed_ns_ = 0;
  std::int64_t last_step_ns_ = -1;
  std::uint64_t excused_ = 0;
  std::uint64_t not_judged_ = 0;
  std::map<NodeId, Node> nodes_;
};

}  // namespace

CheckerList ntp_checkers(NtpCheckOptions o) {
  CheckerList v;
  v.push_back(std::make_unique<NtpChecker>(std::move(o)));
  return v;
}

}  // namespace synod::ntp
