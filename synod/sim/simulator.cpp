#include "synod/sim/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <xxhash.h>

#include "synod/causal/stamper.hpp"
#include "synod/sim/clock_model.hpp"
#include "synod/sim/sim_storage.hpp"

namespace synod::sim {
namespace {

// Messages at least this large are delivered as SharedBytes (see Simulator::deliver).
constexpr std::size_t kSharedDeliveryBytes = 1024;

// Cheap, order-sensitive mixing for the trace hash (the hash only needs to be deterministic and
// to change when anything in the execution changes).
inline std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6U) + (h >> 2U);
  h *= 0xFF51AFD7ED558CCDULL;
  return h ^ (h >> 32U);
}

std::uint64_t node_life_seed(std::uint64_t seed, NodeId id, std::uint32_t life) {
  std::uint64_t s = seed ^ (static_cast<std::uint64_t>(id) << 32U) ^ life;
  return splitmix64(s);
}

enum class Kind : std::uint8_t { kStart, kDeliver, kTimer, kAction, kHeal, kEnd };

// A protocol assertion inside a simulated run: thrown by the simulator's assert handler and
// caught by its event loop, which turns it into a violation of that seed (the sweep goes on).
struct AssertionFailed {
  std::string message;
};

[[noreturn]] void throw_assertion(const char* expr, const char* file, int line) {
  throw AssertionFailed{std::string("assertion failed: ") + expr + " at " + file + ":" +
                        std::to_string(line)};
}

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::kStart: return "start";
    case Kind::kDeliver: return "delivery";
    case Kind::kTimer: return "timer";
    case Kind::kAction: return "fault action";
    case Kind::kHeal: return "heal";
    case Kind::kEnd: return "end";
  }
  return "?";
}

}  // namespace

struct Simulator::Pending {
  Kind kind = Kind::kDeliver;
  NodeId node = 0;  // receiver / owner
  NodeId from = 0;
  ProtocolId protocol = 0;
  std::uint32_t life = 0;
  std::uint64_t tag = 0;
  TimerId timer = 0;
  std::size_t action = 0;
  std::uint64_t msg_id = 0;
  std::uint64_t lamport = 0;
  causal::VectorClock vclock;
  Bytes payload;

  static Pending make(Kind kind, NodeId node = 0, NodeId from = 0, ProtocolId protocol = 0) {
    Pending p;
    p.kind = kind;
    p.node = node;
    p.from = from;
    p.protocol = protocol;
    return p;
  }
};

class Simulator::SimNode final : public NodeEnv {
 public:
  SimNode(Simulator& sim, NodeId id, std::vector<NodeId> peers)
      : sim_(sim), id_(id), peers_(std::move(peers)) {}

  NodeId self() const override { return id_; }
  std::span<const NodeId> peers() const override { return peers_; }
  void send(NodeId to, ProtocolId protocol, Bytes payload) override {
    sim_.send(id_, to, protocol, std::move(payload));
  }
  TimerId set_timer(Duration after, ProtocolId protocol, std::uint64_t tag) override {
    return sim_.set_timer(*this, after, protocol, tag);
  }
  void cancel_timer(TimerId id) override { sim_.cancel_timer(id); }
  Time now() const override { return clock.read(sim_.now_ns_); }
  Storage& storage(ProtocolId protocol) override { return storages[protocol]; }
  void observe(ProtocolId protocol, std::string_view kind, ObsFields fields) override {
    sim_.observe(id_, protocol, kind, fields);
  }
  void log(ProtocolId protocol, std::string_view text) override { sim_.log(id_, protocol, text); }
  void reply(ProtocolId protocol, CommandId id, std::string json) override {
    (void)protocol;
    sim_.command_replies_[{id_, id}] = std::move(json);
  }

  Simulator& sim_;
  NodeId id_;
  std::vector<NodeId> peers_;
  std::unique_ptr<Node> node;
  bool up = false;
  bool paused = false;
  bool ever_started = false;
  std::uint32_t life = 0;
  ClockModel clock;
  std::map<ProtocolId, SimStorage> storages;
  std::vector<std::uint32_t> deferred;  // slots held while paused
  // Causal stamps of this node; like the hardware clock, they survive crashes (the simulator's
  // memory, not the node's), so e -> f implies V(e) < V(f) across a node's lives too.
  causal::Stamper stamper{id_};
};

Simulator::Simulator(SimOptions options, ProtocolFactory factory, CheckerList checkers,
                     TraceWriter* trace)
    : options_(std::move(options)),
      factory_(std::move(factory)),
      checkers_(std::move(checkers)),
      trace_(trace),
      net_rng_(Rng(options_.seed).fork(1)),
      stamping_(options_.stamp || trace != nullptr) {
  SYNOD_ASSERT(options_.nodes >= 1);
  // No liveness check may be vacuous: the healthy phase lasts at least as long as every
  // checker's liveness window (the effective value is in SimResult::stabilize_ns).
  for (const auto& c : checkers_) {
    if (c->liveness_window() > options_.stabilize) {
      options_.stabilize = c->liveness_window();
      result_.stabilize_raised_by = std::string(c->name());
    }
  }
  result_.stabilize_ns = options_.stabilize.count();
  const std::uint32_t n = options_.nodes;
  for (NodeId id = 1; id <= n; ++id) {
    std::vector<NodeId> peers;
    peers.reserve(n - 1);
    for (NodeId p = 1; p <= n; ++p) {
      if (p != id) peers.push_back(p);
    }
    nodes_.push_back(std::make_unique<SimNode>(*this, id, std::move(peers)));
  }
  for (const auto& c : options_.plan.clocks) {
    nodes_[c.node - 1]->clock.set_offset(c.offset);
    nodes_[c.node - 1]->clock.set_drift(0, c.drift_ppm);
  }
  blocked_.assign(static_cast<std::size_t>(n) * n, 0);
  clogged_until_.assign(n, 0);
  bool bandwidth = options_.plan.network.bandwidth_Bps != 0;
  for (const auto& l : options_.plan.links) bandwidth = bandwidth || l.model.bandwidth_Bps != 0;
  if (bandwidth) link_busy_until_.assign(static_cast<std::size_t>(n) * n, 0);
}

Simulator::~Simulator() = default;

bool Simulator::is_up(NodeId id) const {
  return id >= 1 && id <= nodes_.size() && nodes_[id - 1]->up;
}

CommandId Simulator::command(NodeId node, ProtocolId protocol, std::string_view verb,
                             std::string_view args) {
  if (!is_up(node) || nodes_[node - 1]->paused) return 0;
  const CommandId id = next_command_++;
  if (!nodes_[node - 1]->node->command(protocol, id, verb, args)) return 0;
  return id;
}

std::optional<std::string> Simulator::command_reply(NodeId node, CommandId id) const {
  const auto it = command_replies_.find({node, id});
  if (it == command_replies_.end()) return std::nullopt;
  return it->second;
}

Node* Simulator::node(NodeId id) {
  if (id < 1 || id > nodes_.size()) return nullptr;
  return nodes_[id - 1]->node.get();
}

std::uint32_t Simulator::alloc(Pending p) {
  if (!free_slots_.empty()) {
    const std::uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    slab_[slot] = std::move(p);
    return slot;
  }
  slab_.push_back(std::move(p));
  return static_cast<std::uint32_t>(slab_.size() - 1);
}

void Simulator::schedule(std::int64_t time, std::uint32_t slot) {
  queue_.push({std::max(time, now_ns_), next_seq_++, slot});
}

void Simulator::start() {
  SYNOD_ASSERT(!started_);
  started_ = true;
  Rng start_rng = Rng(options_.seed).fork(2);
  for (NodeId id = 1; id <= options_.nodes; ++id) {
    // Stagger starts a little so nodes are not in lock step.
    schedule(start_rng.between(0, 10'000'000), alloc(Pending::make(Kind::kStart, id)));
  }
  for (std::size_t i = 0; i < options_.plan.actions.size(); ++i) {
    Pending p = Pending::make(Kind::kAction);
    p.action = i;
    schedule(options_.plan.actions[i].at.count(), alloc(std::move(p)));
  }
  schedule(options_.duration.count(), alloc(Pending::make(Kind::kHeal)));
}

void Simulator::run_until(std::int64_t t_ns) {
  if (!started_) start();
  while (!queue_.empty() && !result_.violation) {
    const QueueItem item = queue_.top();
    if (item.time > t_ns) break;
    queue_.pop();
    now_ns_ = item.time;
    if (++result_.events > options_.max_events) {
      result_.violation =
          Violation{"simulator", "event limit exceeded (runaway protocol?)", event_seq_, now_ns_};
      break;
    }
    if (!process_guarded(item.slot)) break;
  }
  if (!result_.violation) now_ns_ = std::max(now_ns_, t_ns);
  result_.sim_ns = now_ns_;
}

SimResult Simulator::run() {
  const std::int64_t end = (options_.duration + options_.stabilize).count();
  run_until(end);
  if (!result_.violation) {
    std::vector<NodeId> up;
    std::vector<NodeId> down;
    for (const auto& n : nodes_) (n->up ? up : down).push_back(n->id_);
    const detail::ScopedAssertHandler guard(&throw_assertion);
    for (auto& c : checkers_) {
      try {
        if (auto v = c->at_quiescence(up, down)) {
          result_.violation = Violation{std::string(c->name()), *v, event_seq_, now_ns_};
          break;
        }
      } catch (const AssertionFailed& a) {
        result_.violation =
            Violation{"assertion", a.message + " (in checker " + std::string(c->name()) + ")",
                      event_seq_, now_ns_};
        break;
      }
    }
  }
  result_.trace_hash = hash_;
  if (trace_ != nullptr) trace_->flush();
  return result_;
}

bool Simulator::process_guarded(std::uint32_t slot) {
  const Pending& p = slab_[slot];
  const Kind kind = p.kind;
  const NodeId node = p.node;
  const NodeId from = p.from;
  const ProtocolId protocol = p.protocol;
  const detail::ScopedAssertHandler guard(&throw_assertion);
  try {
    process(slot);
    return true;
  } catch (const AssertionFailed& a) {
    std::string where = std::string(kind_name(kind));
    if (node != 0) where += " on node " + std::to_string(node);
    if (kind == Kind::kDeliver) where += " from node " + std::to_string(from);
    if (protocol != 0) where += ", protocol " + std::to_string(protocol);
    result_.violation =
        Violation{"assertion", a.message + " (handling the " + where + ")", event_seq_, now_ns_};
    return false;
  }
}

void Simulator::process(std::uint32_t slot) {
  // Move the event out first: handling it may schedule more events and grow the slab.
  Pending p = std::move(slab_[slot]);
  free_slots_.push_back(slot);
  switch (p.kind) {
    case Kind::kStart: restart(p.node, /*fresh=*/true); break;
    case Kind::kAction: apply(options_.plan.actions[p.action]); break;
    case Kind::kHeal: heal_all(); break;
    case Kind::kEnd: break;
    case Kind::kDeliver:
    case Kind::kTimer: {
      SimNode& n = *nodes_[p.node - 1];
      if (n.up && n.paused && (p.kind == Kind::kDeliver || p.life == n.life)) {
        n.deferred.push_back(alloc(std::move(p)));  // held until resume
        break;
      }
      if (p.kind == Kind::kDeliver) {
        deliver(p);
      } else {
        fire_timer(p);
      }
      break;
    }
  }
}

void Simulator::deliver(Pending& p) {
  SimNode& n = *nodes_[p.node - 1];
  if (!n.up) {
    ++result_.messages_dropped;
    emit(EventKind::kDrop, p.from, p.node, p.protocol, p.payload.size(), "receiver down", {},
         p.msg_id);
    return;
  }
  if (blocked(p.from, p.node)) {
    ++result_.messages_dropped;
    emit(EventKind::kDrop, p.from, p.node, p.protocol, p.payload.size(), "partition", {}, p.msg_id);
    return;
  }
  if (stamping_) (void)n.stamper.receive(p.lamport, p.vclock);
  emit(EventKind::kDeliver, p.node, p.from, p.protocol, p.payload.size(), {}, {}, p.msg_id);
  if (result_.violation) return;  // stop at the violating event, before its effects
  if (p.payload.size() < kSharedDeliveryBytes)
    return n.node->deliver(p.from, p.protocol, p.payload);
  // Large messages are handed over as the runtime hands over large frames, so a protocol's
  // zero-copy path (Protocol::on_shared_message) runs here too.
  auto owned = std::make_shared<const Bytes>(std::move(p.payload));
  n.node->deliver(p.from, p.protocol, *owned, owned);
}

void Simulator::fire_timer(Pending& p) {
  SimNode& n = *nodes_[p.node - 1];
  const bool live = live_timers_.erase(p.timer) != 0;
  if (!live || !n.up || p.life != n.life) return;  // cancelled, or a timer of an earlier life
  emit(EventKind::kTimer, p.node, 0, p.protocol, 0);
  if (result_.violation) return;
  n.node->fire_timer(p.protocol, p.tag);
}

void Simulator::send(NodeId from, NodeId to, ProtocolId protocol, Bytes payload) {
  ++result_.messages_sent;
  emit(EventKind::kSend, from, to, protocol, payload.size(), {}, {}, event_seq_ + 1);
  const std::uint64_t msg_id = event_seq_;  // the send event's number names the message
  auto drop = [&](std::string_view why) {
    ++result_.messages_dropped;
    emit(EventKind::kDrop, from, to, protocol, payload.size(), why, {}, msg_id);
  };
  if (to < 1 || to > options_.nodes) return drop("no such node");
  if (blocked(from, to)) return drop("partition");
  const LinkModel& m = link(from, to);
  if (m.loss > 0 && net_rng_.chance(m.loss)) return drop("loss");
  auto message = [&](Bytes body) {
    Pending p = Pending::make(Kind::kDeliver, to, from, protocol);
    p.msg_id = msg_id;
    if (stamping_) {
      const auto& st = nodes_[from - 1]->stamper;
      p.lamport = st.lamport();
      p.vclock = st.vclock();
    }
    p.payload = std::move(body);
    return p;
  };
  if (m.duplicate > 0 && net_rng_.chance(m.duplicate)) {
    schedule(now_ns_ + sample_delay(m, from, to, payload.size()), alloc(message(payload)));
  }
  if (m.corrupt > 0 && !payload.empty() && net_rng_.chance(m.corrupt)) {
    const auto bit = net_rng_.below(payload.size() * 8);
    payload[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
    emit(EventKind::kFault, from, to, protocol, payload.size(), "corrupt", {}, msg_id);
  }
  const std::int64_t at = now_ns_ + sample_delay(m, from, to, payload.size());
  schedule(at, alloc(message(std::move(payload))));
}

const LinkModel& Simulator::link(NodeId from, NodeId to) const {
  for (const auto& l : options_.plan.links) {
    if (l.from == from && l.to == to) return l.model;
  }
  return options_.plan.network;
}

std::int64_t Simulator::sample_delay(const LinkModel& m, NodeId from, NodeId to,
                                     std::size_t bytes) {
  const std::int64_t lo = m.latency.lo.count();
  const std::int64_t hi = m.latency.hi.count();
  std::int64_t d = lo;
  switch (m.latency.shape) {
    case Latency::Shape::kFixed: break;
    case Latency::Shape::kUniform: d = net_rng_.between(lo, hi); break;
    case Latency::Shape::kPareto: {
      // Pareto with shape 1.5 and scale lo: heavy tail, capped at hi.
      const double u = 1.0 - net_rng_.unit();
      const double x = static_cast<double>(std::max<std::int64_t>(lo, 1)) / std::pow(u, 1.0 / 1.5);
      d = std::min<std::int64_t>(hi, static_cast<std::int64_t>(x));
      break;
    }
  }
  if (m.reorder > 0 && net_rng_.chance(m.reorder))
    d += net_rng_.between(0, 4 * std::max<std::int64_t>(hi, 1));
  std::int64_t at = now_ns_ + d;
  if (m.bandwidth_Bps != 0 && !link_busy_until_.empty()) {
    auto& busy = link_busy_until_[(from - 1) * options_.nodes + (to - 1)];
    const auto tx = static_cast<std::int64_t>(static_cast<double>(bytes) * 1e9 /
                                              static_cast<double>(m.bandwidth_Bps));
    busy = std::max(busy, now_ns_) + tx;
    at = busy + d;
  }
  at = std::max({at, clogged_until_[from - 1], clogged_until_[to - 1]});
  return at - now_ns_;
}

TimerId Simulator::set_timer(SimNode& n, Duration after, ProtocolId protocol, std::uint64_t tag) {
  Pending p = Pending::make(Kind::kTimer, n.id_, 0, protocol);
  p.life = n.life;
  p.tag = tag;
  p.timer = next_timer_++;
  const TimerId id = p.timer;
  live_timers_.insert(id);
  schedule(now_ns_ + n.clock.true_span(after), alloc(std::move(p)));
  return id;
}

void Simulator::observe(NodeId node, ProtocolId protocol, std::string_view kind, ObsFields fields) {
  emit(EventKind::kObserve, node, 0, protocol, 0, kind,
       std::span<const ObsField>(fields.begin(), fields.size()));
}

void Simulator::log(NodeId node, ProtocolId protocol, std::string_view text) {
  if (trace_ == nullptr) return;
  Event e;
  e.seq = event_seq_;
  e.time_ns = now_ns_;
  e.kind = EventKind::kObserve;
  e.node = node;
  e.protocol = protocol;
  const std::string what = "log: " + std::string(text);
  e.what = what;
  trace_->write(e);
}

void Simulator::emit(EventKind kind, NodeId node, NodeId peer, ProtocolId protocol,
                     std::size_t bytes, std::string_view what, std::span<const ObsField> fields,
                     std::uint64_t msg_id) {
  ++event_seq_;
  causal::Stamper* stamper = nullptr;
  if (stamping_ && node != 0) {
    stamper = &nodes_[node - 1]->stamper;
    switch (kind) {
      case EventKind::kSend: stamper->send(); break;
      case EventKind::kDeliver: break;  // ticked by receive() with the message's stamps
      case EventKind::kDrop:
      case EventKind::kFault:
      case EventKind::kHeal: stamper = nullptr; break;  // network events, not the node's
      default: stamper->local(); break;
    }
  }
  // Fold the event into one word, then mix once: cheap, yet any change in order or content
  // changes the trace hash with overwhelming probability.
  std::uint64_t word = static_cast<std::uint64_t>(now_ns_) * 0x9E3779B97F4A7C15ULL;
  word ^= ((static_cast<std::uint64_t>(kind) << 56U) ^ (static_cast<std::uint64_t>(node) << 32U) ^
           (static_cast<std::uint64_t>(peer) << 16U) ^ protocol) *
          0xC2B2AE3D27D4EB4FULL;
  word += bytes;
  for (const auto& f : fields) word = word * 0x100000001B3ULL + static_cast<std::uint64_t>(f.value);
  if (!what.empty()) word ^= XXH3_64bits(what.data(), what.size());
  hash_ = mix(hash_, word);
  if (trace_ == nullptr && checkers_.empty()) return;
  Event e;
  e.seq = event_seq_;
  e.time_ns = now_ns_;
  e.kind = kind;
  e.node = node;
  e.peer = peer;
  e.protocol = protocol;
  e.bytes = static_cast<std::uint32_t>(bytes);
  e.what = what;
  e.fields = fields;
  e.msg_id = msg_id;
  if (node >= 1 && node <= nodes_.size()) e.life = nodes_[node - 1]->life;
  if (stamper != nullptr) {
    e.lamport = stamper->lamport();
    e.vclock = stamper->vclock().entries();
  }
  if (trace_ != nullptr) trace_->write(e);
  if (result_.violation) return;
  for (auto& c : checkers_) {
    if (auto v = c->on_event(e)) {
      result_.violation = Violation{std::string(c->name()), *v, e.seq, now_ns_};
      return;
    }
  }
}

// --- faults --------------------------------------------------------------------------------

void Simulator::apply(const Action& a) {
  using K = Action::Kind;
  switch (a.kind) {
    case K::kCrash: crash(a.node); break;
    case K::kRestart: restart(a.node, /*fresh=*/false); break;
    case K::kPause: pause(a.node); break;
    case K::kResume: resume(a.node); break;
    case K::kPartition:
      for (std::size_t i = 0; i < a.groups.size(); ++i) {
        for (std::size_t j = 0; j < a.groups.size(); ++j) {
          if (i == j) continue;
          for (NodeId x : a.groups[i]) {
            for (NodeId y : a.groups[j]) set_blocked(x, y, true);
          }
        }
      }
      emit(EventKind::kFault, 0, 0, 0, 0, "partition");
      break;
    case K::kOneWay:
      for (NodeId x : a.groups[0]) {
        for (NodeId y : a.groups[1]) set_blocked(x, y, true);
      }
      emit(EventKind::kFault, 0, 0, 0, 0, "oneway");
      break;
    case K::kHeal:
      std::fill(blocked_.begin(), blocked_.end(), 0);
      emit(EventKind::kFault, 0, 0, 0, 0, "heal partitions");
      break;
    case K::kClog:
      clogged_until_[a.node - 1] = std::max(clogged_until_[a.node - 1], now_ns_ + a.amount.count());
      emit(EventKind::kFault, a.node, 0, 0, 0, "clog");
      break;
    case K::kStep: {
      nodes_[a.node - 1]->clock.step(now_ns_, a.amount);
      // The amount is ground truth a checker may need (a clock-sync protocol must discard an
      // exchange whose round trip a backward step made non-positive).
      const ObsField amount[] = {{"amount_ns", a.amount.count()}};
      emit(EventKind::kFault, a.node, 0, 0, 0, "clock step", amount);
      break;
    }
    case K::kDrift:
      nodes_[a.node - 1]->clock.set_drift(now_ns_, a.ppm);
      emit(EventKind::kFault, a.node, 0, 0, 0, "clock drift");
      break;
  }
}

void Simulator::crash(NodeId id) {
  SimNode& n = *nodes_[id - 1];
  if (!n.up) return;
  n.up = false;
  n.paused = false;
  n.node.reset();  // volatile state gone
  for (auto& [protocol, storage] : n.storages) storage.crash();
  for (std::uint32_t slot : n.deferred) {
    slab_[slot].payload = Bytes();
    free_slots_.push_back(slot);
  }
  n.deferred.clear();
  ++n.life;  // timers of the old life are now stale  // timers of the old life are now stale
  emit(EventKind::kCrash, id, 0, 0, 0);
}

void Simulator::restart(NodeId id, bool fresh) {
  SimNode& n = *nodes_[id - 1];
  if (n.up) return;
  if (!fresh && !n.ever_started) return;  // a restart before the first start is meaningless
  const bool recovering = n.ever_started;
  n.ever_started = true;
  n.up = true;
  n.node = std::make_unique<Node>(n, node_life_seed(options_.seed, id, n.life), factory_(id));
  emit(recovering ? EventKind::kRecover : EventKind::kStart, id, 0, 0, 0);
  n.node->start(recovering);
}

void Simulator::pause(NodeId id) {
  SimNode& n = *nodes_[id - 1];
  if (!n.up || n.paused) return;
  n.paused = true;
  emit(EventKind::kPause, id, 0, 0, 0);
}

void Simulator::resume(NodeId id) {
  SimNode& n = *nodes_[id - 1];
  if (!n.paused) return;
  n.paused = false;
  emit(EventKind::kResume, id, 0, 0, 0);
  for (std::uint32_t slot : n.deferred) schedule(now_ns_, slot);
  n.deferred.clear();
}

void Simulator::heal_all() {
  healed_ = true;
  std::fill(blocked_.begin(), blocked_.end(), 0);
  std::fill(clogged_until_.begin(), clogged_until_.end(), 0);
  auto calm = [](LinkModel& m) {
    m.loss = 0;
    m.duplicate = 0;
    m.reorder = 0;
    m.corrupt = 0;
  };
  calm(options_.plan.network);
  for (auto& l : options_.plan.links) calm(l.model);
  emit(EventKind::kHeal, 0, 0, 0, 0, "heal all");
  for (NodeId id = 1; id <= options_.nodes; ++id) resume(id);
}

}  // namespace synod::sim
