#include "synod/channel/channel_checker.hpp"

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "synod/channel/channel_observations.hpp"

namespace synod::channel {
namespace {

using Life = std::pair<NodeId, ProtocolId>;

// (protocol, sender, sender session, receiver, receiver session)
using StreamKey = std::tuple<ProtocolId, NodeId, std::int64_t, NodeId, std::int64_t>;

std::string describe(const StreamKey& k) {
  return "stream " + std::to_string(std::get<1>(k)) + "->" + std::to_string(std::get<3>(k)) +
         " (protocol " + std::to_string(std::get<0>(k)) + ")";
}

// Which session each (node, protocol) currently runs, and every session it ever ran.
class Sessions {
 public:
  void on_event(const Event& e) {
    if (e.kind == EventKind::kCrash) {
      current_.erase(current_.lower_bound({e.node, 0}), current_.lower_bound({e.node + 1, 0}));
    } else if (e.kind == EventKind::kObserve && e.what == kObsSession) {
      const std::int64_t ss = obs_get(e.fields, "ss");
      current_[{e.node, e.protocol}] = ss;
      ever_[{e.node, e.protocol}].insert(ss);
    }
  }
  bool is_current(NodeId n, ProtocolId p, std::int64_t ss) const {
    auto it = current_.find({n, p});
    return it != current_.end() && it->second == ss;
  }
  bool ever(NodeId n, ProtocolId p, std::int64_t ss) const {
    auto it = ever_.find({n, p});
    return it != ever_.end() && it->second.count(ss) != 0;
  }

 private:
  std::map<Life, std::int64_t> current_;
  std::map<Life, std::set<std::int64_t>> ever_;
};

class ReliableChecker final : public Checker {
 public:
  explicit ReliableChecker(ReliableCheckerOptions o) : options_(o) {}
  std::string_view name() const override { return "reliable-channel"; }

  std::optional<std::string> on_event(const Event& e) override {
    last_ns_ = std::max(last_ns_, e.time_ns);
    sessions_.on_event(e);
    if (e.kind != EventKind::kObserve) return std::nullopt;
    if (e.what == kObsSend) return on_send(e);
    if (e.what == kObsDeliver) return on_deliver(e);
    if (e.what == kObsReset) return on_reset(e);
    return std::nullopt;
  }

  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId> down) override {
    (void)up;
    (void)down;  // a crashed node has no current session, which is all R4 needs
    const std::int64_t cutoff = last_ns_ - options_.grace.count();
    for (const auto& [k, s] : streams_) {
      const auto [proto, from, ss, to, ds] = k;
      if (!sessions_.is_current(from, proto, ss) || !sessions_.is_current(to, proto, ds)) continue;
      std::size_t due = 0;
      while (due < s.sent.size() && s.sent[due].time_ns <= cutoff) ++due;
      if (s.delivered < due) {
        return "R4: " + describe(k) + " delivered " + std::to_string(s.delivered) + " of " +
               std::to_string(due) +
               " messages due (both ends still in the same life, network healed)";
      }
    }
    return std::nullopt;
  }

 private:
  struct Sent {
    std::int64_t hash;
    std::int64_t time_ns;
  };
  struct Stream {
    std::vector<Sent> sent;  // index = seq - 1
    std::uint64_t delivered = 0;
  };

  std::optional<std::string> on_send(const Event& e) {
    const auto to = static_cast<NodeId>(obs_get(e.fields, "peer"));
    const std::int64_t ss = obs_get(e.fields, "ss");
    const StreamKey k{e.protocol, e.node, ss, to, obs_get(e.fields, "ds")};
    if (!sessions_.is_current(e.node, e.protocol, ss))
      return "R1: node " + std::to_string(e.node) + " sent on a session that is not its own";
    Stream& s = streams_[k];
    const std::int64_t seq = obs_get(e.fields, "seq");
    if (seq != static_cast<std::int64_t>(s.sent.size()) + 1) {
      return "R1: " + describe(k) + " sent seq " + std::to_string(seq) + " after " +
             std::to_string(s.sent.size());
    }
    s.sent.push_back({obs_get(e.fields, "hash"), e.time_ns});
    return std::nullopt;
  }

  std::optional<std::string> on_deliver(const Event& e) {
    const auto from = static_cast<NodeId>(obs_get(e.fields, "peer"));
    const std::int64_t ds = obs_get(e.fields, "ds");
    const StreamKey k{e.protocol, from, obs_get(e.fields, "ss"), e.node, ds};
    if (!sessions_.is_current(e.node, e.protocol, ds)) {
      return "R1: node " + std::to_string(e.node) +
             " delivered on a stream to another of its lives";
    }
    Stream& s = streams_[k];
    const auto seq = static_cast<std::uint64_t>(obs_get(e.fields, "seq"));
    if (seq <= s.delivered) {
      return "R1: " + describe(k) + " delivered seq " + std::to_string(seq) + " again (duplicate)";
    }
    if (seq != s.delivered + 1) {
      return "R1: " + describe(k) + " delivered seq " + std::to_string(seq) + " after " +
             std::to_string(s.delivered) + " (loss or reordering)";
    }
    if (seq > s.sent.size())
      return "R1: " + describe(k) + " delivered seq " + std::to_string(seq) +
             " that was never sent";
    if (s.sent[seq - 1].hash != obs_get(e.fields, "hash")) {
      return "R2: " + describe(k) + " seq " + std::to_string(seq) +
             " delivered with a different payload";
    }
    s.delivered = seq;
    return std::nullopt;
  }

  std::optional<std::string> on_reset(const Event& e) {
    const auto peer = static_cast<NodeId>(obs_get(e.fields, "peer"));
    const std::int64_t old_ds = obs_get(e.fields, "old_ds");
    const std::int64_t new_ds = obs_get(e.fields, "new_ds");
    if (sessions_.is_current(peer, e.protocol, old_ds)) {
      return "R3: node " + std::to_string(e.node) + " abandoned its stream to node " +
             std::to_string(peer) + " whose life is still running";
    }
    if (!sessions_.ever(peer, e.protocol, new_ds)) {
      return "R3: node " + std::to_string(e.node) + " adopted a session node " +
             std::to_string(peer) + " never had";
    }
    return std::nullopt;
  }

  ReliableCheckerOptions options_;
  Sessions sessions_;
  std::map<StreamKey, Stream> streams_;
  std::int64_t last_ns_ = 0;
};

class BestEffortChecker final : public Checker {
 public:
  std::string_view name() const override { return "best-effort-channel"; }

  std::optional<std::string> on_event(const Event& e) override {
    if (e.kind != EventKind::kObserve) return std::nullopt;
    if (e.what == kObsSend) {
      const Key k{e.protocol, e.node, obs_get(e.fields, "ss"),
                  static_cast<NodeId>(obs_get(e.fields, "peer")), obs_get(e.fields, "seq")};
      if (!sent_.emplace(k, obs_get(e.fields, "hash")).second)
        return "B1: message sent twice under one seq";
    } else if (e.what == kObsDeliver) {
      const Key k{e.protocol, static_cast<NodeId>(obs_get(e.fields, "peer")),
                  obs_get(e.fields, "ss"), e.node, obs_get(e.fields, "seq")};
      auto it = sent_.find(k);
      if (it == sent_.end()) {
        return "B1: node " + std::to_string(e.node) + " delivered a message node " +
               std::to_string(std::get<1>(k)) + " never sent it";
      }
      if (it->second != obs_get(e.fields, "hash")) {
        return "B1: node " + std::to_string(e.node) + " delivered a corrupted payload from node " +
               std::to_string(std::get<1>(k));
      }
    }
    return std::nullopt;
  }

 private:
  // (protocol, sender, sender session, receiver, seq) -> payload hash
  using Key = std::tuple<ProtocolId, NodeId, std::int64_t, NodeId, std::int64_t>;
  std::map<Key, std::int64_t> sent_;
};

}  // namespace

CheckerList reliable_channel_checkers(ReliableCheckerOptions options) {
  CheckerList list;
  list.push_back(std::make_unique<ReliableChecker>(options));
  return list;
}

CheckerList best_effort_channel_checkers() {
  CheckerList list;
  list.push_back(std::make_unique<BestEffortChecker>());
  return list;
}

}  // namespace synod::channel
