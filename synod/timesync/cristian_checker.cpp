#include "synod/timesync/cristian_checker.hpp"

#include <cstdlib>
#include <map>
#include <set>
#include <tuple>

namespace synod::timesync {
namespace {

class CristianChecker final : public Checker {
 public:
  explicit CristianChecker(CristianCheckOptions o) : o_(o) {}
  std::string_view name() const override { return "cristian"; }

  std::optional<std::string> on_event(const Event& e) override {
    last_ns_ = e.time_ns;
    switch (e.kind) {
      case EventKind::kStart:
      case EventKind::kRecover:
        started_[e.node] = e.time_ns;
        round_samples_.erase(e.node);  // round numbers start again in a new life
        return std::nullopt;
      case EventKind::kHeal: healed_ns_ = e.time_ns; return std::nullopt;
      case EventKind::kFault:
        if (e.what == "clock step") stepped_[e.node] = e.time_ns;
        return std::nullopt;
      case EventKind::kObserve: break;
      default: return std::nullopt;
    }
    const auto f = e.fields;
    if (e.what == "role") {
      if (obs_get(f, "server") != 0) servers_.insert(e.node);
    } else if (e.what == "serve") {
      served_[{e.node, obs_get(f, "nonce"), obs_get(f, "t_server")}] = e.time_ns;
    } else if (e.what == "ask") {
      asked_[{e.node, obs_get(f, "nonce")}] = e.time_ns;
    } else if (e.what == "sample") {
      return on_sample(e);
    } else if (e.what == "sync") {
      return on_sync(e);
    }
    return std::nullopt;
  }

  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId>) override {
    bool server_up = false;
    for (NodeId n : up) server_up = server_up || servers_.count(n) != 0;
    if (!server_up) return std::nullopt;
    for (NodeId n : up) {
      if (servers_.count(n) != 0) continue;
      const std::int64_t since = std::max(healed_ns_, started_[n]);
      if (last_ns_ - since < o_.live_window.count()) continue;
      if (last_sync_[n] < since) {
        return "CL1: node " + std::to_string(n) + " has not synced since " +
               format_duration(Duration(since)) + " though a server is live";
      }
    }
    return std::nullopt;
  }

 private:
  std::optional<std::string> on_sample(const Event& e) {
    const auto f = e.fields;
    const NodeId server = static_cast<NodeId>(obs_get(f, "server"));
    const std::int64_t nonce = obs_get(f, "nonce");
    const std::int64_t t_server = obs_get(f, "t_server");
    const std::int64_t rtt = obs_get(f, "rtt_ns");
    const std::int64_t estimate = obs_get(f, "estimate_ns");
    auto& samples = round_samples_[e.node];
    const std::int64_t round = obs_get(f, "round");
    if (samples.first != round) samples = {round, {}};
    samples.second.insert(rtt);
    const auto served = served_.find({server, nonce, t_server});
    if (served == served_.end()) return std::nullopt;  // the server's trace is missing
    const auto asked = asked_.find({e.node, nonce});
    const auto step = stepped_.find(e.node);
    if (asked != asked_.end() && step != stepped_.end() && step->second >= asked->second) {
      return std::nullopt;  // the client's clock jumped during the RTT
    }
    const std::int64_t since_serve = e.time_ns - served->second;
    const std::int64_t error = estimate - (t_server + since_serve);
    const auto bound = static_cast<std::int64_t>(static_cast<double>(rtt) / 2.0 +
                                                 static_cast<double>(rtt) * o_.drift_ppm * 1e-6) +
                       o_.slack.count();
    if (std::llabs(error) > bound) {
      return "CR1: node " + std::to_string(e.node) + " estimated server " + std::to_string(server) +
             "'s time with error " + format_duration(Duration(error)) + " > RTT/2 + drift bound " +
             format_duration(Duration(bound)) + " (rtt " + format_duration(Duration(rtt)) + ")";
    }
    return std::nullopt;
  }

  std::optional<std::string> on_sync(const Event& e) {
    last_sync_[e.node] = e.time_ns;
    const auto it = round_samples_.find(e.node);
    const std::int64_t round = obs_get(e.fields, "round");
    if (it == round_samples_.end() || it->second.first != round || it->second.second.empty()) {
      return std::nullopt;  // samples not in the trace
    }
    const std::int64_t rtt = obs_get(e.fields, "rtt_ns");
    if (rtt != *it->second.second.begin()) {
      return "CR2: node " + std::to_string(e.node) + " applied a sample with rtt " +
             format_duration(Duration(rtt)) + ", not the round's lowest " +
             format_duration(Duration(*it->second.second.begin()));
    }
    return std::nullopt;
  }

  CristianCheckOptions o_;
  std::int64_t last_ns_ = 0;
  std::int64_t healed_ns_ = 0;
  std::set<NodeId> servers_;
  std::map<NodeId, std::int64_t> started_;
  std::map<NodeId, std::int64_t> stepped_;
  std::map<NodeId, std::int64_t> last_sync_;
  // (server, nonce, t_server) -> true time of the "serve"; (client, nonce) -> time of the "ask".
  std::map<std::tuple<NodeId, std::int64_t, std::int64_t>, std::int64_t> served_;
  std::map<std::pair<NodeId, std::int64_t>, std::int64_t> asked_;
  std::map<NodeId, std::pair<std::int64_t, std::multiset<std::int64_t>>> round_samples_;
};

}  // namespace

CheckerList cristian_checkers(CristianCheckOptions o) {
  CheckerList v;
  v.push_back(std::make_unique<CristianChecker>(o));
  return v;
}

}  // namespace synod::timesync
