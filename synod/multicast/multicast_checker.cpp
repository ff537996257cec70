#include "synod/multicast/multicast_checker.hpp"

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "synod/node/protocol_ids.hpp"

namespace synod::multicast {
namespace {

// (sender, sender life, seq): the name of one multicast message.
using MsgKey = std::tuple<NodeId, std::int64_t, std::int64_t>;

std::string key_str(const MsgKey& k) {
  return fmt::format("({}, life {:x}, seq {})", std::get<0>(k),
                     static_cast<std::uint64_t>(std::get<1>(k)), std::get<2>(k));
}

bool ours(const Event& e) { return e.protocol == kBMulticastProtocol; }

bool is_life_event(const Event& e) {
  return e.kind == EventKind::kStart || e.kind == EventKind::kRecover ||
         e.kind == EventKind::kCrash;
}

class IntegrityChecker final : public Checker {
 public:
  std::string_view name() const override { return "bmulticast-integrity"; }

  std::optional<std::string> on_event(const Event& e) override {
    if (is_life_event(e)) {
      delivered_[e.node].clear();  // MI2 is per receiver life
      last_delivery_.erase(e.node);
      return std::nullopt;
    }
    if (e.kind == EventKind::kDeliver) {
      last_delivery_[e.node] = {e.peer, e.protocol};
      return std::nullopt;
    }
    if (e.kind != EventKind::kObserve || !ours(e)) return std::nullopt;
    if (e.what == "mc.send") {
      sent_[{e.node, obs_get(e.fields, "life"), obs_get(e.fields, "seq")}] =
          obs_get(e.fields, "hash");
      return std::nullopt;
    }
    if (e.what != "mc.deliver") return std::nullopt;
    const auto from = static_cast<NodeId>(obs_get(e.fields, "from"));
    const MsgKey key{from, obs_get(e.fields, "life"), obs_get(e.fields, "seq")};
    const auto it = sent_.find(key);
    if (it == sent_.end()) {
      return fmt::format("MI1: node {} delivered {} which was never multicast", e.node,
                         key_str(key));
    }
    if (it->second != obs_get(e.fields, "hash")) {
      return fmt::format("MI1: node {} delivered {} with a payload other than the one sent", e.node,
                         key_str(key));
    }
    if (from != e.node) {
      const auto last = last_delivery_.find(e.node);
      if (last == last_delivery_.end() || last->second.first != from ||
          last->second.second != kBMulticastProtocol) {
        return fmt::format("MI1: node {} delivered {} without a network delivery from node {}",
                           e.node, key_str(key), from);
      }
    }
    if (!delivered_[e.node].insert(key).second) {
      return fmt::format("MI2: node {} delivered {} twice in one life", e.node, key_str(key));
    }
    return std::nullopt;
  }

 private:
  std::map<MsgKey, std::int64_t> sent_;  // -> payload hash
  std::map<NodeId, std::set<MsgKey>> delivered_;
  std::map<NodeId, std::pair<NodeId, ProtocolId>> last_delivery_;
};

class ValidityChecker final : public Checker {
 public:
  std::string_view name() const override { return "bmulticast-validity"; }

  std::optional<std::string> on_event(const Event& e) override {
    const bool new_input =
        begins_input(e.kind) || (e.kind == EventKind::kObserve && ours(e) && e.what == "mc.send");
    if (new_input) {
      if (auto v = check_pending(e.node)) return v;
    }
    if (e.kind != EventKind::kObserve || !ours(e)) return std::nullopt;
    const MsgKey key{e.node, obs_get(e.fields, "life"), obs_get(e.fields, "seq")};
    if (e.what == "mc.send") pending_[e.node] = key;
    if (e.what == "mc.deliver" && static_cast<NodeId>(obs_get(e.fields, "from")) == e.node) {
      const auto it = pending_.find(e.node);
      if (it != pending_.end() && it->second == key) pending_.erase(it);
    }
    return std::nullopt;
  }

  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId> down) override {
    for (auto ids : {up, down}) {
      for (NodeId n : ids) {
        if (auto v = check_pending(n)) return v;
      }
    }
    return std::nullopt;
  }

 private:
  std::optional<std::string> check_pending(NodeId node) {
    const auto it = pending_.find(node);
    if (it == pending_.end()) return std::nullopt;
    const MsgKey key = it->second;
    pending_.erase(it);
    return fmt::format("MV1: node {} multicast {} and did not deliver it itself", node,
                       key_str(key));
  }

  std::map<NodeId, MsgKey> pending_;  // a multicast not yet self-delivered
};

class CountChecker final : public Checker {
 public:
  std::string_view name() const override { return "bmulticast-count"; }

  std::optional<std::string> on_event(const Event& e) override {
    if (!ours(e)) return std::nullopt;
    if (e.kind == EventKind::kSend) ++sends_[e.node];
    if (e.kind == EventKind::kObserve && e.what == "mc.send") ++multicasts_[e.node];
    return std::nullopt;
  }

  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId> down) override {
    const std::uint64_t n = up.size() + down.size();
    for (const auto& [node, count] : multicasts_) {
      const std::uint64_t sends = sends_[node];
      if (sends != count * (n - 1)) {
        return fmt::format(
            "MC1: node {} made {} multicasts and put {} messages on the network "
            "({} expected in a group of {})",
            node, count, sends, count * (n - 1), n);
      }
    }
    return std::nullopt;
  }

 private:
  std::map<NodeId, std::uint64_t> sends_;
  std::map<NodeId, std::uint64_t> multicasts_;
};

class DeliveryChecker final : public Checker {
 public:
  explicit DeliveryChecker(MulticastCheckOptions o) : o_(o) {}
  std::string_view name() const override { return "bmulticast-delivery"; }
  Duration liveness_window() const override { return 2 * o_.settle + 10 * o_.interval; }

  std::optional<std::string> on_event(const Event& e) override {
    last_time_ = e.time_ns;
    if (e.kind == EventKind::kHeal) heal_ns_ = e.time_ns;
    if (e.kind == EventKind::kStart || e.kind == EventKind::kRecover) {
      life_start_[e.node] = e.time_ns;
    }
    if (e.kind != EventKind::kObserve || !ours(e)) return std::nullopt;
    if (e.what == "mc.send" && heal_ns_ >= 0 && e.time_ns >= heal_ns_ + o_.settle.count()) {
      sent_after_heal_.push_back(
          {{e.node, obs_get(e.fields, "life"), obs_get(e.fields, "seq")}, e.time_ns});
    }
    if (e.what == "mc.deliver") {
      delivered_[e.node].insert(MsgKey{static_cast<NodeId>(obs_get(e.fields, "from")),
                                       obs_get(e.fields, "life"), obs_get(e.fields, "seq")});
    }
    return std::nullopt;
  }

  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId> down) override {
    (void)down;
    for (const auto& [key, at] : sent_after_heal_) {
      if (at > last_time_ - o_.settle.count()) continue;  // too close to the end to judge
      for (NodeId n : up) {
        if (life_start_[n] >= at) continue;  // this life began after the send
        if (!delivered_[n].contains(key)) {
          return fmt::format("ML1: node {} never delivered {} multicast at {} after the heal", n,
                             key_str(key), format_duration(Duration(at)));
        }
      }
    }
    return std::nullopt;
  }

 private:
  MulticastCheckOptions o_;
  std::int64_t heal_ns_ = -1;
  std::int64_t last_time_ = 0;
  std::map<NodeId, std::int64_t> life_start_;
  std::vector<std::pair<MsgKey, std::int64_t>> sent_after_heal_;
  std::map<NodeId, std::set<MsgKey>> delivered_;
};

}  // namespace

CheckerList multicast_checkers(MulticastCheckOptions options) {
  CheckerList list;
  list.push_back(std::make_unique<IntegrityChecker>());
  list.push_back(std::make_unique<ValidityChecker>());
  list.push_back(std::make_unique<CountChecker>());
  list.push_back(std::make_unique<DeliveryChecker>(options));
  return list;
}

}  // namespace synod::multicast
