// Sweeps: run one protocol over many seeds, each with its own fault plan (scripted or swarm), and
// aggregate what `synod sim --json` prints.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "synod/core/status.hpp"
#include "synod/sim/simulator.hpp"

namespace synod::sim {

// What one sweep may ask for. Seeds: 10^7 is about a day of the heaviest protocol on one core;
// more is a typo (and `--seeds -1` used to wrap to 2^64). Nodes: the simulator keeps an N x N
// partition matrix and link state, and most protocols keep per-peer state on every node, so
// memory and work grow as N^2: heartbeat at 1,000 nodes peaks at 188 MB and takes 38 s of wall
// time per 2 simulated seconds (docs/faults.md, "Limits"); 10,000 would need ~19 GB and over an
// hour per seed, so 1,000 is where we stop.
inline constexpr std::uint64_t kMaxSweepSeeds = 10'000'000;
inline constexpr std::uint32_t kMaxSimNodes = 1000;

struct SweepOptions {
  std::uint64_t first_seed = 1;
  std::uint64_t seeds = 100;
  std::uint32_t nodes = 3;
  Duration duration = std::chrono::seconds(10);
  Duration stabilize = std::chrono::seconds(5);
  std::optional<FaultPlan> plan;  // nullopt = swarm: each seed draws its own plan
  bool stop_at_first_violation = false;
};

struct SeedViolation {
  std::uint64_t seed = 0;
  Violation violation;
  std::string faults;            // the plan that seed ran, in --faults grammar
  std::uint64_t trace_hash = 0;  // of that seed's run (its replay must give the same)
};

struct SweepResult {
  std::uint64_t seeds = 0;
  std::vector<SeedViolation> violations;
  std::uint64_t events = 0;
  double sim_seconds = 0;
  double wall_seconds = 0;
  std::uint64_t first_trace_hash = 0;
  std::int64_t stabilize_ns = 0;    // the stabilisation phase the seeds ran (see SimResult)
  std::string stabilize_raised_by;  // the checker whose liveness window lengthened it, if any
  bool replay_matches = true;       // the first seed, run twice, gave the same trace hash
  double events_per_sec() const {
    return wall_seconds > 0 ? static_cast<double>(events) / wall_seconds : 0;
  }
};

// Refuses a sweep that cannot mean what was asked, with the reason: seeds outside
// [1, kMaxSweepSeeds] or running past 2^64, nodes outside [1, kMaxSimNodes], a negative fault
// phase, a stabilisation phase that is not positive, a scripted plan naming a node outside the
// cluster.
Status validate_sweep(const SweepOptions& options);

// The plan a given seed runs: the scripted one, or the seed's own swarm draw.
FaultPlan plan_for_seed(const SweepOptions& options, std::uint64_t seed);

using CheckerFactory = std::function<CheckerList()>;
// Called after every seed with (seeds done, seeds total).
using Progress = std::function<void(std::uint64_t, std::uint64_t)>;

SweepResult run_sweep(const SweepOptions& options, const ProtocolFactory& protocols,
                      const CheckerFactory& checkers, const Progress& progress = {});

}  // namespace synod::sim
