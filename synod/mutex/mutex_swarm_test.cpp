// Acceptance: 1,000 swarm seeds per algorithm on 5 nodes (each seed its own mix of loss,
// duplication, reordering, latency shapes, partitions, crashes/restarts, pauses, clogs and clock
// faults), zero violations of "mutex" and "mutex-messages", and the first seed replays to the
// same trace hash (sim::expect_swarm_clean). Runs degraded by a false suspicion (see
// mutex_checker.hpp) are counted and must stay rare.
#include <cstdio>

#include "synod/mutex/mutex_test_util.hpp"
#include "synod/sim/swarm_test_util.hpp"

namespace synod::mutex {
namespace {

class Swarm : public ::testing::TestWithParam<Algorithm> {};

const CatalogEntry& entry_of(Algorithm a) {
  static const Catalog entries = catalog();
  for (const auto& e : entries) {
    if (e.spec.name == protocol_id_name(protocol_id(a))) return e;
  }
  SYNOD_ASSERT(false);
  return entries.front();
}

TEST_P(Swarm, ThousandSeedsNoViolations) {
  const auto r = sim::expect_swarm_clean(entry_of(GetParam()), {}, {.nodes = 5});
  EXPECT_GT(r.events, r.seeds * 1000);
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
