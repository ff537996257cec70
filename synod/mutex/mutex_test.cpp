// Smoke + swarm of all four algorithms (temporary layout; split per algorithm below).
#include "synod/mutex/mutex_test_util.hpp"

namespace synod::mutex {
namespace {

using namespace testing;

class AllAlgorithms : public ::testing::TestWithParam<Algorithm> {};

TEST_P(AllAlgorithms, HealthyClusterServesEveryone) {
  sim::Simulator s(sim_options("latency=uniform:1ms..5ms", 5), factory(config(GetParam())),
                   mutex_checkers());
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  EXPECT_GT(total_grants(s, 5), 100U);
}

TEST_P(AllAlgorithms, Swarm) {
  const auto out = swarm(GetParam(), 1000);
  for (const auto& v : out.sweep.violations) {
    ADD_FAILURE() << "seed " << v.seed << " [" << v.violation.checker << "] " << v.violation.message
                  << "\n  faults: " << v.faults;
  }
  std::printf("%s: %llu events, %.1f s, %.0f ev/s, degraded %llu excused %llu enters %llu\n",
              std::string(algorithm_name(GetParam())).c_str(),
              static_cast<unsigned long long>(out.sweep.events), out.sweep.wall_seconds,
              out.sweep.events_per_sec(), static_cast<unsigned long long>(out.stats.degraded_runs),
              static_cast<unsigned long long>(out.stats.excused),
              static_cast<unsigned long long>(out.stats.enters));
}

INSTANTIATE_TEST_SUITE_P(Mutex, AllAlgorithms,
                         ::testing::Values(Algorithm::kCentral, Algorithm::kRicartAgrawala,
                                           Algorithm::kSuzukiKasami, Algorithm::kTokenRing),
                         [](const auto& p) {
                           std::string n(algorithm_name(p.param));
                           std::erase(n, '-');
                           return n;
                         });

}  // namespace
}  // namespace synod::mutex

namespace synod::mutex {
namespace {
TEST(MutexDebug, DISABLED_Seed) {
  const char* env_seed = std::getenv("SEED");
  const char* env_algo = std::getenv("ALGO");
  const std::uint64_t seed = env_seed ? std::strtoull(env_seed, nullptr, 10) : 1;
  sim::SweepOptions so;
  so.nodes = 5;
  auto o = testing::sim_options("none", 5, seed);
  o.plan = sim::plan_for_seed(so, seed);
  auto algo = parse_algorithm(env_algo ? env_algo : "central").value();
  sim::Simulator s(o, testing::factory(testing::config(algo)), mutex_checkers());
  const auto r = s.run();
  if (r.violation) std::printf("violation: %s\n", r.violation->message.c_str());
  for (NodeId n = 1; n <= 5; ++n) {
    if (s.is_up(n)) std::printf("%u %s\n", n, testing::lock_of(s, n).status_json().c_str());
  }
}
}  // namespace
}  // namespace synod::mutex
