#include "synod/snapshot/bank_checker.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "synod/snapshot/bank.hpp"
#include "synod/snapshot/global_state.hpp"
#include "synod/snapshot/marker_checker.hpp"
#include "synod/snapshot/snapshottable.hpp"

namespace synod::snapshot {
namespace {

struct Move {
  MessageId id;
  bool send = false;
  std::int64_t amount = 0;
};

struct Part {
  NodeId node = kNoNode;
  std::int64_t nonce = 0;
  std::int64_t balance = 0;
};

struct Pending {
  std::vector<Part> parts;
  std::map<MessageId, std::int64_t> channels;  // recorded transfer -> amount
};

using RecordKey =
    std::tuple<NodeId, std::uint64_t, NodeId, std::int64_t>;  // init, sid, node, nonce

std::string str(const SnapshotId& id) {
  return "snapshot (" + std::to_string(id.initiator) + "," + std::to_string(id.seq) + ")";
}

class BankChecker final : public Checker {
 public:
  explicit BankChecker(BankCheckerOptions o) : options_(o), timeout_ns_(o.timeout.count()) {}
  std::string_view name() const override { return "bank-snapshot"; }
  Duration liveness_window() const override { return options_.liveness_window(); }

  std::optional<std::string> on_event(const Event& e) override {
    now_ns_ = e.time_ns;
    if (e.kind == EventKind::kHeal) healed_ns_ = e.time_ns;
    if (e.kind == EventKind::kCrash)
      std::erase_if(started_, [&](const auto& s) { return s.first.initiator == e.node; });
    if (e.kind == EventKind::kCrash) down_.insert(e.node);
    if (e.kind == EventKind::kStart || e.kind == EventKind::kRecover) down_.erase(e.node);
    if (e.kind == EventKind::kCrash || e.kind == EventKind::kRecover ||
        e.kind == EventKind::kPause || e.kind == EventKind::kResume || e.kind == EventKind::kHeal) {
      started_calm_undisturbed_.clear();  // L2 judges only snapshots no node life touched
      disturbed_ns_ = e.time_ns;          // channels recover within `settle` of this
    }
    if (e.kind != EventKind::kObserve || e.protocol != Bank::kId) return std::nullopt;
    const auto get = [&](std::string_view k) { return obs_get(e.fields, k); };
    const SnapshotId id{static_cast<NodeId>(get("init")), static_cast<std::uint64_t>(get("sid"))};
    if (e.what == "bank.open") return on_open(e.node, get("balance"));
    if (e.what == "bank.send") {
      return on_move(
          e.node, {{e.node, static_cast<NodeId>(get("to")), static_cast<std::uint64_t>(get("xid"))},
                   true,
                   get("amount")});
    }
    if (e.what == "bank.recv") {
      return on_move(e.node, {{static_cast<NodeId>(get("from")), e.node,
                               static_cast<std::uint64_t>(get("xid"))},
                              false,
                              get("amount")});
    }
    if (e.what == "snap.record") {
      recording_[{id.initiator, id.seq, e.node, get("nonce")}] = history_[e.node].size();
    } else if (e.what == "snap.start") {
      started_[id] = e.time_ns;
      if (healed_ns_ >= 0 && e.time_ns >= healed_ns_ + options_.settle.count()) {
        started_calm_[id] = e.time_ns;
        if (down_.empty() && e.time_ns >= disturbed_ns_ + options_.settle.count()) {
          started_calm_undisturbed_.insert(id);
        }
      }
    } else if (e.what == "snap.done" || e.what == "snap.abort") {
      started_.erase(id);
      if (e.what == "snap.abort" && started_calm_undisturbed_.erase(id) != 0) {
        return "L2: " + str(id) +
               " aborted although it started after the heal and no node crashed, restarted or "
               "paused while it ran";
      }
      if (e.what == "snap.done" && started_calm_.count(id) != 0) ++completed_calm_;
    } else if (e.what == "bank.part") {
      pending_[id].parts.push_back(
          {static_cast<NodeId>(get("node")), get("nonce"), get("balance")});
    } else if (e.what == "bank.chan") {
      pending_[id].channels[{static_cast<NodeId>(get("from")), static_cast<NodeId>(get("to")),
                             static_cast<std::uint64_t>(get("xid"))}] = get("amount");
    } else if (e.what == "bank.snap") {
      Pending p = std::move(pending_[id]);
      pending_.erase(id);
      if (get("complete") == 1) return judge(id, p, get("total"));
    }
    return std::nullopt;
  }

  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId> down) override {
    // L1a: the initiator's timeout ends every snapshot (started_ forgets those whose initiator
    // crashed).
    for (const auto& [id, t] : started_) {
      if (now_ns_ - t > 2 * timeout_ns_) {
        return "L1: " + str(id) + " started " + std::to_string(t / 1'000'000) +
               " ms into the run, neither completed nor aborted within 2 x timeout";
      }
    }
    if (!down.empty() || up.empty() || healed_ns_ < 0) return std::nullopt;
    // L1b: judged on snapshots that had time to complete.
    std::size_t due = 0;
    for (const auto& [id, t] : started_calm_) {
      due += now_ns_ - t >= options_.complete_within.count() ? 1 : 0;
    }
    if (due > 0 && completed_calm_ == 0) {
      return "L1: every node is up and the network healed, yet none of the " + std::to_string(due) +
             " snapshots started since completed";
    }
    return std::nullopt;
  }

 private:
  std::optional<std::string> on_open(NodeId node, std::int64_t balance) {
    if (!initial_.try_emplace(node, balance).second) {
      return "X1: node " + std::to_string(node) + " opened its account twice (lost durable state)";
    }
    balance_[node] = balance;
    return std::nullopt;
  }

  std::optional<std::string> on_move(NodeId node, const Move& m) {
    const std::string who = "transfer " + to_string(m.id);
    if (m.amount <= 0) return "X1: " + who + " of non-positive amount " + std::to_string(m.amount);
    if (m.send) {
      if (!sent_.try_emplace(m.id, m.amount).second) return "X1: " + who + " id reused";
      balance_[node] -= m.amount;
      if (balance_[node] < 0) return "X1: node " + std::to_string(node) + " went negative";
    } else {
      const auto it = sent_.find(m.id);
      if (it == sent_.end()) return "X1: " + who + " received but never sent";
      if (it->second != m.amount) return "X1: " + who + " received with another amount";
      if (!received_.insert(m.id).second) return "X1: " + who + " received twice";
      balance_[node] += m.amount;
    }
    history_[node].push_back(m);
    return std::nullopt;
  }

  std::optional<std::string> judge(const SnapshotId& id, const Pending& p, std::int64_t total) {
    const std::string s = str(id);
    if (p.parts.size() != initial_.size()) {
      return "S1: " + s + " completed with " + std::to_string(p.parts.size()) + " of " +
             std::to_string(initial_.size()) + " accounts";
    }
    Cut cut;
    std::int64_t balances = 0;
    std::int64_t initial_total = 0;
    for (const Part& part : p.parts) {
      const auto rec = recording_.find({id.initiator, id.seq, part.node, part.nonce});
      if (rec == recording_.end() || initial_.count(part.node) == 0) {
        return "S1: " + s + " includes node " + std::to_string(part.node) +
               " with no recording point observed";
      }
      LocalPrefix prefix{part.node, {}, {}};
      std::int64_t balance = initial_.at(part.node);
      const auto& h = history_[part.node];
      for (std::size_t i = 0; i < rec->second; ++i) {
        (h[i].send ? prefix.sent : prefix.received).insert(h[i].id);
        balance += h[i].send ? -h[i].amount : h[i].amount;
      }
      if (balance != part.balance) {
        return "S2: " + s + " recorded balance " + std::to_string(part.balance) + " for node " +
               std::to_string(part.node) + ", which had " + std::to_string(balance) +
               " at its recording point";
      }
      balances += part.balance;
      initial_total += initial_.at(part.node);
      cut.push_back(std::move(prefix));
    }
    if (const auto bad = inconsistent(cut); !bad.empty()) {
      return "S1: " + s + " cut is inconsistent: transfer " + to_string(bad.front()) +
             " is received in the cut but not sent";
    }
    std::int64_t in_channels = 0;
    const auto transit = in_transit(cut);
    for (const MessageId& m : transit) {
      if (p.channels.count(m) == 0) {
        return "S3: " + s + " missed transfer " + to_string(m) + ", in transit across the cut";
      }
    }
    for (const auto& [m, amount] : p.channels) {
      if (!std::binary_search(transit.begin(), transit.end(), m)) {
        return "S3: " + s + " recorded transfer " + to_string(m) +
               " in a channel, but it is not in transit across the cut";
      }
      in_channels += amount;
    }
    if (balances + in_channels != initial_total) {
      return "S4: " + s + " balances " + std::to_string(balances) + " + in channels " +
             std::to_string(in_channels) + " != initial total " + std::to_string(initial_total);
    }
    if (total != balances + in_channels) {
      return "S5: " + s + " reported total " + std::to_string(total) + ", recorded " +
             std::to_string(balances + in_channels);
    }
    return std::nullopt;
  }

  BankCheckerOptions options_;
  std::int64_t timeout_ns_;
  std::int64_t now_ns_ = 0;
  std::int64_t healed_ns_ = -1;
  std::map<NodeId, std::int64_t> initial_;
  std::map<NodeId, std::int64_t> balance_;
  std::map<MessageId, std::int64_t> sent_;
  std::set<MessageId> received_;
  std::map<NodeId, std::vector<Move>> history_;
  std::map<RecordKey, std::size_t> recording_;
  std::map<SnapshotId, std::int64_t> started_;
  std::map<SnapshotId, std::int64_t> started_calm_;  // started `settle` after the heal
  std::set<SnapshotId> started_calm_undisturbed_;    // ... with every node up, none changed since
  std::set<NodeId> down_;                            // crashed and not restarted (true lives)
  std::int64_t disturbed_ns_ = 0;  // the last heal, crash, restart, pause or resume
  std::map<SnapshotId, Pending> pending_;
  std::uint64_t completed_calm_ = 0;
};

}  // namespace

Duration BankCheckerOptions::liveness_window() const {
  if (auto_every.count() <= 0) return Duration(0);
  return settle + 2 * auto_every + complete_within + std::chrono::milliseconds(500);
}

CheckerList bank_checkers(BankCheckerOptions options) {
  CheckerList list;
  list.push_back(std::make_unique<BankChecker>(options));
  list.push_back(marker_checker());
  return list;
}

}  // namespace synod::snapshot
