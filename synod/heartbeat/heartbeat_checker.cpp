#include "synod/heartbeat/heartbeat_checker.hpp"

#include <map>
#include <set>
#include <string>
#include <utility>

#include "synod/heartbeat/heartbeat.hpp"

namespace synod {
namespace {

struct Stamp {
  std::int64_t inc = 0;
  std::int64_t ctr = 0;
  friend auto operator<=>(const Stamp&, const Stamp&) = default;
  std::string str() const { return "(" + std::to_string(inc) + "," + std::to_string(ctr) + ")"; }
};

class HeartbeatChecker final : public Checker {
 public:
  std::string_view name() const override { return "heartbeat"; }

  std::optional<std::string> on_event(const Event& e) override {
    switch (e.kind) {
      case EventKind::kStart:
      case EventKind::kRecover:
      case EventKind::kCrash: forget_life(e.node); return std::nullopt;
      case EventKind::kObserve:
        if (e.protocol != Heartbeat::kId) return std::nullopt;
        return on_observe(e);
      default: return std::nullopt;
    }
  }

  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId> down) override {
    for (NodeId a : up) {
      const auto& sus = suspected_[a];
      for (NodeId b : up) {
        if (b != a && sus.count(b) != 0) {
          return "H5: after healing, live node " + std::to_string(a) +
                 " still suspects live node " + std::to_string(b);
        }
      }
      for (NodeId c : down) {
        if (sus.count(c) == 0) {
          return "H5: after healing, live node " + std::to_string(a) +
                 " does not suspect crashed node " + std::to_string(c);
        }
      }
    }
    return std::nullopt;
  }

 private:
  void forget_life(NodeId n) {
    suspected_[n].clear();
    belief_.erase(belief_.lower_bound({n, 0}), belief_.lower_bound({n + 1, 0}));
  }

  std::optional<std::string> on_observe(const Event& e) {
    const std::string who = "node " + std::to_string(e.node);
    if (e.what == "incarnation") {
      const std::int64_t inc = obs_get(e.fields, "inc");
      auto& last = last_incarnation_[e.node];
      if (inc <= last) {
        return "H1: " + who + " started with incarnation " + std::to_string(inc) +
               " but an earlier life had " + std::to_string(last);
      }
      last = inc;
    } else if (e.what == "beat") {
      const Stamp s{obs_get(e.fields, "inc"), obs_get(e.fields, "ctr")};
      auto& top = reached_[e.node];
      if (s <= top) return "H2: " + who + " beat " + s.str() + " after " + top.str();
      top = s;
    } else if (e.what == "learn") {
      const auto peer = static_cast<NodeId>(obs_get(e.fields, "peer"));
      const Stamp s{obs_get(e.fields, "inc"), obs_get(e.fields, "ctr")};
      auto& known = belief_[{e.node, peer}];
      if (s <= known)
        return "H3: " + who + " learned " + s.str() + " for " + std::to_string(peer) + " after " +
               known.str();
      if (s > reached_[peer]) {
        return "H4: " + who + " learned " + s.str() + " for node " + std::to_string(peer) +
               " which only reached " + reached_[peer].str();
      }
      known = s;
    } else if (e.what == "suspect") {
      const auto peer = static_cast<NodeId>(obs_get(e.fields, "peer"));
      if (!suspected_[e.node].insert(peer).second)
        return who + " suspected " + std::to_string(peer) + " twice";
    } else if (e.what == "trust") {
      const auto peer = static_cast<NodeId>(obs_get(e.fields, "peer"));
      if (suspected_[e.node].erase(peer) == 0)
        return who + " trusted " + std::to_string(peer) + " without suspecting it";
    }
    return std::nullopt;
  }

  std::map<NodeId, std::int64_t> last_incarnation_;
  std::map<NodeId, Stamp> reached_;
  std::map<std::pair<NodeId, NodeId>, Stamp> belief_;  // (observer, peer)
  std::map<NodeId, std::set<NodeId>> suspected_;
};

}  // namespace

CheckerList heartbeat_checkers() {
  CheckerList list;
  list.push_back(std::make_unique<HeartbeatChecker>());
  return list;
}

Catalog heartbeat::catalog() {
  return {{.spec = heartbeat_spec(),
           .checkers = fixed_checkers([] { return heartbeat_checkers(); }),
           .protocols = {kHeartbeatProtocol}}};
}

}  // namespace synod
