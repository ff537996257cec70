// The deterministic simulator: one thread, virtual time, a seeded network/clock/disk model with
// faults, and checkers watching every event. Events are ordered by (virtual time, sequence number)
// and every random draw comes from streams forked off the one seed, so a seed replays exactly:
// same seed, same trace hash.
//
// A run has two phases. During [0, duration) the fault plan applies. At `duration` the network is
// healed (partitions and clogs removed, loss and duplication off, paused nodes resumed; crashed
// nodes stay down unless the plan restarts them) and the run continues for `stabilize`, after
// which checkers judge liveness (Checker::at_quiescence).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_set>
#include <vector>

#include "synod/check/checker.hpp"
#include "synod/node/node.hpp"
#include "synod/sim/fault_plan.hpp"
#include "synod/trace/jsonl.hpp"

namespace synod::sim {

using ProtocolFactory = std::function<std::vector<std::unique_ptr<Protocol>>(NodeId)>;

struct SimOptions {
  std::uint64_t seed = 1;
  std::uint32_t nodes = 3;
  Duration duration = std::chrono::seconds(10);
  Duration stabilize = std::chrono::seconds(5);
  FaultPlan plan;
  std::uint64_t max_events = 200'000'000;  // a runaway protocol ends the run with an error
  // Stamp every event with Lamport and vector clocks (always on when a trace is written; costs a
  // vector-clock copy per message, so the untraced fast path leaves it off).
  bool stamp = false;
};

struct Violation {
  std::string checker;
  std::string message;
  std::uint64_t event_seq = 0;
  std::int64_t time_ns = 0;
};

struct SimResult {
  std::uint64_t events = 0;  // events processed (deliveries, timers, faults)
  std::int64_t sim_ns = 0;   // virtual time reached
  std::uint64_t trace_hash = 0;
  std::uint64_t messages_sent = 0;
  std::uint64_t messages_dropped = 0;
  std::optional<Violation> violation;
  // The stabilisation phase the run used: the requested one, or longer when a checker's liveness
  // window needed more (named here).
  std::int64_t stabilize_ns = 0;
  std::string stabilize_raised_by;
};

class Simulator {
 public:
  Simulator(SimOptions options, ProtocolFactory factory, CheckerList checkers = {},
            TraceWriter* trace = nullptr);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Runs both phases to the end (or the first violation).
  SimResult run();

  // Finer control for tests: start() schedules node starts and the plan; run_until() processes
  // events up to true time `t_ns`.
  void start();
  void run_until(std::int64_t t_ns);
  std::int64_t now_ns() const { return now_ns_; }
  bool is_up(NodeId id) const;
  Node* node(NodeId id);
  const SimResult& result() const { return result_; }
  // An operator command (Protocol::on_command) delivered now to a running node; 0 when the node
  // is down or paused or runs no such protocol. The reply, once given, is kept by (node, id).
  CommandId command(NodeId node, ProtocolId protocol, std::string_view verb,
                    std::string_view args = {});
  std::optional<std::string> command_reply(NodeId node, CommandId id) const;

 private:
  class SimNode;
  struct Pending;
  struct QueueItem {
    std::int64_t time;
    std::uint64_t seq;
    std::uint32_t slot;
    bool operator>(const QueueItem& o) const {
      return time != o.time ? time > o.time : seq > o.seq;
    }
  };
  friend class SimNode;

  // Effects requested by nodes.
  void send(NodeId from, NodeId to, ProtocolId protocol, Bytes payload);
  TimerId set_timer(SimNode& n, Duration after, ProtocolId protocol, std::uint64_t tag);
  void cancel_timer(TimerId id) { live_timers_.erase(id); }
  void observe(NodeId node, ProtocolId protocol, std::string_view kind, ObsFields fields);
  void log(NodeId node, ProtocolId protocol, std::string_view text);

  // Queue.
  std::uint32_t alloc(Pending p);
  void schedule(std::int64_t time, std::uint32_t slot);
  void process(std::uint32_t slot);
  // process() with protocol assertions caught: false (and a violation recorded) if one fired.
  bool process_guarded(std::uint32_t slot);
  void deliver(Pending& p);
  void fire_timer(Pending& p);

  // Faults.
  void apply(const Action& a);
  void crash(NodeId id);
  void restart(NodeId id, bool fresh);
  void pause(NodeId id);
  void resume(NodeId id);
  void heal_all();
  const LinkModel& link(NodeId from, NodeId to) const;
  std::int64_t sample_delay(const LinkModel& m, NodeId from, NodeId to, std::size_t bytes);
  bool blocked(NodeId from, NodeId to) const {
    return blocked_[(from - 1) * options_.nodes + (to - 1)] != 0;
  }
  void set_blocked(NodeId from, NodeId to, bool b) {
    blocked_[(from - 1) * options_.nodes + (to - 1)] = b ? 1 : 0;
  }

  // Every event goes through emit(): trace hash, trace file, checkers.
  void emit(EventKind kind, NodeId node, NodeId peer, ProtocolId protocol, std::size_t bytes,
            std::string_view what = {}, std::span<const ObsField> fields = {},
            std::uint64_t msg_id = 0);

  SimOptions options_;
  ProtocolFactory factory_;
  CheckerList checkers_;
  TraceWriter* trace_;

  std::vector<std::unique_ptr<SimNode>> nodes_;  // index = id - 1
  std::vector<Pending> slab_;
  std::vector<std::uint32_t> free_slots_;
  std::priority_queue<QueueItem, std::vector<QueueItem>, std::greater<>> queue_;
  std::uint64_t next_seq_ = 0;
  std::int64_t now_ns_ = 0;
  TimerId next_timer_ = 1;
  CommandId next_command_ = 1;
  std::map<std::pair<NodeId, CommandId>, std::string> command_replies_;
  std::unordered_set<TimerId> live_timers_;  // looked up only, never iterated
  std::vector<std::uint8_t> blocked_;        // [from][to] partition matrix
  std::vector<std::int64_t> clogged_until_;
  std::vector<std::int64_t> link_busy_until_;  // bandwidth model, [from][to], only when enabled
  Rng net_rng_;
  bool healed_ = false;
  bool stamping_ = false;
  bool started_ = false;
  std::uint64_t event_seq_ = 0;
  std::uint64_t hash_ = 0x9E3779B97F4A7C15ULL;
  SimResult result_;
};

}  // namespace synod::sim
