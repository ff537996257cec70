// Acceptance: 1,000 swarm seeds (200 under sanitizers) per protocol on 5 nodes, each seed its own
// mix of loss, duplication, reordering, latency shapes, partitions, crashes/restarts, pauses,
// clogs and clock faults (offsets up to 0.5 s, drifts up to 200 ppm, steps): zero violations of
// CR1-CR2 / BK1-BK2 on every event and of CL1 / BL1 after healing; the first seed replays to the
// same trace hash.
#include <gtest/gtest.h>

#include <cstdio>

#include "synod/sim/sweep.hpp"
#include "synod/sim/testing.hpp"
#include "synod/timesync/berkeley_checker.hpp"
#include "synod/timesync/cristian_checker.hpp"
#include "synod/timesync/timesync_catalog.hpp"

namespace synod::timesync {
namespace {

void swarm(const char* name, const ProtocolSpec& spec, const sim::CheckerFactory& checkers) {
  sim::SweepOptions so;
  so.seeds = sim::acceptance_seeds();
  so.nodes = 5;
  so.duration = std::chrono::seconds(10);
  so.stabilize = std::chrono::seconds(8);  // a restart may come 3 s after `duration`
  const auto r = sim::run_sweep(so, sim::from_spec(spec), checkers);
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

TEST(TimesyncSwarm, CristianThousandSeedsNoViolations) {
  swarm("cristian", cristian_spec(), [] { return cristian_checkers(); });
}

TEST(TimesyncSwarm, BerkeleyThousandSeedsNoViolations) {
  swarm("berkeley", berkeley_spec(), [] { return berkeley_checkers(); });
}

}  // namespace
}  // namespace synod::timesync
