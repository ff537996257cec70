// The shared body of every swarm acceptance test (GoogleTest only): sweep a catalog entry over
// swarm seeds and fail with each violation's seed, checker, message, faults and the replay line
// that reproduces it. One place, so every protocol's acceptance test reads the same and prints
// the same.
//
//   TEST(ElectionSwarm, Bully) { sim::expect_swarm_clean(bully_entry(), {}, {.nodes = 5}); }
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "synod/check/catalog.hpp"
#include "synod/sim/sweep.hpp"
#include "synod/sim/sweep_report.hpp"
#include "synod/sim/testing.hpp"

namespace synod::sim {

struct SwarmRun {
  std::uint32_t nodes = 5;
  std::uint64_t seeds = 0;  // 0 = acceptance_seeds() (1,000; fewer under sanitizers)
  Duration duration = std::chrono::seconds(10);
  Duration stabilize = std::chrono::seconds(5);
};

inline SweepResult expect_swarm_clean(const CatalogEntry& entry, const ProtocolOptions& options,
                                      const SwarmRun& run) {
  SweepOptions so;
  so.nodes = run.nodes;
  so.seeds = run.seeds != 0 ? run.seeds : acceptance_seeds();
  so.duration = run.duration;
  so.stabilize = run.stabilize;
  const auto r = run_sweep(so, from_spec(entry.spec, options),
                           [&entry, &options] { return entry.checkers(options); });
  std::string sets;
  for (const auto& [k, v] : options) sets += " --set " + k + "=" + v;
  for (const auto& v : r.violations) {
    ADD_FAILURE() << entry.spec.name << " seed " << v.seed << " [" << v.violation.checker << "] "
                  << v.violation.message << "\n  faults: " << v.faults
                  << "\n  replay: " << replay_command({entry.spec.name, options}, so, r, v);
  }
  std::printf("%s%s: %llu seeds, %llu events, %.1f s wall, %.0f events/s\n",
              entry.spec.name.c_str(), sets.c_str(), static_cast<unsigned long long>(r.seeds),
              static_cast<unsigned long long>(r.events), r.wall_seconds, r.events_per_sec());
  EXPECT_EQ(r.seeds, so.seeds);
  EXPECT_TRUE(r.replay_matches) << entry.spec.name << ": the first seed replayed differently";
  return r;
}

}  // namespace synod::sim
