#include "synod/mutex/mutex_checker.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "synod/mutex/lock_service.hpp"

namespace synod::mutex {
namespace {

std::string node_str(NodeId n) { return "node " + std::to_string(n); }

class MutexChecker final : public Checker {
 public:
  MutexChecker(Algorithm algorithm, std::shared_ptr<CheckStats> stats)
      : protocol_(protocol_id(algorithm)), stats_(std::move(stats)) {
    if (stats_) ++stats_->runs;
  }

  std::string_view name() const override { return "mutex"; }

  std::optional<std::string> on_event(const Event& e) override {
    switch (e.kind) {
      case EventKind::kStart:
      case EventKind::kRecover: up_[e.node] = true; return std::nullopt;
      case EventKind::kCrash: crash(e); return std::nullopt;
      case EventKind::kObserve:
        if (e.protocol != protocol_) return std::nullopt;
        return observe(e);
      default: return std::nullopt;
    }
  }

  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId> down) override {
    (void)down;
    for (NodeId n : up) {
      auto it = pending_.find(n);
      if (it != pending_.end()) {
        return "L1: after healing, live " + node_str(n) + " still waits for the lock";
      }
    }
    if (token_seen_) return check_one_token(up);
    return std::nullopt;
  }

 private:
  struct Flight {
    NodeId from;
    NodeId to;
    std::int64_t gen;
  };

  std::optional<std::string> observe(const Event& e) {
    const std::string_view w = e.what;
    if (w == "request") {
      pending_[e.node] = obs_get(e.fields, "key");
      algo_ = obs_get(e.fields, "algo");
    } else if (w == "enter") {
      return enter(e);
    } else if (w == "exit") {
      if (holders_.erase(e.node) == 0) return "M1: " + node_str(e.node) + " exits without holding";
    } else if (w == "suspect") {
      suspect(e);
    } else if (w.substr(0, 6) == "token_") {
      token(e, w);
    }
    return std::nullopt;
  }

  std::optional<std::string> enter(const Event& e) {
    const std::int64_t token = obs_get(e.fields, "token");
    const std::int64_t key = pending_.count(e.node) != 0 ? pending_[e.node] : 0;
    pending_.erase(e.node);
    if (stats_) ++stats_->enters;
    std::optional<std::string> bad;
    for (const auto& [other, t] : holders_) {
      bad = "M1: " + node_str(e.node) + " enters with token " + std::to_string(token) + " while " +
            node_str(other) + " holds token " + std::to_string(t);
    }
    // Never excused: with unique tokens a resource that refuses tokens below the highest it has
    // seen keeps even the overlapping holders of a degraded run apart.
    if (!granted_.insert(token).second) {
      return "M2: fencing token " + std::to_string(token) + " granted twice (now to " +
             node_str(e.node) + ")";
    }
    if (token < last_token_ && stats_) ++stats_->fenced;
    if (!bad && token <= last_token_) {
      bad = "M2: " + node_str(e.node) + " granted token " + std::to_string(token) +
            " after token " + std::to_string(last_token_);
    }
    if (!bad && algo_ == static_cast<std::int64_t>(Algorithm::kRicartAgrawala)) {
      for (const auto& [other, k] : pending_) {
        if (k != 0 && k < key) {
          bad = "M3: " + node_str(e.node) + " enters with (T,i) key " + std::to_string(key) +
                " before " + node_str(other) + "'s earlier request " + std::to_string(k);
        }
      }
    }
    holders_[e.node] = token;
    last_token_ = std::max(last_token_, token);
    if (bad && degraded_) {
      if (stats_) ++stats_->excused;
      return std::nullopt;
    }
    return bad;
  }

  void suspect(const Event& e) {
    const auto peer = static_cast<NodeId>(obs_get(e.fields, "peer"));
    const std::int64_t after_ns = obs_get(e.fields, "after_ms") * 1'000'000;
    const bool crashed_recently =
        last_crash_.count(peer) != 0 && e.time_ns - last_crash_[peer] <= after_ns;
    if (!up_[peer] || crashed_recently) return;
    if (stats_) {
      ++stats_->false_suspicions;
      if (!degraded_) ++stats_->degraded_runs;
    }
    degraded_ = true;
  }

  void crash(const Event& e) {
    up_[e.node] = false;
    last_crash_[e.node] = e.time_ns;
    holders_.erase(e.node);
    pending_.erase(e.node);
    possession_.erase(e.node);
    std::erase_if(flights_, [&e](const Flight& f) { return f.to == e.node || f.from == e.node; });
  }

  void token(const Event& e, std::string_view w) {
    token_seen_ = true;
    const std::int64_t gen = obs_get(e.fields, "gen");
    newest_ = std::max(newest_, gen);
    if (w == "token_new" || w == "token_convert") {
      possession_[e.node] = gen;
    } else if (w == "token_send") {
      possession_.erase(e.node);
      flights_.push_back({e.node, static_cast<NodeId>(obs_get(e.fields, "to")), gen});
    } else if (w == "token_recv") {
      land(e.node, gen);
      possession_[e.node] = gen;
    } else if (w == "token_stale") {
      auto it = possession_.find(e.node);
      if (it != possession_.end() && it->second == gen) {
        possession_.erase(it);
      } else {
        land(e.node, gen);
      }
    }
  }

  void land(NodeId to, std::int64_t gen) {
    auto it = std::find_if(flights_.begin(), flights_.end(),
                           [&](const Flight& f) { return f.to == to && f.gen == gen; });
    if (it != flights_.end()) flights_.erase(it);
  }

  std::optional<std::string> check_one_token(std::span<const NodeId> up) {
    const auto is_up = [&up](NodeId n) { return std::find(up.begin(), up.end(), n) != up.end(); };
    int count = 0;
    for (const auto& [n, gen] : possession_) {
      if (!is_up(n)) continue;
      if (gen < newest_) {
        return "T1: after recovery " + node_str(n) + " still holds a generation-" +
               std::to_string(gen) + " token (newest " + std::to_string(newest_) + ")";
      }
      ++count;
    }
    for (const Flight& f : flights_) {
      if (f.gen == newest_ && is_up(f.to)) ++count;
    }
    if (count != 1) {
      return "T1: after recovery there are " + std::to_string(count) + " tokens of generation " +
             std::to_string(newest_);
    }
    return std::nullopt;
  }

  ProtocolId protocol_;
  std::shared_ptr<CheckStats> stats_;
  std::map<NodeId, bool> up_;
  std::map<NodeId, std::int64_t> last_crash_;
  std::map<NodeId, std::int64_t> holders_;  // node -> token
  std::map<NodeId, std::int64_t> pending_;  // node -> request key
  std::int64_t last_token_ = 0;
  std::set<std::int64_t> granted_;  // every fencing token granted in the run
  std::int64_t algo_ = -1;
  bool degraded_ = false;
  bool token_seen_ = false;
  std::int64_t newest_ = 0;
  std::map<NodeId, std::int64_t> possession_;
  std::vector<Flight> flights_;
};

}  // namespace

CheckerList mutex_checkers(Algorithm algorithm, std::shared_ptr<CheckStats> stats) {
  CheckerList list;
  list.push_back(std::make_unique<MutexChecker>(algorithm, std::move(stats)));
  return list;
}

}  // namespace synod::mutex
