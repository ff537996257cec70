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
    switch (e.kind) {
      case EventKind::kStart:
      case EventKind::kRecover:
      case EventKind::kCrash:
      case EventKind::kTimer:
      case EventKind::kDeliver: {
        auto v = close_input(e.node);
        if (e.kind == EventKind::kStart || e.kind == EventKind::kRecover) nodes_.insert(e.node);
        if (e.kind == EventKind::kDeliver && e.protocol == Bank::kId) heard_[e.node].insert(e.peer);
        return v;
      }
      case EventKind::kHeal: healed_ns_ = e.time_ns; return std::nullopt;
      case EventKind::kSend:
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
      if (to == e.node || !it->second.to.insert(to).second) {
        return who + " sent a second marker of " + str(sid) + " to node " + std::to_string(to);
      }
      // Failure-free phase (healed, channels settled, a stream both ways): it must go out now.
      const bool calm = healed_ns_ >= 0 && e.time_ns >= healed_ns_ + kSettle.count();
      if (calm && heard_[e.node].count(to) != 0) owed_[{e.node, to}] = sends_[{e.node, to}] + 1;
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

  std::int64_t healed_ns_ = -1;
  std::set<NodeId> nodes_;
  std::map<NodeId, std::set<NodeId>> heard_;  // peers whose frames reached the node (a stream)
  std::map<std::pair<NodeId, NodeId>, std::uint64_t> sends_;  // kSend count per link
  std::map<std::pair<NodeId, NodeId>, std::uint64_t> owed_;   // sends due by the input's end
  std::map<NodeId, Recording> recording_;                     // in the current input
};

}  // namespace

std::unique_ptr<Checker> marker_checker() { return std::make_unique<MarkerChecker>(); }

}  // namespace synod::snapshot
