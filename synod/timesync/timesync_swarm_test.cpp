// Acceptance: 1,000 swarm seeds (200 under sanitizers) per protocol on 5 nodes, each seed its own
// mix of loss, duplication, reordering, latency shapes, partitions, crashes/restarts, pauses,
// clogs and clock faults (offsets up to 0.5 s, drifts up to 200 ppm, steps): zero violations of
// CR1-CR3 / BK1-BK3 on every event and of CL1 / BL1-BL3 after healing, with the catalog's
// checkers (their liveness windows lengthen the stabilize phase); the first seed replays to the
// same trace hash.
#include <gtest/gtest.h>

#include "synod/sim/swarm_test_util.hpp"
#include "synod/timesync/timesync_catalog.hpp"

namespace synod::timesync {
namespace {

TEST(TimesyncSwarm, CristianThousandSeedsNoViolations) {
  const auto r = sim::expect_swarm_clean(cristian_entry(), {}, {.nodes = 5});
  // CL1's window (2 x (1 s + 6 x 510 ms)) is longer than the default 5 s: it set the phase.
  EXPECT_EQ(r.stabilize_raised_by, "cristian");
}

TEST(TimesyncSwarm, BerkeleyThousandSeedsNoViolations) {
  const auto r = sim::expect_swarm_clean(berkeley_entry(), {}, {.nodes = 5});
  EXPECT_EQ(r.stabilize_raised_by, "berkeley");
}

}  // namespace
}  // namespace synod::timesync
