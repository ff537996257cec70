// Cristian's method in the simulator: each test cites the rule of cristian.hpp it exercises.
#include <gtest/gtest.h>

#include <cstdlib>

#include "synod/timesync/cristian.hpp"
#include "synod/timesync/cristian_checker.hpp"
#include "synod/timesync/timesync_test_util.hpp"

namespace synod::timesync {
namespace {

using testing::Recorder;

CristianOptions servers_1_2() {
  CristianOptions o;
  o.servers = {1, 2};
  return o;
}

// The server's clock error (reading - true time) from its last "serve" before `t_ns`.
std::int64_t server_error(const Recorder& r, NodeId server, std::int64_t t_ns) {
  std::int64_t err = 0;
  for (const auto& o : r.of("serve", server)) {
    if (o.t_ns <= t_ns) err = o["t_server"] - o.t_ns;
  }
  return err;
}

// C1, C2: the lowest-RTT sample of a round sets the clock to within RTT/2 (+ drift) of the
// server's; a 300 ms offset is stepped, a 40 ms one slewed; the checker sees every sample.
TEST(Cristian, SetsTheClockWithinHalfTheRttOfTheServer) {
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("latency=uniform:500us..3ms; clock 3 offset=300ms; "
                                 "clock 4 offset=-40ms,drift=100",
                                 4, 1, std::chrono::seconds(6), std::chrono::seconds(2)),
                   testing::deployed<Cristian>(servers_1_2()),
                   testing::with_recorder([] { return cristian_checkers(); }, rec));
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  for (NodeId client : {3U, 4U}) {
    const auto syncs = rec->of("sync", client);
    ASSERT_GE(syncs.size(), 5U) << client;
    for (const auto& sync : syncs) {
      EXPECT_EQ(sync["server"], 1);
      const std::int64_t err = sync["committed_ns"] - sync.t_ns;
      const std::int64_t gap = std::llabs(err - server_error(*rec, 1, sync.t_ns));
      // The sync comes one sample gap after its best sample: allow the drift over that too.
      EXPECT_LE(gap, sync["rtt_ns"] / 2 + 20'000) << client;
    }
  }
  EXPECT_EQ(rec->of("sync", 3).front()["kind"], static_cast<std::int64_t>(Correction::kStep));
  EXPECT_EQ(rec->of("sync", 4).front()["kind"], static_cast<std::int64_t>(Correction::kSlew));
  // K = 4 samples per sync, each checked (CR1).
  EXPECT_GE(rec->of("sample", 3).size(), 4 * rec->of("sync", 3).size());
}

// C3: the server crashes; clients fail over to the next server of the list and keep syncing.
TEST(Cristian, ServerDownMovesToTheNextServer) {
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("clock 4 offset=200ms; @2s crash 1", 4, 2, std::chrono::seconds(8),
                                 std::chrono::seconds(2)),
                   testing::deployed<Cristian>(servers_1_2()),
                   testing::with_recorder([] { return cristian_checkers(); }, rec));
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  for (NodeId client : {3U, 4U}) {
    const auto failed = rec->of("server_failed", client);
    ASSERT_FALSE(failed.empty()) << client;
    EXPECT_EQ(failed.front()["server"], 1);
    const auto later = rec->of("sync", client, testing::at(std::chrono::seconds(4)));
    ASSERT_GE(later.size(), 3U) << client;
    for (const auto& sync : later) EXPECT_EQ(sync["server"], 2);
  }
  const auto& c3 = sim::protocol_on<Cristian>(s, 3, Cristian::kId);
  EXPECT_EQ(c3.current_server(), 2U);
  EXPECT_GT(c3.failures(), 0U);
}

// C3: every server down: the client cycles through the list once, waits, and tries again; once a
// server is back it syncs again.
TEST(Cristian, AllServersDownThenOneReturns) {
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("@1s crash 1; @1s crash 2; @5s restart 2", 4, 3,
                                 std::chrono::seconds(8), std::chrono::seconds(3)),
                   testing::deployed<Cristian>(servers_1_2()),
                   testing::with_recorder([] { return cristian_checkers(); }, rec));
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  const auto failed = rec->of("server_failed", 3);
  EXPECT_GE(failed.size(), 2U);
  // While both are down a client tries at most two servers per period, not in a tight loop.
  EXPECT_LE(rec->of("ask", 3, testing::at(std::chrono::seconds(2))).size() -
                rec->of("ask", 3, testing::at(std::chrono::seconds(5))).size(),
            2U * 3U + 2U);
  EXPECT_FALSE(rec->of("sync", 3, testing::at(std::chrono::milliseconds(5500))).empty());
}

// C1 under loss and duplication: retransmissions and duplicate replies never break the bound.
TEST(Cristian, LostAndDuplicatedRepliesKeepTheBound) {
  Recorder* rec = nullptr;
  sim::Simulator s(
      sim::scripted("loss=0.3,dup=0.2,latency=pareto:200us..40ms; clock 3 offset=-150ms", 5, 4,
                    std::chrono::seconds(10), std::chrono::seconds(3)),
      testing::deployed<Cristian>(servers_1_2()),
      testing::with_recorder([] { return cristian_checkers(); }, rec));
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  EXPECT_GE(rec->of("sample").size(), 40U);
  EXPECT_GE(rec->of("sync", 3).size(), 3U);
}

// C4: a drifting client re-syncs every period, so its error never accumulates.
TEST(Cristian, DriftIsCorrectedEveryPeriod) {
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("latency=fixed:1ms; clock 3 drift=-2000", 3, 5,
                                 std::chrono::seconds(10), std::chrono::seconds(1)),
                   testing::deployed<Cristian>(servers_1_2()),
                   testing::with_recorder([] { return cristian_checkers(); }, rec));
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  const auto syncs = rec->of("sync", 3);
  ASSERT_GE(syncs.size(), 8U);
  for (std::size_t i = 1; i < syncs.size(); ++i) {
    // 2000 ppm over ~1 s of period: each round finds ~2 ms to correct, never more.
    EXPECT_LT(std::llabs(syncs[i]["offset_ns"]), 3'000'000);
    EXPECT_GT(syncs[i]["offset_ns"], 1'000'000);
  }
}

}  // namespace
}  // namespace synod::timesync
