#include "synod/sim/sweep.hpp"

#include <chrono>
#include <limits>

namespace synod::sim {
namespace {

SimOptions seed_options(const SweepOptions& o, std::uint64_t seed) {
  SimOptions s;
  s.seed = seed;
  s.nodes = o.nodes;
  s.duration = o.duration;
  s.stabilize = o.stabilize;
  s.plan = plan_for_seed(o, seed);
  return s;
}

bool names_node_outside(const FaultPlan& plan, std::uint32_t nodes) {
  auto outside = [nodes](NodeId id) { return id < 1 || id > nodes; };
  for (const auto& l : plan.links) {
    if (outside(l.from) || outside(l.to)) return true;
  }
  for (const auto& c : plan.clocks) {
    if (outside(c.node)) return true;
  }
  for (const auto& a : plan.actions) {
    using K = Action::Kind;
    const bool has_node = a.kind != K::kHeal && a.kind != K::kPartition && a.kind != K::kOneWay;
    if (has_node && outside(a.node)) return true;
    for (const auto& g : a.groups) {
      for (NodeId id : g) {
        if (outside(id)) return true;
      }
    }
  }
  return false;
}

}  // namespace

Status validate_sweep(const SweepOptions& o) {
  if (o.seeds < 1 || o.seeds > kMaxSweepSeeds) {
    return out_of_range("seeds must be in [1, " + std::to_string(kMaxSweepSeeds) + "], got " +
                        std::to_string(o.seeds));
  }
  if (o.first_seed > std::numeric_limits<std::uint64_t>::max() - (o.seeds - 1)) {
    return out_of_range("seeds " + std::to_string(o.first_seed) + " + " + std::to_string(o.seeds) +
                        " run past 2^64");
  }
  if (o.nodes < 1 || o.nodes > kMaxSimNodes) {
    return out_of_range("nodes must be in [1, " + std::to_string(kMaxSimNodes) + "], got " +
                        std::to_string(o.nodes) +
                        " (the simulator's memory and work grow as nodes^2: 188 MB and 38 s per "
                        "seed at 1,000 nodes; see docs/faults.md, Limits)");
  }
  if (o.duration.count() < 0) {
    return invalid_argument("duration must not be negative, got " + format_duration(o.duration));
  }
  if (o.stabilize.count() <= 0) {
    return invalid_argument("stabilize must be positive (liveness is judged after it), got " +
                            format_duration(o.stabilize));
  }
  if (o.plan && names_node_outside(*o.plan, o.nodes)) {
    return out_of_range("the fault plan names a node outside [1, " + std::to_string(o.nodes) + "]");
  }
  return Status::ok();
}

FaultPlan plan_for_seed(const SweepOptions& options, std::uint64_t seed) {
  if (options.plan) return *options.plan;
  Rng rng = Rng(seed).fork(3);
  return draw_swarm_plan(rng, options.nodes, options.duration);
}

SweepResult run_sweep(const SweepOptions& options, const ProtocolFactory& protocols,
                      const CheckerFactory& checkers, const Progress& progress) {
  SweepResult out;
  // The driver may read a real clock: it only measures itself, the simulation never sees it.
  const auto wall_start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < options.seeds; ++i) {
    const std::uint64_t seed = options.first_seed + i;
    Simulator sim(seed_options(options, seed), protocols, checkers());
    const SimResult r = sim.run();
    ++out.seeds;
    out.events += r.events;
    out.sim_seconds += static_cast<double>(r.sim_ns) / 1e9;
    if (i == 0) {
      out.first_trace_hash = r.trace_hash;
      out.stabilize_ns = r.stabilize_ns;
      out.stabilize_raised_by = r.stabilize_raised_by;
    }
    if (r.violation) {
      out.violations.push_back(
          {seed, *r.violation, to_string(plan_for_seed(options, seed)), r.trace_hash});
    }
    if (progress) progress(i + 1, options.seeds);
    if (r.violation && options.stop_at_first_violation) break;
  }
  out.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  if (out.seeds > 0) {
    Simulator again(seed_options(options, options.first_seed), protocols, checkers());
    out.replay_matches = again.run().trace_hash == out.first_trace_hash;
  }
  return out;
}

}  // namespace synod::sim
