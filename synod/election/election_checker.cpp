#include "synod/election/election_checker.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "synod/election/bully.hpp"
#include "synod/election/election_judges.hpp"
#include "synod/election/epoch.hpp"
#include "synod/election/ring.hpp"

namespace synod::election {
namespace {

struct View {
  NodeId leader = kNoNode;
  std::int64_t epoch = 0;
};

class ElectionChecker final : public Checker {
 public:
  std::string_view name() const override { return "election"; }

  std::optional<std::string> on_event(const Event& e) override {
    switch (e.kind) {
      case EventKind::kStart:
      case EventKind::kRecover:
      case EventKind::kCrash: view_.erase(e.node); return std::nullopt;
      case EventKind::kObserve:
        if (e.protocol != Bully::kId && e.protocol != Ring::kId) return std::nullopt;
        if (e.what == "elected") return on_elected(e.node, obs_get(e.fields, "epoch"));
        if (e.what == "leader") {
          return on_leader(e.node, obs_get(e.fields, "epoch"),
                           static_cast<NodeId>(obs_get(e.fields, "leader")));
        }
        return std::nullopt;
      default: return std::nullopt;
    }
  }

 private:
  static std::string str(std::int64_t epoch) { return epoch_string(static_cast<Epoch>(epoch)); }

  std::optional<std::string> on_elected(NodeId node, std::int64_t epoch) {
    auto [it, fresh] = declared_.try_emplace(epoch, node);
    if (!fresh) {
      return "E2: node " + std::to_string(node) + " declared epoch " + str(epoch) +
             ", already declared by node " + std::to_string(it->second);
    }
    return std::nullopt;
  }

  std::optional<std::string> on_leader(NodeId node, std::int64_t epoch, NodeId leader) {
    const std::string who = "node " + std::to_string(node);
    auto [it, fresh] = leaders_.try_emplace(epoch, leader);
    if (!fresh && it->second != leader) {
      return "E1: " + who + " accepted " + std::to_string(leader) + " as leader of epoch " +
             str(epoch) + ", whose leader is " + std::to_string(it->second);
    }
    const auto d = declared_.find(epoch);
    if (d == declared_.end() || d->second != leader) {
      return "E3: " + who + " accepted " + std::to_string(leader) + " as leader of epoch " +
             str(epoch) + ", which " + std::to_string(leader) + " never declared";
    }
    View& v = view_[node];
    if (epoch <= v.epoch) {
      return "E4: " + who + " accepted epoch " + str(epoch) + " after epoch " + str(v.epoch);
    }
    v = {leader, epoch};
    return std::nullopt;
  }

  std::map<std::int64_t, NodeId> declared_;  // epoch -> declarer
  std::map<std::int64_t, NodeId> leaders_;   // epoch -> leader accepted by anyone
  std::map<NodeId, View> view_;              // node -> leader accepted in its current life
};

// L1: the leader every live node follows once the run has healed and settled.
class LivenessChecker final : public Checker {
 public:
  explicit LivenessChecker(Duration window) : window_(window) {}
  std::string_view name() const override { return "election-liveness"; }
  Duration liveness_window() const override { return window_; }

  std::optional<std::string> on_event(const Event& e) override {
    switch (e.kind) {
      case EventKind::kStart:
      case EventKind::kRecover:
      case EventKind::kCrash: view_.erase(e.node); return std::nullopt;
      case EventKind::kObserve:
        if (e.protocol != Bully::kId && e.protocol != Ring::kId) return std::nullopt;
        if (e.what == "leader") {
          view_[e.node] = {static_cast<NodeId>(obs_get(e.fields, "leader")),
                           obs_get(e.fields, "epoch")};
        }
        return std::nullopt;
      default: return std::nullopt;
    }
  }

  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId> down) override {
    (void)down;
    if (up.empty()) return std::nullopt;
    const NodeId highest = *std::max_element(up.begin(), up.end());
    for (NodeId n : up) {
      const auto it = view_.find(n);
      if (it == view_.end()) {
        return "L1: after healing, live node " + std::to_string(n) + " has no leader";
      }
      if (it->second.leader != highest) {
        return "L1: after healing, live node " + std::to_string(n) + " follows " +
               std::to_string(it->second.leader) + " (epoch " +
               epoch_string(static_cast<Epoch>(it->second.epoch)) + "), not the highest live id " +
               std::to_string(highest);
      }
    }
    return std::nullopt;
  }

 private:
  Duration window_;
  std::map<NodeId, View> view_;
};

}  // namespace

Duration trust_gap(const ElectionOptions& o) {
  return o.detector.acceptable_pause + 3 * o.detector.min_std_dev;
}

Duration liveness_window(const ElectionOptions& o, Algorithm a) {
  const auto& d = o.detector;
  const Duration detection =
      d.bootstrap_timeout + d.acceptable_pause + 10 * std::max(d.min_std_dev, d.heartbeat_interval);
  const Duration election =
      a == Algorithm::kBully ? 2 * (o.answer_timeout + o.coordinator_timeout) : 2 * o.ring_timeout;
  return o.start_delay + kChannelRecovery + detection + election;
}

CheckerList election_checkers(const ElectionOptions& o, Algorithm a) {
  CheckerList list;
  list.push_back(std::make_unique<ElectionChecker>());
  list.push_back(std::make_unique<LivenessChecker>(liveness_window(o, a)));
  list.push_back(make_winner_checker(o, a));
  list.push_back(make_declarations_checker(o, a));
  list.push_back(make_messages_checker(o, a));
  return list;
}

}  // namespace synod::election
