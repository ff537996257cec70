#include "synod/sim/sweep.hpp"

#include <chrono>

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

}  // namespace

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
      out.violations.push_back({seed, *r.violation, to_string(plan_for_seed(options, seed))});
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
