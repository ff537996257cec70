#include "synod/heartbeat/heartbeat_checker.hpp"

#include <algorithm>
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
  explicit HeartbeatChecker(const HeartbeatOptions& o)
      : window_(o.timeout + 6 * o.interval + std::chrono::milliseconds(200)) {}
  std::string_view name() const override { return "heartbeat"; }
  Duration liveness_window() const override { return window_; }

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

  Duration window_;
  std::map<NodeId, std::int64_t> last_incarnation_;
  std::map<NodeId, Stamp> reached_;
  std::map<std::pair<NodeId, NodeId>, Stamp> belief_;  // (observer, peer)
  std::map<NodeId, std::set<NodeId>> suspected_;
};

// H6: counted per input of each node from the driver's kSend events.
class FanoutChecker final : public Checker {
 public:
  explicit FanoutChecker(std::uint32_t fanout) : fanout_(fanout) {}
  std::string_view name() const override { return "heartbeat-messages"; }

  std::optional<std::string> on_event(const Event& e) override {
    if (begins_input(e.kind)) {
      auto v = close_input(e.node);
      if (e.kind == EventKind::kStart || e.kind == EventKind::kRecover) nodes_.insert(e.node);
      return v;
    }
    switch (e.kind) {
      case EventKind::kSend:
        if (e.protocol != Heartbeat::kId) return std::nullopt;
        {
          Input& in = inputs_[e.node];
          if (!in.beat) {
            return "H6: node " + std::to_string(e.node) + " sent to node " +
                   std::to_string(e.peer) + " outside a beat";
          }
          if (!in.to.insert(e.peer).second) {
            return "H6: node " + std::to_string(e.node) + " gossiped twice to node " +
                   std::to_string(e.peer) + " in one beat";
          }
        }
        return std::nullopt;
      case EventKind::kObserve:
        if (e.protocol == Heartbeat::kId && e.what == "beat") inputs_[e.node].beat = true;
        return std::nullopt;
      default: return std::nullopt;
    }
  }

 private:
  struct Input {
    bool beat = false;
    std::set<NodeId> to;
  };

  std::optional<std::string> close_input(NodeId n) {
    const auto it = inputs_.find(n);
    if (it == inputs_.end()) return std::nullopt;
    const Input in = std::move(it->second);
    inputs_.erase(it);
    if (!in.beat) return std::nullopt;
    const std::size_t want = std::min<std::size_t>(fanout_, nodes_.size() - 1);
    if (in.to.size() != want) {
      return "H6: node " + std::to_string(n) + " sent " + std::to_string(in.to.size()) +
             " gossip messages in a beat, not min(fanout, n - 1) = " + std::to_string(want);
    }
    return std::nullopt;
  }

  std::uint32_t fanout_;
  std::set<NodeId> nodes_;
  std::map<NodeId, Input> inputs_;
};

}  // namespace

CheckerList heartbeat_checkers(const HeartbeatOptions& options) {
  CheckerList list;
  list.push_back(std::make_unique<HeartbeatChecker>(options));
  list.push_back(std::make_unique<FanoutChecker>(options.fanout));
  return list;
}

Catalog heartbeat::catalog() {
  return {{.spec = heartbeat_spec(),
           .checkers =
               [](const ProtocolOptions& opts) {
                 auto o = parse_heartbeat_options(opts);
                 return heartbeat_checkers(o ? *o : HeartbeatOptions{});
               },
           .protocols = {kHeartbeatProtocol},
           .options = {{"interval", "100ms", "gap between beats (jittered by 10%)"},
                       {"timeout", "1s", "silence before a peer is suspected"},
                       {"fanout", "3", "peers gossiped to per beat"}},
           .mutants = {
               {"HB1", "starts every life at incarnation 1 (ignores the durable one)", "heartbeat"},
               {"HB2", "never increments its counter", "heartbeat"},
               {"HB3", "gossips to fanout + 1 peers per beat", "heartbeat-messages"},
               {"HB4", "adopts older entries too", "heartbeat"},
               {"HB5", "never suspects anyone", "heartbeat"},
               {"HB6", "never trusts a suspected peer again", "heartbeat"},
           }}};
}

}  // namespace synod
