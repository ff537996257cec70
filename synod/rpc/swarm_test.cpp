// Acceptance: the RPC/RMI workload (workload.hpp) over 1,000 swarm seeds, each with its own mix of
// loss, duplication, reordering, partitions, crashes/restarts, pauses, clogs and clock faults;
// the R1-R4 checkers (at-most-once, reply matches request) must stay silent on every seed, and the
// first seed must replay to the same trace hash.
#include <gtest/gtest.h>

#include "synod/rpc/rpc_checker.hpp"
#include "synod/rpc/workload.hpp"
#include "synod/sim/sweep.hpp"
#include "synod/sim/testing.hpp"

namespace synod::rpc {
namespace {

sim::ProtocolFactory workload_factory() {
  return [](NodeId) {
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(workload::make_workload_endpoint(workload::WorkloadOptions{}));
    return v;
  };
}

TEST(RpcSwarm, ThousandSeedsNoViolations) {
  sim::SweepOptions so;
  so.seeds = sim::acceptance_seeds();
  so.nodes = 5;
  so.duration = std::chrono::seconds(8);
  so.stabilize = std::chrono::seconds(3);
  const auto r = sim::run_sweep(so, workload_factory(), [] { return rpc_checkers(); });
  for (const auto& v : r.violations) {
    ADD_FAILURE() << "seed " << v.seed << " [" << v.violation.checker << "] " << v.violation.message
                  << "\n  faults: " << v.faults;
  }
  EXPECT_EQ(r.seeds, so.seeds);
  EXPECT_TRUE(r.replay_matches);
  EXPECT_GT(r.events, so.seeds * 5000);  // the workload really ran (~10k events per seed)
  std::printf("rpc swarm: %llu seeds, %llu events, %.1f s wall\n",
              static_cast<unsigned long long>(r.seeds), static_cast<unsigned long long>(r.events),
              r.wall_seconds);
}

// Negative control: the checker must object to a request executed twice (R1) and to a reply the
// server never produced (R3).
TEST(RpcChecker, CatchesDoubleExecutionAndForgedReply) {
  auto checkers = rpc_checkers();
  auto& c = *checkers[0];
  const ObsField send[] = {{"session", 9}, {"seq", 1}, {"to", 2}, {"method", 1}};
  const ObsField exec[] = {{"client", 1}, {"session", 9}, {"seq", 1}, {"method", 1}};
  const ObsField result[] = {{"session", 9}, {"seq", 1}, {"code", 0}, {"hash", 42}};
  const ObsField forged[] = {{"session", 9}, {"seq", 1}, {"code", 0}, {"hash", 43}};
  auto ev = [](NodeId node, std::string_view what, std::span<const ObsField> f) {
    return Event{0, 0, EventKind::kObserve, node, 0, Endpoint::kId, 0, what, f};
  };
  ASSERT_FALSE(c.on_event(ev(1, "rpc_send", send)));
  ASSERT_FALSE(c.on_event(ev(2, "rpc_exec", exec)));
  ASSERT_FALSE(c.on_event(ev(2, "rpc_result", result)));
  auto forged_reply = c.on_event(ev(1, "rpc_done", forged));
  ASSERT_TRUE(forged_reply);
  EXPECT_NE(forged_reply->find("R3"), std::string::npos);
  auto twice = c.on_event(ev(2, "rpc_exec", exec));
  ASSERT_TRUE(twice);
  EXPECT_NE(twice->find("R1"), std::string::npos);
}

}  // namespace
}  // namespace synod::rpc
