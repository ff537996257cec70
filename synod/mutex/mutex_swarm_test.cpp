// Acceptance: 1,000 swarm seeds per algorithm on 5 nodes (each seed its own mix of loss,
// duplication, reordering, latency shapes, partitions, crashes/restarts, pauses, clogs and clock
// faults), zero violations, and the first seed replays to the same trace hash. Runs degraded by a
// false suspicion (see mutex_checker.hpp) are counted and must stay rare.
#include <cstdio>

#include "synod/mutex/mutex_test_util.hpp"
#include "synod/sim/testing.hpp"

namespace synod::mutex {
namespace {

using namespace testing;

class Swarm : public ::testing::TestWithParam<Algorithm> {};

TEST_P(Swarm, ThousandSeedsNoViolations) {
  const std::uint64_t seeds = sim::acceptance_seeds();  // 1,000 (200 under sanitizers)
  const auto out = swarm(GetParam(), seeds);
  for (const auto& v : out.sweep.violations) {
    ADD_FAILURE() << "seed " << v.seed << " [" << v.violation.checker << "] " << v.violation.message
                  << "\n  faults: " << v.faults;
  }
  EXPECT_EQ(out.sweep.seeds, seeds);
  EXPECT_TRUE(out.sweep.replay_matches);
  EXPECT_GT(out.stats.enters, seeds * 50);
  EXPECT_LT(out.stats.degraded_runs,
            seeds / 20);  // false suspicions need > suspect_after of silence
  std::printf(
      "%s: %llu events in %.1f s (%.0f events/s), %llu entries, %llu degraded runs, "
      "%llu excused breaches, %llu fenced grants\n",
      std::string(algorithm_name(GetParam())).c_str(),
      static_cast<unsigned long long>(out.sweep.events), out.sweep.wall_seconds,
      out.sweep.events_per_sec(), static_cast<unsigned long long>(out.stats.enters),
      static_cast<unsigned long long>(out.stats.degraded_runs),
      static_cast<unsigned long long>(out.stats.excused),
      static_cast<unsigned long long>(out.stats.fenced));
}

INSTANTIATE_TEST_SUITE_P(Mutex, Swarm,
                         ::testing::Values(Algorithm::kCentral, Algorithm::kRicartAgrawala,
                                           Algorithm::kSuzukiKasami, Algorithm::kTokenRing),
                         [](const auto& p) {
                           std::string n(algorithm_name(p.param));
                           std::erase(n, '-');
                           return n;
                         });

}  // namespace
}  // namespace synod::mutex
