// Acceptance: bank-snapshot on 5 nodes under 1,000 swarm seeds (each its own mix of loss,
// duplication, reordering, latency shapes, partitions, crashes/restarts, pauses, clogs and clock
// faults), with every node starting snapshots at random (some concurrent): zero violations of
// X1, S1-S5 on every event and of L1 after healing; the first seed replays to the same hash.
#include <gtest/gtest.h>

#include <cstdio>

#include "synod/sim/sweep.hpp"
#include "synod/sim/testing.hpp"
#include "synod/snapshot/bank_checker.hpp"
#include "synod/snapshot/snapshot_catalog.hpp"
#include "synod/snapshot/snapshot_test_util.hpp"

namespace synod::snapshot {
namespace {

TEST(SnapshotSwarm, BankThousandSeedsNoViolations) {
  sim::SweepOptions so;
  so.seeds = sim::acceptance_seeds();
  so.nodes = 5;
  so.duration = std::chrono::seconds(10);
  so.stabilize = std::chrono::seconds(5);
  const auto r =
      sim::run_sweep(so, sim::from_spec(bank_snapshot_spec()), [] { return bank_checkers(); });
  for (const auto& v : r.violations) {
    ADD_FAILURE() << "seed " << v.seed << " [" << v.violation.checker << "] " << v.violation.message
                  << "\n  faults: " << v.faults;
  }
  std::printf("bank-snapshot: %llu seeds, %llu events, %.1f s wall, %.0f events/s\n",
              static_cast<unsigned long long>(r.seeds), static_cast<unsigned long long>(r.events),
              r.wall_seconds, r.events_per_sec());
  EXPECT_EQ(r.seeds, so.seeds);
  EXPECT_TRUE(r.replay_matches);
}

// The swarm is not vacuous: across a few seeds, snapshots both complete (and are judged) and
// abort (crashes and partitions mid-snapshot), and some run concurrently.
TEST(SnapshotSwarm, SeedsExerciseCompletionAndAbort) {
  std::size_t done = 0;
  std::size_t aborted = 0;
  std::size_t judged = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    sim::SweepOptions so;
    so.nodes = 5;
    sim::SimOptions o;
    o.seed = seed;
    o.nodes = 5;
    o.duration = std::chrono::seconds(10);
    o.stabilize = std::chrono::seconds(5);
    o.plan = sim::plan_for_seed(so, seed);
    testing::Recorder* rec = nullptr;
    sim::Simulator s(o, sim::from_spec(bank_snapshot_spec()), testing::checkers_with(rec));
    const auto r = s.run();
    ASSERT_FALSE(r.violation) << r.violation->message;
    done += rec->count("snap.done");
    aborted += rec->count("snap.abort");
    judged += rec->count("bank.snap");
  }
  std::printf("20 swarm seeds: %zu snapshots completed, %zu aborted\n", done, aborted);
  EXPECT_GT(done, 100U);
  EXPECT_GT(aborted, 0U);
  EXPECT_EQ(judged, done + aborted);
}

}  // namespace
}  // namespace synod::snapshot
