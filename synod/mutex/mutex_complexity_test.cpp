// Measured message complexity per critical-section entry equals the theory (failure-free,
// scripted runs; heartbeats and the start-up probe/state rounds are not counted):
//   central 3 (REQUEST, GRANT, RELEASE), Ricart-Agrawala 2(N-1), Suzuki-Kasami N or 0 (token
//   already held), token ring 1 .. unbounded (the token circulates whether or not anyone waits).
#include <cstdio>

#include "synod/mutex/mutex_test_util.hpp"
#include "synod/mutex/suzuki_kasami.hpp"

namespace synod::mutex {
namespace {

using namespace testing;

struct Run {
  std::unique_ptr<sim::Simulator> sim;
  std::uint64_t enters = 0;
};

// A failure-free run; counts are taken at `measure` (default: the end of the run).
Run healthy(Algorithm a, const sim::ProtocolFactory& f, std::uint32_t n,
            Duration measure = Duration(0)) {
  auto stats = std::make_shared<CheckStats>();
  Run r;
  r.sim = std::make_unique<sim::Simulator>(sim_options("latency=uniform:1ms..5ms", n), f,
                                           mutex_checkers(a, stats));
  if (measure.count() > 0) {
    r.sim->start();
    r.sim->run_until(measure.count());
    EXPECT_FALSE(r.sim->result().violation) << r.sim->result().violation->message;
  } else {
    const auto res = r.sim->run();
    EXPECT_FALSE(res.violation) << res.violation->message;
  }
  r.enters = stats->enters;
  EXPECT_GT(r.enters, 20U);
  return r;
}

class Complexity : public ::testing::TestWithParam<std::uint32_t> {};

// Central coordination: "a process sends a request message to the coordinator, which grants
// permission ... on exit it sends a release message": 3 messages per entry. Node 1 (the
// coordinator) never asks for the lock itself, as the textbook's count assumes.
TEST_P(Complexity, CentralThreePerEntry) {
  const std::uint32_t n = GetParam();
  auto r = healthy(Algorithm::kCentral, factory(config(Algorithm::kCentral), {1}), n);
  const std::uint64_t m = sent_of(*r.sim, n, MsgType::kRequest) +
                          sent_of(*r.sim, n, MsgType::kGrant) +
                          sent_of(*r.sim, n, MsgType::kRelease);
  EXPECT_EQ(m, 3 * r.enters);
}

// Ricart-Agrawala: "N-1 request messages and N-1 replies": 2(N-1) per entry, under contention.
TEST_P(Complexity, RicartAgrawalaTwoNMinusOnePerEntry) {
  const std::uint32_t n = GetParam();
  auto r = healthy(Algorithm::kRicartAgrawala, factory(config(Algorithm::kRicartAgrawala)), n);
  EXPECT_EQ(sent_of(*r.sim, n, MsgType::kRaRequest), (n - 1) * r.enters);
  EXPECT_EQ(sent_of(*r.sim, n, MsgType::kRaReply), (n - 1) * r.enters);
}

// Suzuki-Kasami: "N messages (N-1 requests and the token) per entry, or none if the requester
// holds the token".
TEST_P(Complexity, SuzukiKasamiNOrZeroPerEntry) {
  const std::uint32_t n = GetParam();
  auto r = healthy(Algorithm::kSuzukiKasami, factory(config(Algorithm::kSuzukiKasami)), n);
  std::uint64_t local = 0;
  for (NodeId id = 1; id <= n; ++id)
    local += algorithm_of<SuzukiKasami>(*r.sim, id).local_entries();
  const std::uint64_t remote = r.enters - local;
  EXPECT_GT(local, 0U);
  EXPECT_EQ(sent_of(*r.sim, n, MsgType::kSkRequest), (n - 1) * remote);
  EXPECT_EQ(sent_of(*r.sim, n, MsgType::kSkToken), remote);
}

// Token ring: "between 1 (every process wants the lock) and unbounded (nobody does) messages
// per entry". Under saturation the ratio approaches 1; under a light load it is large. Measured
// while the workload is active (it stops asking after `active`; the token keeps circulating).
TEST_P(Complexity, TokenRingOneToUnboundedPerEntry) {
  const std::uint32_t n = GetParam();
  auto busy = config(Algorithm::kTokenRing);
  busy.workload.think = std::chrono::microseconds(100);
  const Duration window = std::chrono::milliseconds(7900);
  auto hot = healthy(Algorithm::kTokenRing, factory(busy), n, window);
  auto light = config(Algorithm::kTokenRing);
  light.workload.think = std::chrono::milliseconds(500);
  light.lock.ring_idle_hold = Duration(0);  // the textbook ring: pass at once when idle
  auto cold = healthy(Algorithm::kTokenRing, factory(light), n, window);
  auto paced_cfg = light;
  paced_cfg.lock.ring_idle_hold = LockOptions{}.ring_idle_hold;
  auto paced = healthy(Algorithm::kTokenRing, factory(paced_cfg), n, window);
  const double hot_ratio = static_cast<double>(sent_of(*hot.sim, n, MsgType::kRingToken)) /
                           static_cast<double>(hot.enters);
  const double cold_ratio = static_cast<double>(sent_of(*cold.sim, n, MsgType::kRingToken)) /
                            static_cast<double>(cold.enters);
  const double paced_ratio = static_cast<double>(sent_of(*paced.sim, n, MsgType::kRingToken)) /
                             static_cast<double>(paced.enters);
  std::printf(
      "ring n=%u: %.2f messages/entry saturated, %.1f at think=500ms (%.1f with the idle hold)\n",
      n, hot_ratio, cold_ratio, paced_ratio);
  EXPECT_GE(hot_ratio, 0.99);  // sampled mid-run: the last pass may still be in flight
  EXPECT_LT(hot_ratio, 1.1);
  EXPECT_GT(cold_ratio, 10.0);
  // The idle hold (one tick per idle process) bounds the circulation rate: fewer messages per
  // entry, still at least one.
  EXPECT_LT(paced_ratio, cold_ratio);
  EXPECT_GE(paced_ratio, 0.99);
}

INSTANTIATE_TEST_SUITE_P(Mutex, Complexity, ::testing::Values(3U, 5U, 9U));

}  // namespace
}  // namespace synod::mutex
