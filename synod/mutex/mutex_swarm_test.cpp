// Acceptance: 1,000 swarm seeds per algorithm on 5 nodes (each seed its own mix of loss,
// duplication, reordering, latency shapes, partitions, crashes/restarts, pauses, clogs and clock
// faults), zero violations of "mutex" and "mutex-messages", and the first seed replays to the
// same trace hash (sim::expect_swarm_clean). Runs degraded by a false suspicion (see
// mutex_checker.hpp) are counted and must stay rare (< 5% of the seeds), and the lock is used
// (> 50 entries per seed): the checkers' CheckStats, shared over the sweep.
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

// The catalog entry with its checkers made exactly as the catalog makes them, plus the shared
// CheckStats the catalog's entry cannot hand out (entries, degraded runs).
CatalogEntry counted(const CatalogEntry& entry, Algorithm a, std::shared_ptr<CheckStats> stats) {
  CatalogEntry e = entry;
  e.checkers = [a, stats](const ProtocolOptions& opts) {
    ProtocolOptions o = opts;
    o["algo"] = std::string(algorithm_name(a));
    auto c = parse_mutex_options(o);
    SYNOD_ASSERT(c.is_ok());
    return mutex_checkers(*c, stats);
  };
  return e;
}

TEST_P(Swarm, ThousandSeedsNoViolations) {
  auto stats = std::make_shared<CheckStats>();
  const auto r =
      sim::expect_swarm_clean(counted(entry_of(GetParam()), GetParam(), stats), {}, {.nodes = 5});
  EXPECT_GT(r.events, r.seeds * 1000);
  // The stats also hold the replay of the first seed (runs = seeds + 1).
  EXPECT_EQ(stats->runs, r.seeds + 1);
  // The lock is used, not just kept safe: over 50 entries per seed.
  EXPECT_GT(stats->enters, r.seeds * 50);
  // False suspicions need more than suspect_after of silence from a live node: rare (< 5%).
  EXPECT_LT(stats->degraded_runs, r.seeds / 20);
  std::printf(
      "%s: %llu entries, %llu degraded runs, %llu excused breaches, %llu fenced grants, "
      "%llu message-count phases judged\n",
      std::string(algorithm_name(GetParam())).c_str(),
      static_cast<unsigned long long>(stats->enters),
      static_cast<unsigned long long>(stats->degraded_runs),
      static_cast<unsigned long long>(stats->excused),
      static_cast<unsigned long long>(stats->fenced),
      static_cast<unsigned long long>(stats->judged_phases));
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
