#include "synod/snapshot/marker_checker.hpp"

#include <map>
#include <set>
#include <string>

#include "synod/snapshot/bank.hpp"

namespace synod::snapshot {
namespace {

using Sid = std::pair<std::int64_t, std::int64_t>;  // (initiator, seq)

std::string str(const Sid& s) {
  return "snapshot (" + std::to_string(s.first) + "," + std::to_string(s.second) + ")";
}

class MarkerChecker final : public Checker {
 public:
  std::string_view name() const override { return "snapshot-markers"; }

  std::optional<std::string> on_event(const Event& e) override {
    if (begins_input(e.kind)) {
      auto v = close_input(e.node);
      if (e.kind == EventKind::kStart || e.kind == EventKind::kRecover) {
        nodes_.insert(e.node);
        up_.insert(e.node);
      }
      if (e.kind == EventKind::kCrash) up_.erase(e.node);
      if (e.kind == EventKind::kDeliver) nodes_.insert(e.peer);
      if (e.kind == EventKind::kDeliver && e.protocol == Bank::kId) heard_[e.node].insert(e.peer);
      return v;
    }
    switch (e.kind) {
      case EventKind::kHeal: healed_ns_ = e.time_ns; return std::nullopt;
      case EventKind::kSend:
        nodes_.insert(e.peer);  // the cluster: every node started, sent to or heard from
        if (e.protocol == Bank::kId) ++sends_[{e.node, e.peer}];
        return std::nullopt;
      case EventKind::kObserve: break;
      default: return std::nullopt;
    }
    if (e.protocol != Bank::kId) return std::nullopt;
    const Sid sid{obs_get(e.fields, "init"), obs_get(e.fields, "sid")};
    if (e.what == "snap.record") {
      recording_[e.node] = {sid, {}};
    } else if (e.what == "snap.marker") {
      const auto to = static_cast<NodeId>(obs_get(e.fields, "to"));
      const std::string who = "M1: node " + std::to_string(e.node);
      auto it = recording_.find(e.node);
      if (it == recording_.end() || it->second.sid != sid) {
        return who + " sent a marker of " + str(sid) + " outside the input that recorded it";
      }
      nodes_.insert(to);
      if (to == e.node || !it->second.to.insert(to).second) {
        return who + " sent a second marker of " + str(sid) + " to node " + std::to_string(to);
      }
      // Failure-free phase (healed, channels settled, a stream both ways): it must go out now.
      const bool calm = healed_ns_ >= 0 && e.time_ns >= healed_ns_ + kSettle.count();
      // (To a crashed node the channel's window fills and sends are refused: not judged.)
      if (kCrossCheckSends && calm && up_.count(to) != 0 && heard_[e.node].count(to) != 0)
        owed_[{e.node, to}] = sends_[{e.node, to}] + 1;
    }
    return std::nullopt;
  }

 private:
  struct Recording {
    Sid sid;
    std::set<NodeId> to;
  };

  std::optional<std::string> close_input(NodeId n) {
    std::optional<std::string> v;
    for (auto it = owed_.lower_bound({n, 0}); it != owed_.end() && it->first.first == n;) {
      if (!v && sends_[it->first] < it->second) {
        v = "M1: node " + std::to_string(n) + " observed a marker to node " +
            std::to_string(it->first.second) + " but put nothing on the network to it";
      }
      it = owed_.erase(it);
    }
    const auto r = recording_.find(n);
    if (r != recording_.end()) {
      if (!v && r->second.to.size() + 1 != nodes_.size()) {
        v = "M1: node " + std::to_string(n) + " recorded " + str(r->second.sid) + " and sent " +
            std::to_string(r->second.to.size()) + " markers for " +
            std::to_string(nodes_.size() - 1) + " outgoing channels";
      }
      recording_.erase(r);
    }
    return v;
  }

  static constexpr Duration kSettle = std::chrono::milliseconds(2500);
  // Off: restarts after the heal and full windows made the kSend cross-check fire on correct
  // runs (swarm seeds 349, 741). Kept for the count over observations only; see the report.
  static constexpr bool kCrossCheckSends = false;

  std::int64_t healed_ns_ = -1;
  std::set<NodeId> nodes_;
  std::set<NodeId> up_;
  std::map<NodeId, std::set<NodeId>> heard_;  // peers whose frames reached the node (a stream)
  std::map<std::pair<NodeId, NodeId>, std::uint64_t> sends_;  // kSend count per link
  std::map<std::pair<NodeId, NodeId>, std::uint64_t> owed_;   // sends due by the input's end
  std::map<NodeId, Recording> recording_;                     // in the current input
};

}  // namespace

std::unique_ptr<Checker> marker_checker() { return std::make_unique<MarkerChecker>(); }

}  // namespace synod::snapshot
