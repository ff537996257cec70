#include "synod/channel/channel_checker.hpp"

#include <map>
#include <set>
#include <string>
#include <tuple>

#include "synod/channel/channel_observations.hpp"
#include "synod/channel/stream_workload.hpp"

namespace synod::channel {

ReliableCheckerOptions ReliableCheckerOptions::from(const ReliableOptions& o) {
  ReliableCheckerOptions c;
  c.settle = 2 * o.rto_max + std::chrono::milliseconds(500);
  c.grace = o.rto_max + std::chrono::seconds(1);
  return c;
}

namespace {

constexpr ProtocolId kStream = StreamWorkload::kId;

// (sender, sender workload life, receiver, seq): one application message.
using MsgKey = std::tuple<NodeId, std::int64_t, NodeId, std::int64_t>;
// (sender, sender workload life, receiver, receiver node life): one stream.
using StreamKey = std::tuple<NodeId, std::int64_t, NodeId, std::uint32_t>;

std::string node_str(NodeId n) { return "node " + std::to_string(n); }

std::string msg_str(const MsgKey& k) {
  return "message " + std::to_string(std::get<3>(k)) + " from node " +
         std::to_string(std::get<0>(k)) + " to node " + std::to_string(std::get<2>(k));
}

// What the driver and the application say, shared by both checkers.
class Truth {
 public:
  struct Sent {
    std::int64_t hash = 0;
    std::int64_t time_ns = 0;
    std::uint32_t sender_life = 0;
    std::uint32_t receiver_life = 0;
    bool receiver_up = false;
  };
  struct Input {
    EventKind kind = EventKind::kStart;
    NodeId peer = kNoNode;
    std::uint64_t msg_id = 0;
  };
  struct Life {
    std::uint32_t index = 0;  // 0: never started
    bool up = false;
    std::int64_t since_ns = 0;
  };

  void track(const Event& e) {
    last_ns_ = std::max(last_ns_, e.time_ns);
    if (e.kind == EventKind::kHeal) heal_ns_ = e.time_ns;
    if (e.kind == EventKind::kSend || e.kind == EventKind::kDeliver) network_ = true;
    if (!begins_input(e.kind)) return;
    Life& l = lives_[e.node];
    if (e.kind == EventKind::kStart || e.kind == EventKind::kRecover) {
      ++l.index;
      l.up = true;
      l.since_ns = e.time_ns;
    } else if (e.kind == EventKind::kCrash) {
      l.up = false;
    }
    inputs_[e.node] = {e.kind, e.peer, e.msg_id};
  }

  const Life& life(NodeId n) { return lives_[n]; }
  const Input& input(NodeId n) { return inputs_[n]; }
  bool network() const { return network_; }
  std::int64_t last_ns() const { return last_ns_; }
  std::int64_t heal_ns() const { return heal_ns_; }

  // stream.send. Returns the message's key.
  MsgKey on_send(const Event& e) {
    const auto to = static_cast<NodeId>(obs_get(e.fields, "peer"));
    const MsgKey k{e.node, obs_get(e.fields, "life"), to, obs_get(e.fields, "seq")};
    const Life& r = life(to);
    sent_[k] = {obs_get(e.fields, "hash"), e.time_ns, life(e.node).index, r.index, r.up};
    return k;
  }

  // stream.recv: R2/B1's common part. Fills `k`; returns a violation (without its tag).
  std::optional<std::string> on_recv(const Event& e, MsgKey& k) {
    const auto peer = static_cast<NodeId>(obs_get(e.fields, "peer"));
    const auto sender = static_cast<NodeId>(obs_get(e.fields, "sender"));
    const auto to = static_cast<NodeId>(obs_get(e.fields, "to"));
    k = {sender, obs_get(e.fields, "life"), e.node, obs_get(e.fields, "seq")};
    const std::string who = node_str(e.node) + "'s application";
    if (network_) {
      const Input& in = input(e.node);
      if (in.kind != EventKind::kDeliver || in.peer != peer) {
        return who + " received a message from node " + std::to_string(peer) +
               " while the network was delivering nothing from it";
      }
    }
    if (sender != peer || to != e.node) {
      return who + " received a message of node " + std::to_string(sender) + " for node " +
             std::to_string(to) + ", attributed to node " + std::to_string(peer);
    }
    const auto it = sent_.find(k);
    if (it == sent_.end()) return who + " received " + msg_str(k) + ", which was never sent";
    if (it->second.hash != obs_get(e.fields, "hash")) {
      return who + " received " + msg_str(k) + " with other bytes than were sent";
    }
    return std::nullopt;
  }

  const std::map<MsgKey, Sent>& sent() const { return sent_; }

 private:
  std::map<NodeId, Life> lives_;
  std::map<NodeId, Input> inputs_;
  std::map<MsgKey, Sent> sent_;
  std::int64_t last_ns_ = 0;
  std::int64_t heal_ns_ = 0;
  bool network_ = false;
};

class ReliableChecker final : public Checker {
 public:
  explicit ReliableChecker(ReliableCheckerOptions o) : options_(o) {}
  std::string_view name() const override { return "reliable-channel"; }
  Duration liveness_window() const override { return options_.liveness_window(); }

  std::optional<std::string> on_event(const Event& e) override {
    truth_.track(e);
    if (e.kind != EventKind::kObserve || e.protocol != kStream) return std::nullopt;
    if (e.what == kObsSession) {
      sessions_[{e.node, obs_get(e.fields, "ss")}] = truth_.life(e.node).index;
    } else if (e.what == kObsStreamSend) {
      truth_.on_send(e);
    } else if (e.what == kObsStreamRecv) {
      return on_recv(e);
    } else if (e.what == kObsStreamGarbage) {
      return "R2: " + node_str(e.node) + "'s application received " +
             std::to_string(obs_get(e.fields, "bytes")) + " bytes nobody sent";
    } else if (e.what == kObsReset) {
      return on_reset(e);
    }
    return std::nullopt;
  }

  std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                           std::span<const NodeId> down) override {
    (void)up;
    (void)down;  // lives say it all: a message to or from a crashed life is not due
    const std::int64_t cutoff = truth_.last_ns() - options_.grace.count();
    for (const auto& [k, s] : truth_.sent()) {
      const auto [from, wlife, to, seq] = k;
      if (s.time_ns > cutoff || received_.count(k) != 0) continue;
      const Truth::Life& a = truth_.life(from);
      const Truth::Life& b = truth_.life(to);
      if (!a.up || a.index != s.sender_life || !s.receiver_up || !b.up ||
          b.index != s.receiver_life) {
        continue;
      }
      const auto first = first_.find({from, wlife, to, b.index});
      const bool established = first != first_.end() && first->second <= seq;
      const std::int64_t calm =
          std::max({truth_.heal_ns(), a.since_ns, b.since_ns}) + options_.settle.count();
      if (!established && s.time_ns < calm) continue;
      return "R4: " + msg_str(k) + " sent at " + std::to_string(s.time_ns / 1'000'000) +
             " ms was never received (both ends still in the same life, network healed)";
    }
    return std::nullopt;
  }

 private:
  std::optional<std::string> on_recv(const Event& e) {
    MsgKey k;
    if (auto v = truth_.on_recv(e, k)) return "R2: " + *v;
    if (!received_.insert(k).second) {
      return "R1: " + node_str(e.node) + "'s application received " + msg_str(k) +
             " twice (duplicate)";
    }
    const StreamKey s{std::get<0>(k), std::get<1>(k), e.node, truth_.life(e.node).index};
    const std::int64_t seq = std::get<3>(k);
    first_.try_emplace(s, seq);
    std::int64_t& last = last_[s];
    if (last != 0 && seq != last + 1) {
      return "R1: " + node_str(e.node) + "'s application received " + msg_str(k) + " after " +
             std::to_string(last) + (seq < last ? " (reordered)" : " (loss or reordering)");
    }
    last = seq;
    return std::nullopt;
  }

  std::optional<std::string> on_reset(const Event& e) {
    const auto peer = static_cast<NodeId>(obs_get(e.fields, "peer"));
    const auto old_life = sessions_.find({peer, obs_get(e.fields, "old_ds")});
    const Truth::Life& now = truth_.life(peer);
    if (old_life != sessions_.end() && now.up && old_life->second == now.index) {
      return "R3: " + node_str(e.node) + " abandoned its stream to node " + std::to_string(peer) +
             " whose life is still running";
    }
    if (sessions_.count({peer, obs_get(e.fields, "new_ds")}) == 0) {
      return "R3: " + node_str(e.node) + " adopted a session node " + std::to_string(peer) +
             " never had";
    }
    return std::nullopt;
  }

  ReliableCheckerOptions options_;
  Truth truth_;
  std::map<std::pair<NodeId, std::int64_t>, std::uint32_t> sessions_;  // (node, ss) -> life
  std::set<MsgKey> received_;
  std::map<StreamKey, std::int64_t> first_;  // first seq received on each stream
  std::map<StreamKey, std::int64_t> last_;
};

class BestEffortChecker final : public Checker {
 public:
  std::string_view name() const override { return "best-effort-channel"; }

  std::optional<std::string> on_event(const Event& e) override {
    if (begins_input(e.kind)) {
      if (auto v = close_input(e.node)) return v;
    }
    truth_.track(e);
    if (e.protocol != kStream) return std::nullopt;
    switch (e.kind) {
      case EventKind::kSend: return on_frame_sent(e);
      case EventKind::kDeliver: on_frame_delivered(e); return std::nullopt;
      case EventKind::kFault:
        if (e.what == "corrupt") corrupted_.insert(e.msg_id);
        return std::nullopt;
      case EventKind::kObserve: break;
      default: return std::nullopt;
    }
    if (e.what == kObsStreamSend) {
      awaiting_[e.node] = {truth_.on_send(e), false};
    } else if (e.what == kObsStreamRecv) {
      return on_recv(e);
    } else if (e.what == kObsStreamGarbage) {
      return "B1: " + node_str(e.node) + "'s application received " +
             std::to_string(obs_get(e.fields, "bytes")) + " bytes nobody sent";
    }
    return std::nullopt;
  }

  std::vector<Verdict> verdicts() const override {
    if (excused_ == 0) return {};
    return {{"excused", "deliveries of frames the network corrupted (B2 not judged)", excused_}};
  }

 private:
  struct Awaiting {
    MsgKey key;
    bool framed = false;
  };
  struct Expecting {
    MsgKey key;
    bool got = false;
  };

  std::optional<std::string> on_frame_sent(const Event& e) {
    auto it = awaiting_.find(e.node);
    if (it == awaiting_.end() || it->second.framed || std::get<2>(it->second.key) != e.peer) {
      return "B3: " + node_str(e.node) + " put a frame for node " + std::to_string(e.peer) +
             " on the network that carries no new application message (a retry or a copy)";
    }
    it->second.framed = true;
    frame_of_[e.msg_id] = it->second.key;
    return std::nullopt;
  }

  void on_frame_delivered(const Event& e) {
    const auto it = frame_of_.find(e.msg_id);
    if (it == frame_of_.end()) return;
    if (corrupted_.count(e.msg_id) != 0) {
      ++excused_;  // the duplicate copy may be intact; we cannot tell which copy this is
      return;
    }
    expecting_[e.node] = {it->second, false};
  }

  std::optional<std::string> on_recv(const Event& e) {
    MsgKey k;
    if (auto v = truth_.on_recv(e, k)) return "B1: " + *v;
    if (!truth_.network()) return std::nullopt;
    const auto frame = frame_of_.find(truth_.input(e.node).msg_id);
    if (frame != frame_of_.end() && frame->second != k) {
      return "B1: " + node_str(e.node) + "'s application received " + msg_str(k) +
             " from a frame that carried " + msg_str(frame->second);
    }
    auto x = expecting_.find(e.node);
    if (x != expecting_.end() && x->second.key == k) x->second.got = true;
    return std::nullopt;
  }

  // The node's current input ends: every app send in it left one frame, and an intact frame it
  // received reached the application.
  std::optional<std::string> close_input(NodeId n) {
    std::optional<std::string> v;
    if (auto a = awaiting_.find(n); a != awaiting_.end()) {
      if (!a->second.framed) {
        v = "B3: " + node_str(n) + " sent " + msg_str(a->second.key) +
            " but put no frame on the network";
      }
      awaiting_.erase(a);
    }
    if (auto x = expecting_.find(n); x != expecting_.end()) {
      if (!x->second.got && !v && truth_.life(n).up) {
        v = "B2: the network delivered the frame of " + msg_str(x->second.key) + " intact, but " +
            node_str(n) + "'s application never received it";
      }
      expecting_.erase(x);
    }
    return v;
  }

  Truth truth_;
  std::map<NodeId, Awaiting> awaiting_;
  std::map<NodeId, Expecting> expecting_;
  std::map<std::uint64_t, MsgKey> frame_of_;  // msg_id -> the message its frame carries
  std::set<std::uint64_t> corrupted_;
  std::uint64_t excused_ = 0;
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
