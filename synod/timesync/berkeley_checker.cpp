#include "synod/timesync/berkeley_checker.hpp"

#include <cstdlib>
#include <map>
#include <vector>

namespace synod::timesync {
namespace {

class BerkeleyChecker final : public Checker {
 public:
  explicit BerkeleyChecker(BerkeleyCheckOptions o) : o_(o) {}
  std::string_view name() const override { return "berkeley"; }

  std::optional<std::string> on_event(const Event& e) override {
    last_ns_ = e.time_ns;
    switch (e.kind) {
      case EventKind::kStart:
      case EventKind::kRecover: started_[e.node] = e.time_ns; return std::nullopt;
      case EventKind::kHeal: healed_ns_ = e.time_ns; return std::nullopt;
      case EventKind::kFault:
        if (e.what == "clock step") last_step_ns_ = e.time_ns;
        return std::nullopt;
      case EventKind::kObserve: break;
      default: return std::nullopt;
    }
    if (e.what == "poll") {
      rounds_[{e.node, obs_get(e.fields, "round")}] = Round{e.time_ns, {}};
      prune(e.time_ns);
    } else if (e.what == "adjust") {
      return on_adjust(e);
    }
    return std::nullopt;
  }

  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId>) override {
    for (NodeId n : up) {
      const std::int64_t since = std::max(healed_ns_, started_[n]);
      if (last_ns_ - since < o_.live_window.count()) continue;
      if (last_adjust_[n] < since) {
        return "BL1: node " + std::to_string(n) + " has not been adjusted since " +
               format_duration(Duration(since));
      }
    }
    return std::nullopt;
  }

 private:
  struct Adjusted {
    NodeId node;
    std::int64_t at_ns;
    std::int64_t error_ns;  // committed clock - true time
    std::int64_t rtt_ns;
  };
  struct Round {
    std::int64_t poll_ns;
    std::vector<Adjusted> adjusted;
  };

  std::optional<std::string> on_adjust(const Event& e) {
    const auto f = e.fields;
    last_adjust_[e.node] = e.time_ns;
    const bool included = obs_get(f, "included") != 0;
    const std::int64_t adj = obs_get(f, "adj_ns");
    const std::int64_t limit = obs_get(f, "limit_ns");
    if (included && std::llabs(adj) > limit) {  // BK2
      return "BK2: node " + std::to_string(e.node) + " was part of the average but adjusted by " +
             format_duration(Duration(adj)) + " > max_deviation " +
             format_duration(Duration(limit));
    }
    const auto it = rounds_.find({static_cast<NodeId>(obs_get(f, "master")), obs_get(f, "round")});
    if (it == rounds_.end() || !included) return std::nullopt;
    Round& r = it->second;
    if (last_step_ns_ >= r.poll_ns) return std::nullopt;  // a clock jumped during the round
    const Adjusted me{e.node, e.time_ns, obs_get(f, "committed_ns") - e.time_ns,
                      obs_get(f, "rtt_ns")};
    for (const Adjusted& o : r.adjusted) {  // BK1
      const std::int64_t elapsed = std::max(me.at_ns, o.at_ns) - r.poll_ns;
      const auto bound =
          me.rtt_ns / 2 + o.rtt_ns / 2 +
          static_cast<std::int64_t>(4.0 * o_.drift_ppm * 1e-6 * static_cast<double>(elapsed)) +
          o_.slack.count();
      const std::int64_t spread = std::llabs(me.error_ns - o.error_ns);
      if (spread > bound) {
        return "BK1: after a round of master " + std::to_string(it->first.first) + ", nodes " +
               std::to_string(o.node) + " and " + std::to_string(me.node) + " differ by " +
               format_duration(Duration(spread)) + " > bound " + format_duration(Duration(bound)) +
               " (rtts " + format_duration(Duration(o.rtt_ns)) + ", " +
               format_duration(Duration(me.rtt_ns)) + ")";
      }
    }
    r.adjusted.push_back(me);
    return std::nullopt;
  }

  // Rounds older than a minute cannot get more adjustments that matter; keep memory bounded.
  void prune(std::int64_t now_ns) {
    for (auto it = rounds_.begin(); it != rounds_.end();) {
      it = now_ns - it->second.poll_ns > 60'000'000'000LL ? rounds_.erase(it) : std::next(it);
    }
  }

  BerkeleyCheckOptions o_;
  std::int64_t last_ns_ = 0;
  std::int64_t healed_ns_ = 0;
  std::int64_t last_step_ns_ = -1;
  std::map<NodeId, std::int64_t> started_;
  std::map<NodeId, std::int64_t> last_adjust_;
  std::map<std::pair<NodeId, std::int64_t>, Round> rounds_;  // (master, round)
};

}  // namespace

CheckerList berkeley_checkers(BerkeleyCheckOptions o) {
  CheckerList v;
  v.push_back(std::make_unique<BerkeleyChecker>(o));
  return v;
}

}  // namespace synod::timesync
