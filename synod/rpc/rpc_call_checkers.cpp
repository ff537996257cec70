// The client-side rules' checkers: R5 (no retry of non-idempotent calls), R6 (deadlines, judged
// in true time) and R7 (cancellation reaches the server). See rpc_checker.hpp.
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "synod/rpc/endpoint.hpp"
#include "synod/rpc/rpc_checker.hpp"

namespace synod::rpc {
namespace {

// One call of one client life: (client node, session, call id).
using CallKey = std::tuple<NodeId, std::int64_t, std::int64_t>;

std::string call_str(const CallKey& k) {
  return "call " + std::to_string(std::get<2>(k)) + " of node " + std::to_string(std::get<0>(k)) +
         " (session " + std::to_string(static_cast<std::uint64_t>(std::get<1>(k))) + ")";
}

bool rpc_observation(const Event& e, std::string_view what) {
  return e.kind == EventKind::kObserve && e.protocol == Endpoint::kId && e.what == what;
}

bool new_life(const Event& e) {
  return e.kind == EventKind::kStart || e.kind == EventKind::kRecover ||
         e.kind == EventKind::kCrash;
}

class RetryChecker final : public Checker {
 public:
  std::string_view name() const override { return "rpc_retry"; }

  std::optional<std::string> on_event(const Event& e) override {
    if (!rpc_observation(e, "rpc_send") || obs_get(e.fields, "idempotent") != 0) {
      return std::nullopt;
    }
    const CallKey k{e.node, obs_get(e.fields, "session"), obs_get(e.fields, "call")};
    const std::int64_t seq = obs_get(e.fields, "seq");
    auto [it, fresh] = first_seq_.emplace(k, seq);
    if (!fresh && it->second != seq) {
      return "R5: " + call_str(k) + " of a non-idempotent method was sent again under a new " +
             "request id (seq " + std::to_string(it->second) + ", then " + std::to_string(seq) +
             "): it may run twice";
    }
    return std::nullopt;
  }

 private:
  std::map<CallKey, std::int64_t> first_seq_;
};

class DeadlineChecker final : public Checker {
 public:
  explicit DeadlineChecker(Duration longest) : longest_(longest) {}
  std::string_view name() const override { return "rpc_deadline"; }
  Duration liveness_window() const override { return longest_ + std::chrono::seconds(1); }

  std::optional<std::string> on_event(const Event& e) override {
    last_ns_ = std::max(last_ns_, e.time_ns);
    if (new_life(e)) {
      std::erase_if(open_, [&e](const auto& kv) { return std::get<0>(kv.first) == e.node; });
      paused_.erase(e.node);
      return std::nullopt;
    }
    if (e.kind == EventKind::kPause || (e.kind == EventKind::kFault && e.what == "clock drift")) {
      // The node's timers wait (pause) or run at a rate we do not know (drift fault).
      if (e.kind == EventKind::kPause) paused_.insert(e.node);
      for (auto& [k, c] : open_) c.excused = c.excused || std::get<0>(k) == e.node;
      return std::nullopt;
    }
    if (e.kind == EventKind::kResume) paused_.erase(e.node);
    if (rpc_observation(e, "rpc_send")) {
      const CallKey k{e.node, obs_get(e.fields, "session"), obs_get(e.fields, "call")};
      const std::int64_t budget = obs_get(e.fields, "budget_ns");
      open_.emplace(k, Open{e.time_ns + budget, budget, paused_.contains(e.node)});
    } else if (rpc_observation(e, "rpc_done")) {
      const CallKey k{e.node, obs_get(e.fields, "session"), obs_get(e.fields, "call")};
      auto it = open_.find(k);
      if (it == open_.end()) return std::nullopt;  // a call that never went out (refused locally)
      const Open c = it->second;
      open_.erase(it);
      const std::int64_t late = e.time_ns - (c.deadline_ns + slack(c.budget_ns));
      if (late <= 0) return std::nullopt;
      if (c.excused) {
        ++excused_;
        return std::nullopt;
      }
      return "R6: " + call_str(k) + " completed (code " +
             std::to_string(obs_get(e.fields, "code")) + ") " + format_duration(Duration(late)) +
             " after its deadline (budget " + format_duration(Duration(c.budget_ns)) + ")";
    }
    return std::nullopt;
  }

  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId>) override {
    const std::set<NodeId> live(up.begin(), up.end());
    for (const auto& [k, c] : open_) {
      if (!live.contains(std::get<0>(k)) || c.excused) continue;
      const std::int64_t overdue = last_ns_ - (c.deadline_ns + slack(c.budget_ns));
      if (overdue > 0) {
        return "R6: " + call_str(k) + " never completed; its deadline passed " +
               format_duration(Duration(overdue)) + " before the end of the run";
      }
    }
    return std::nullopt;
  }

  std::vector<Verdict> verdicts() const override {
    if (excused_ == 0) return {};
    return {
        {"excused", "late completion on a node paused or with a drift fault meanwhile", excused_}};
  }

 private:
  struct Open {
    std::int64_t deadline_ns;  // true time
    std::int64_t budget_ns;
    bool excused;
  };
  static std::int64_t slack(std::int64_t budget_ns) {
    return static_cast<std::int64_t>(static_cast<double>(budget_ns) * kRateTolerance) + 1'000'000;
  }

  Duration longest_;
  std::map<CallKey, Open> open_;
  std::set<NodeId> paused_;
  std::int64_t last_ns_ = 0;
  std::uint64_t excused_ = 0;
};

class CancelChecker final : public Checker {
 public:
  std::string_view name() const override { return "rpc_cancel"; }

  std::optional<std::string> on_event(const Event& e) override {
    if (e.kind != EventKind::kObserve || e.protocol != Endpoint::kId) return std::nullopt;
    const Id id{obs_get(e.fields, "session"), obs_get(e.fields, "seq")};
    if (e.what == "rpc_cancel") {
      cancels_sent_.insert({e.node, id});
    } else if (e.what == "rpc_exec") {
      running_[{e.node, id}] = false;
    } else if (e.what == "rpc_cancel_in") {
      const auto client = static_cast<NodeId>(obs_get(e.fields, "client"));
      if (!cancels_sent_.contains({client, id})) {
        return "R7: node " + std::to_string(e.node) + " got a cancel of request (seq " +
               std::to_string(id.second) + ") that its client " + std::to_string(client) +
               " never sent";
      }
      auto it = running_.find({e.node, id});
      if (it != running_.end()) it->second = true;
    } else if (e.what == "rpc_result") {
      auto it = running_.find({e.node, id});
      if (it == running_.end()) return std::nullopt;
      const bool delivered = it->second;
      running_.erase(it);
      if (delivered && obs_get(e.fields, "cancelled") == 0) {
        return "R7: node " + std::to_string(e.node) + " got the cancel of request (seq " +
               std::to_string(id.second) + ") while it ran, but the call never saw it";
      }
    }
    return std::nullopt;
  }

 private:
  using Id = std::pair<std::int64_t, std::int64_t>;  // (session, seq)
  std::set<std::pair<NodeId, Id>> cancels_sent_;     // (client, request)
  std::map<std::pair<NodeId, Id>, bool> running_;    // (server, request) -> cancel delivered
};

}  // namespace

std::unique_ptr<Checker> retry_checker() { return std::make_unique<RetryChecker>(); }
std::unique_ptr<Checker> deadline_checker(Duration longest_deadline) {
  return std::make_unique<DeadlineChecker>(longest_deadline);
}
std::unique_ptr<Checker> cancel_checker() { return std::make_unique<CancelChecker>(); }

}  // namespace synod::rpc
