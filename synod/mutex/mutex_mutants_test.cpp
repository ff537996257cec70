// Every rule tag of the four algorithms' headers, broken one at a time (the catalog's mutants),
// is caught by the checker the catalog names, within a few seeds (the same sweep as
// `synod mutants`, with fewer seeds so that it stays a unit test).
#include <cstdio>

#include "synod/mutex/mutex_test_util.hpp"
#include "synod/node/mutant.hpp"
#include "synod/sim/fault_plan.hpp"

namespace synod::mutex {
namespace {

TEST(MutexMutants, EveryRuleIsCaughtByItsChecker) {
  std::size_t mutants = 0;
  for (const CatalogEntry& entry : catalog()) {
    for (const MutantSpec& m : entry.mutants) {
      ++mutants;
      ProtocolOptions opts = m.options;
      opts[std::string(kMutantOption)] = m.tag;
      sim::SweepOptions so;
      so.nodes = m.nodes;
      so.seeds = 30;
      so.stop_at_first_violation = true;
      if (m.faults != "swarm") {
        auto plan = sim::parse_fault_plan(m.faults, m.nodes);
        ASSERT_TRUE(plan) << plan.status().message();
        so.plan = *plan;
      }
      const auto r = sim::run_sweep(so, sim::from_spec(entry.spec, opts),
                                    [&entry, &opts] { return entry.checkers(opts); });
      ASSERT_FALSE(r.violations.empty()) << entry.spec.name << " " << m.tag << " not caught";
      const auto& v = r.violations.front();
      EXPECT_EQ(v.violation.checker, m.caught_by)
          << entry.spec.name << " " << m.tag << ": " << v.violation.message;
      std::printf("%s %s caught by %s at seed %llu: %s\n", entry.spec.name.c_str(), m.tag.c_str(),
                  v.violation.checker.c_str(), static_cast<unsigned long long>(v.seed),
                  v.violation.message.c_str());
    }
  }
  EXPECT_EQ(mutants, 4U + 4U + 5U + 5U);
}

// The real rules under the same failure-free plan: the message counts hold and nothing fires.
TEST(MutexMutants, FailureFreeRunsKeepTheHeaderCounts) {
  for (Algorithm a : {Algorithm::kCentral, Algorithm::kRicartAgrawala, Algorithm::kSuzukiKasami,
                      Algorithm::kTokenRing}) {
    auto stats = std::make_shared<CheckStats>();
    sim::SweepOptions so;
    so.nodes = 5;
    so.seeds = 5;
    so.plan = *sim::parse_fault_plan("none", 5);
    const auto r = sim::run_sweep(so, testing::factory(testing::config(a)),
                                  [a, stats] { return mutex_checkers(a, stats); });
    for (const auto& v : r.violations) {
      ADD_FAILURE() << algorithm_name(a) << " seed " << v.seed << " [" << v.violation.checker
                    << "] " << v.violation.message;
    }
    EXPECT_GE(stats->judged_phases, 5U) << algorithm_name(a);
  }
}

}  // namespace
}  // namespace synod::mutex
