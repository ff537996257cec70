#include "synod/mutex/mutex_checker.hpp"

#include <algorithm>
#include <chrono>
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
  MutexChecker(Algorithm algorithm, Duration window, std::shared_ptr<CheckStats> stats)
      : protocol_(protocol_id(algorithm)), window_(window), stats_(std::move(stats)) {
    if (stats_) ++stats_->runs;
  }

  std::string_view name() const override { return "mutex"; }
  Duration liveness_window() const override { return window_; }

  std::vector<Verdict> verdicts() const override {
    std::vector<Verdict> out;
    const auto add = [&out](const char* kind, const char* what, std::uint64_t n) {
      if (n != 0) out.push_back({kind, what, n});
    };
    add("degraded", "false suspicions of a live node (M1-M3 relaxed from the first on)",
        false_suspicions_);
    add("excused", "M1-M3 breaches (overlapping holds, out-of-order grants) in a degraded run",
        excused_);
    add("fenced", "grants with a token below an earlier one (a fenced resource refuses them)",
        fenced_);
    return out;
  }

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
    if (token < last_token_) {
      ++fenced_;
      if (stats_) ++stats_->fenced;
    }
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
      ++excused_;
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
    ++false_suspicions_;
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
  Duration window_;
  std::shared_ptr<CheckStats> stats_;
  std::uint64_t false_suspicions_ = 0;
  std::uint64_t excused_ = 0;
  std::uint64_t fenced_ = 0;
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

// The message counts of the algorithms' headers over failure-free phases (mutex_checker.hpp).
class MessageChecker final : public Checker {
 public:
  MessageChecker(const LockOptions& lock, Duration settle, std::shared_ptr<CheckStats> stats)
      : algorithm_(lock.algorithm),
        protocol_(protocol_id(lock.algorithm)),
        settle_ns_(settle.count()),
        idle_hold_ns_(lock.ring_idle_hold.count()),
        stats_(std::move(stats)) {}

  std::string_view name() const override { return "mutex-messages"; }

  std::vector<Verdict> verdicts() const override {
    std::vector<Verdict> out;
    if (judged_ != 0)
      out.push_back({"judged", "failure-free phases whose count was checked", judged_});
    if (unbounded_ != 0) {
      out.push_back({"unjudged", "failure-free phases of a ring with ring_idle_hold=0 (unbounded)",
                     unbounded_});
    }
    return out;
  }

  std::optional<std::string> on_event(const Event& e) override {
    // N: every node the run shows (nodes start at different instants; sends name the rest).
    if (e.node != kNoNode) nodes_.insert(e.node);
    if (e.peer != kNoNode) nodes_.insert(e.peer);
    switch (e.kind) {
      case EventKind::kStart:
        // The cluster's first start is the beginning of a failure-free phase, not a disturbance.
        if (disturbed_) return disturb(e.time_ns);
        return std::nullopt;
      case EventKind::kRecover:
      case EventKind::kCrash:
      case EventKind::kPause:
      case EventKind::kResume:
      case EventKind::kFault:
      case EventKind::kHeal:
      case EventKind::kDrop: return disturb(e.time_ns);
      case EventKind::kObserve: break;
      default: return std::nullopt;
    }
    if (e.protocol != protocol_) return std::nullopt;
    const std::string_view w = e.what;
    if (w == "suspect" || w == "trust" || w == "peer_restarted") return disturb(e.time_ns);
    if (!counting(e.time_ns)) return std::nullopt;
    if (w == "enter") ++entries_;
    if (w == "msg" && counted(static_cast<MsgType>(obs_get(e.fields, "type")))) ++messages_;
    last_ns_ = e.time_ns;
    return std::nullopt;
  }

  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId> down) override {
    (void)up;
    (void)down;
    return judge();
  }

 private:
  bool counting(std::int64_t t) {
    if (open_) return true;
    if (t - quiet_since_ns_ < (disturbed_ ? settle_ns_ : 0)) return false;
    open_ = true;
    opened_ns_ = t;
    return true;
  }

  bool counted(MsgType t) const {
    switch (algorithm_) {
      case Algorithm::kCentral:
        return t == MsgType::kRequest || t == MsgType::kGrant || t == MsgType::kRelease;
      case Algorithm::kRicartAgrawala: return t == MsgType::kRaRequest || t == MsgType::kRaReply;
      case Algorithm::kSuzukiKasami: return t == MsgType::kSkRequest || t == MsgType::kSkToken;
      case Algorithm::kTokenRing: return t == MsgType::kRingToken;
    }
    return false;
  }

  std::optional<std::string> disturb(std::int64_t t) {
    auto bad = judge();
    disturbed_ = true;
    quiet_since_ns_ = t;
    return bad;
  }

  // Closes the current phase: its messages against the header's count.
  std::optional<std::string> judge() {
    if (!open_) return std::nullopt;
    open_ = false;
    const std::uint64_t entries = entries_;
    const std::uint64_t messages = messages_;
    entries_ = messages_ = 0;
    const auto n = static_cast<std::uint64_t>(std::max<std::size_t>(nodes_.size(), 1));
    std::uint64_t per_entry = 0;
    std::string rule;
    switch (algorithm_) {
      case Algorithm::kCentral: per_entry = 3, rule = "3 per entry"; break;
      case Algorithm::kRicartAgrawala: per_entry = 2 * (n - 1), rule = "2(N-1) per entry"; break;
      case Algorithm::kSuzukiKasami: per_entry = n, rule = "N per entry"; break;
      case Algorithm::kTokenRing: per_entry = 1, rule = "1 per entry + N per idle hold"; break;
    }
    std::uint64_t allowed = per_entry * (entries + n);  // + the requests at the phase's edges
    if (algorithm_ == Algorithm::kTokenRing) {
      if (idle_hold_ns_ <= 0) {
        ++unbounded_;
        return std::nullopt;
      }
      const auto span =
          static_cast<std::uint64_t>(std::max<std::int64_t>(0, last_ns_ - opened_ns_));
      allowed += n * (span / static_cast<std::uint64_t>(idle_hold_ns_) + 1);
    }
    ++judged_;
    if (stats_) ++stats_->judged_phases;
    if (messages <= allowed) return std::nullopt;
    return "message count: " + std::to_string(messages) + " " +
           std::string(algorithm_name(algorithm_)) + " messages for " + std::to_string(entries) +
           " entries in a failure-free phase from " + std::to_string(opened_ns_ / 1'000'000) +
           " ms (the header's " + rule + " allows " + std::to_string(allowed) +
           " with N=" + std::to_string(n) + ")";
  }

  Algorithm algorithm_;
  ProtocolId protocol_;
  std::int64_t settle_ns_;
  std::int64_t idle_hold_ns_;
  std::shared_ptr<CheckStats> stats_;
  std::set<NodeId> nodes_;
  bool disturbed_ = false;
  std::int64_t quiet_since_ns_ = 0;
  bool open_ = false;
  std::int64_t opened_ns_ = 0;
  std::int64_t last_ns_ = 0;
  std::uint64_t entries_ = 0;
  std::uint64_t messages_ = 0;
  std::uint64_t judged_ = 0;
  std::uint64_t unbounded_ = 0;
};

}  // namespace

Duration mutex_liveness_window(const LockOptions& lock, const WorkloadOptions& workload) {
  const Duration heartbeat = lock.tick * static_cast<std::int64_t>(lock.heartbeat_ticks);
  // A holder that crashed just before the heal is suspected after suspect_after (plus the
  // heartbeat it would have sent); without heartbeats nothing is ever suspected.
  const Duration detect =
      lock.heartbeat_ticks == 0 ? Duration(0) : lock.suspect_after + 2 * heartbeat;
  // A lost token is noticed after token_timeout; a round (probe or coordinator) and a request
  // may each need a retry.
  const bool token =
      lock.algorithm == Algorithm::kSuzukiKasami || lock.algorithm == Algorithm::kTokenRing;
  const Duration recover = (token ? lock.token_timeout : Duration(0)) + 2 * lock.retry;
  // Then the queue of waiters (up to 10 here) is served, one hold and a hand-over each.
  const Duration serve = 10 * (workload.hold_max + lock.tick) + lock.ring_idle_hold * 10;
  return detect + recover + serve + 4 * lock.tick;
}

CheckerList mutex_checkers(const MutexConfig& config, std::shared_ptr<CheckStats> stats) {
  const Duration window = mutex_liveness_window(config.lock, config.workload);
  CheckerList list;
  list.push_back(std::make_unique<MutexChecker>(config.lock.algorithm, window, stats));
  list.push_back(std::make_unique<MessageChecker>(config.lock, window, std::move(stats)));
  return list;
}

CheckerList mutex_checkers(Algorithm algorithm, std::shared_ptr<CheckStats> stats) {
  MutexConfig c;
  c.lock.algorithm = algorithm;
  return mutex_checkers(c, std::move(stats));
}

}  // namespace synod::mutex
