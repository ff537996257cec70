// Acceptance: 1,000 swarm seeds per algorithm on 5 nodes (each seed its own mix of loss,
// duplication, reordering, latency shapes, partitions, crashes/restarts, pauses, clogs and clock
// faults), zero violations of any election checker (E1-E4, W1, D1, M1/M2 on every event, L1
// after healing), run through the catalog entries as `synod sim` runs them; the first seed
// replays to the same trace hash.
#include <gtest/gtest.h>

#include <string>

#include "synod/election/election_catalog.hpp"
#include "synod/sim/swarm_test_util.hpp"

namespace synod::election {
namespace {

const CatalogEntry& entry(const std::string& name) {
  static const Catalog all = catalog();
  for (const auto& e : all) {
    if (e.spec.name == name) return e;
  }
  ADD_FAILURE() << "no catalog entry " << name;
  return all.front();
}

TEST(ElectionSwarm, BullyThousandSeedsNoViolations) {
  sim::expect_swarm_clean(entry("bully"), {}, {.nodes = 5});
}
TEST(ElectionSwarm, RingThousandSeedsNoViolations) {
  sim::expect_swarm_clean(entry("ring"), {}, {.nodes = 5});
}

// The combined entry `synod sim election --set algo=...`: a short sweep each.
TEST(ElectionSwarm, CombinedEntryRunsClean) {
  sim::expect_swarm_clean(entry("election"), {}, {.nodes = 5, .seeds = 20});
  sim::expect_swarm_clean(entry("election"), {{"algo", "ring"}}, {.nodes = 5, .seeds = 20});
}

// Windows follow the options: a slower bully still settles before L1 judges (the sweep lengthens
// its stabilise phase to the checkers' liveness window).
TEST(ElectionSwarm, SlowTimeoutsLengthenTheStabilisePhase) {
  const auto r = sim::expect_swarm_clean(entry("bully"),
                                         {{"answer_timeout", "1s"}, {"coordinator_timeout", "2s"}},
                                         {.nodes = 5, .seeds = 20});
  EXPECT_GT(r.stabilize_ns, std::chrono::nanoseconds(std::chrono::seconds(5)).count());
  EXPECT_FALSE(r.stabilize_raised_by.empty());
}

}  // namespace
}  // namespace synod::election
