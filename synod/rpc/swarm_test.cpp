// Acceptance: the RPC/RMI workload (workload.hpp) over 1,000 swarm seeds, each with its own mix of
// loss, duplication, reordering, partitions, crashes/restarts, pauses, clogs and clock faults;
// every checker of rpc_checker.hpp (R1-R9) must stay silent on every seed, and the first seed
// must replay to the same trace hash.
#include <gtest/gtest.h>

#include "synod/rpc/rpc_checker.hpp"
#include "synod/rpc/workload.hpp"
#include "synod/sim/swarm_test_util.hpp"

namespace synod::rpc {
namespace {

// Liveness: the stabilize phase is lengthened to the R6 window the catalog entry derives from
// the workload's options (deadline, lease), so "every call completes" is judged at any settings.
TEST(RpcSwarm, ThousandSeedsNoViolations) {
  const CatalogEntry entry = catalog().front();
  const auto r = sim::expect_swarm_clean(
      entry, {}, {.duration = std::chrono::seconds(8), .stabilize = std::chrono::seconds(3)});
  EXPECT_GT(r.events, r.seeds * 5000);  // the workload really ran (~10k events per seed)
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
