// Acceptance: 1,000 swarm seeds per algorithm on 5 nodes (each seed its own mix of loss,
// duplication, reordering, latency shapes, partitions, crashes/restarts, pauses, clogs and clock
// faults), zero violations of E1-E4 on every event and of L1 after healing; the first seed
// replays to the same trace hash.
#include <gtest/gtest.h>

#include <cstdio>

#include "synod/election/election_catalog.hpp"
#include "synod/election/election_test_util.hpp"
#include "synod/sim/sweep.hpp"
#include "synod/sim/testing.hpp"

namespace synod::election {
namespace {

template <typename Algorithm>
void swarm(const char* name) {
  sim::SweepOptions so;
  so.seeds = sim::acceptance_seeds();
  so.nodes = 5;
  so.duration = std::chrono::seconds(10);
  so.stabilize = std::chrono::seconds(5);
  const auto r = sim::run_sweep(so, testing::deployed<Algorithm>(testing::same_options()),
                                [] { return election_checkers(); });
  for (const auto& v : r.violations) {
    ADD_FAILURE() << name << " seed " << v.seed << " [" << v.violation.checker << "] "
                  << v.violation.message << "\n  faults: " << v.faults;
  }
  std::printf("%s: %llu seeds, %llu events, %.1f s wall, %.0f events/s\n", name,
              static_cast<unsigned long long>(r.seeds), static_cast<unsigned long long>(r.events),
              r.wall_seconds, r.events_per_sec());
  EXPECT_EQ(r.seeds, so.seeds);
  EXPECT_TRUE(r.replay_matches);
}

TEST(ElectionSwarm, BullyThousandSeedsNoViolations) { swarm<Bully>("bully"); }
TEST(ElectionSwarm, RingThousandSeedsNoViolations) { swarm<Ring>("ring"); }

// The catalog entries `synod sim bully|ring|election --set algo=...` build: a short sweep each.
TEST(ElectionSwarm, CatalogSpecsRunClean) {
  sim::SweepOptions so;
  so.seeds = 20;
  so.nodes = 5;
  for (const auto& [spec, opts] :
       std::vector<std::pair<ProtocolSpec, ProtocolOptions>>{{bully_spec(), {}},
                                                             {ring_spec(), {}},
                                                             {election_spec(), {{"algo", "ring"}}},
                                                             {election_spec(), {}}}) {
    const auto r =
        sim::run_sweep(so, sim::from_spec(spec, opts), [] { return election_checkers(); });
    EXPECT_TRUE(r.violations.empty()) << spec.name;
    EXPECT_EQ(r.seeds, 20U);
  }
}

}  // namespace
}  // namespace synod::election
