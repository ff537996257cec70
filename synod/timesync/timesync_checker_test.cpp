// Checker negative controls: each property fires on a synthetic trace that breaks it, and stays
// quiet on one that does not.
#include <gtest/gtest.h>

#include <string>

#include "synod/timesync/berkeley_checker.hpp"
#include "synod/timesync/cristian_checker.hpp"

namespace synod::timesync {
namespace {

Event observe(NodeId node, std::int64_t t_ns, std::string_view what,
              std::span<const ObsField> fields) {
  Event e;
  e.kind = EventKind::kObserve;
  e.node = node;
  e.time_ns = t_ns;
  e.what = what;
  e.fields = fields;
  return e;
}

Event step_fault(NodeId node, std::int64_t t_ns, std::span<const ObsField> amount) {
  Event e;
  e.kind = EventKind::kFault;
  e.node = node;
  e.time_ns = t_ns;
  e.what = "clock step";
  e.fields = amount;
  return e;
}

// One exchange of client 2 with server 1 (whose clock is 5 ms ahead of true time): asked at
// `ask`, served 1 ms later, the reply delivered at `deliver` (all true times).
void exchange(Checker& c, std::int64_t nonce, std::int64_t ask, std::int64_t deliver,
              std::int64_t reported_rtt) {
  const std::int64_t serve = ask + 1'000'000;
  const std::int64_t t_server = serve + 5'000'000;
  const ObsField a[] = {{"server", 1}, {"nonce", nonce}, {"round", 3}};
  EXPECT_FALSE(c.on_event(observe(2, ask, "ask", a)));
  const ObsField sv[] = {{"client", 2}, {"nonce", nonce}, {"t_server", t_server}};
  EXPECT_FALSE(c.on_event(observe(1, serve, "serve", sv)));
  const ObsField sm[] = {{"server", 1},          {"nonce", nonce},         {"round", 3},
                         {"t_server", t_server}, {"rtt_ns", reported_rtt}, {"estimate_ns", 0}};
  EXPECT_FALSE(c.on_event(observe(2, deliver, "sample", sm)));
}

// CR1 judges the client's clock against TRUE time (not its reported estimate): a client that
// applies nothing (its clock stays 0 away from true time while the server's is 5 ms ahead) is
// caught though every figure it reports is consistent. Before: the old CR1 only compared the
// reported estimate with the serve, so a client that never corrected its clock passed.
TEST(CristianChecker, JudgesTheClientsClockAgainstTrueTime) {
  auto checkers = cristian_checkers();
  Checker& c = *checkers.front();
  exchange(c, 7, 1'000'000, 3'000'000, 2'000'000);  // true rtt 2 ms
  // Synced at 4 ms true time: the client's clock 5.4 ms ahead, the server's 5 ms: within 1 ms.
  const ObsField good[] = {
      {"round", 3}, {"nonce", 7}, {"rtt_ns", 2'000'000}, {"committed_ns", 4'000'000 + 5'400'000}};
  EXPECT_FALSE(c.on_event(observe(2, 4'000'000, "sync", good)));
  exchange(c, 8, 5'000'000, 7'000'000, 2'000'000);
  const ObsField stale[] = {{"round", 3},
                            {"nonce", 8},
                            {"rtt_ns", 2'000'000},
                            {"committed_ns", 8'000'000}};  // never corrected: 0 from true time
  const auto v = c.on_event(observe(2, 8'000'000, "sync", stale));
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("CR1"), std::string::npos) << *v;
}

// CR2 compares TRUE round trips (ask to delivery), not the ones the client reports: the client
// claims its applied sample had the lowest RTT, but the network took 9 ms for it and 4 ms for
// the other. Before: the old CR2 compared the reported rtt_ns values and passed this.
TEST(CristianChecker, LowestRttIsJudgedOnTrueRoundTrips) {
  auto checkers = cristian_checkers();
  Checker& c = *checkers.front();
  exchange(c, 1, 0, 9'000'000, 1'000'000);            // true 9 ms, reported 1 ms
  exchange(c, 2, 10'000'000, 14'000'000, 4'000'000);  // true 4 ms
  const ObsField bad[] = {
      {"round", 3}, {"nonce", 1}, {"rtt_ns", 1'000'000}, {"committed_ns", 15'000'000 + 5'000'000}};
  const auto v = c.on_event(observe(2, 15'000'000, "sync", bad));
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("CR2"), std::string::npos) << *v;
}

// CR3 (rule C5): a backward step of 50 ms during a 2 ms round trip made it negative on the
// client's clock; applying that sample is caught from the step's ground-truth amount.
TEST(CristianChecker, CatchesASampleWhoseRoundTripWasNotPositive) {
  auto checkers = cristian_checkers();
  Checker& c = *checkers.front();
  const ObsField a[] = {{"server", 1}, {"nonce", 4}, {"round", 3}};
  EXPECT_FALSE(c.on_event(observe(2, 1'000'000, "ask", a)));
  const ObsField back[] = {{"amount_ns", -50'000'000}};
  EXPECT_FALSE(c.on_event(step_fault(2, 2'000'000, back)));
  const ObsField sm[] = {{"server", 1}, {"nonce", 4}, {"round", 3}, {"rtt_ns", -48'000'000}};
  EXPECT_FALSE(c.on_event(observe(2, 3'000'000, "sample", sm)));
  const ObsField sync[] = {{"round", 3}, {"nonce", 4}, {"rtt_ns", -48'000'000}};
  const auto v = c.on_event(observe(2, 4'000'000, "sync", sync));
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("CR3"), std::string::npos) << *v;
}

// CL1's window follows the options, and the simulator lengthens stabilize to it.
TEST(CristianChecker, LivenessWindowFollowsTheOptions) {
  CristianOptions o;
  EXPECT_EQ(cristian_liveness_window(o), 2 * (o.period + 6 * (o.timeout + o.sample_gap)));
  o.period = std::chrono::seconds(10);
  CristianCheckOptions c;
  c.live_window = cristian_liveness_window(o);
  EXPECT_GT(cristian_checkers(c).front()->liveness_window(), std::chrono::seconds(20));
}

TEST(BerkeleyChecker, CatchesClocksFurtherApartThanTheirRtts) {
  auto checkers = berkeley_checkers();
  Checker& c = *checkers.front();
  const ObsField poll[] = {{"round", 9}};
  EXPECT_FALSE(c.on_event(observe(1, 1'000'000, "poll", poll)));
  // True round trips (poll to reply): node 2 2 ms, nodes 3 and 4 1 ms.
  const ObsField r2[] = {{"node", 2}, {"round", 9}};
  const ObsField r3[] = {{"node", 3}, {"round", 9}};
  const ObsField r4[] = {{"node", 4}, {"round", 9}};
  EXPECT_FALSE(c.on_event(observe(1, 3'000'000, "reply", r2)));
  EXPECT_FALSE(c.on_event(observe(1, 2'000'000, "reply", r3)));
  EXPECT_FALSE(c.on_event(observe(1, 2'000'000, "reply", r4)));
  // Node 2 lands 0.5 ms ahead of true time, node 3 0.9 ms behind: 1.4 ms apart <= 1 + 0.5 ms +
  // drift: fine. Node 4 1.2 ms ahead of node 3: not fine. The rtt_ns they report is ignored.
  const ObsField a2[] = {
      {"master", 1},         {"round", 9},    {"adj_ns", 5},           {"committed_ns", 3'500'000},
      {"rtt_ns", 9'000'000}, {"included", 1}, {"limit_ns", 20'000'000}};
  const ObsField a3[] = {
      {"master", 1},         {"round", 9},    {"adj_ns", 5},           {"committed_ns", 2'100'000},
      {"rtt_ns", 9'000'000}, {"included", 1}, {"limit_ns", 20'000'000}};
  const ObsField a4[] = {
      {"master", 1},         {"round", 9},    {"adj_ns", 5},           {"committed_ns", 4'300'000},
      {"rtt_ns", 9'000'000}, {"included", 1}, {"limit_ns", 20'000'000}};
  EXPECT_FALSE(c.on_event(observe(2, 3'000'000, "adjust", a2)));
  EXPECT_FALSE(c.on_event(observe(3, 3'000'000, "adjust", a3)));
  const auto v = c.on_event(observe(4, 3'000'000, "adjust", a4));
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("BK1"), std::string::npos) << *v;
}

// BK3 (rule B3): an adjustment from a sample whose TRUE round trip exceeded rtt_limit.
TEST(BerkeleyChecker, CatchesAnAdjustmentFromASampleSlowerThanTheLimit) {
  auto checkers = berkeley_checkers();
  Checker& c = *checkers.front();
  const ObsField poll[] = {{"round", 2}};
  EXPECT_FALSE(c.on_event(observe(1, 0, "poll", poll)));
  const ObsField r[] = {{"node", 3}, {"round", 2}};
  EXPECT_FALSE(c.on_event(observe(1, 80'000'000, "reply", r)));  // 80 ms > 50 ms
  const ObsField a[] = {
      {"master", 1}, {"round", 2}, {"adj_ns", 1}, {"included", 1}, {"limit_ns", 20'000'000}};
  const auto v = c.on_event(observe(3, 90'000'000, "adjust", a));
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("BK3"), std::string::npos) << *v;
}

TEST(BerkeleyChecker, CatchesAnIncludedClockAdjustedBeyondTheWindow) {
  auto checkers = berkeley_checkers();
  Checker& c = *checkers.front();
  const ObsField excluded[] = {{"master", 1},
                               {"round", 1},
                               {"adj_ns", -5'000'000'000},
                               {"included", 0},
                               {"limit_ns", 20'000'000}};
  EXPECT_FALSE(c.on_event(observe(5, 10, "adjust", excluded)));  // an outlier may move far
  const ObsField pulled[] = {{"master", 1},
                             {"round", 1},
                             {"adj_ns", 25'000'000},
                             {"included", 1},
                             {"limit_ns", 20'000'000}};
  const auto v = c.on_event(observe(2, 10, "adjust", pulled));
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("BK2"), std::string::npos) << *v;
}

Event at(EventKind kind, NodeId node, std::int64_t t_ns) {
  Event e;
  e.kind = kind;
  e.node = node;
  e.time_ns = t_ns;
  return e;
}

// BL1's window follows the options and is longer than the default 5 s stabilize phase, so the
// simulator lengthens it. Before: the window was a fixed 6 s, longer than the 5 s phase, so a
// Berkeley whose slaves never apply an adjustment was never judged.
TEST(BerkeleyChecker, LivenessWindowFollowsTheOptionsAndCoversATakeover) {
  BerkeleyOptions o;
  const Duration w = berkeley_liveness_window(o);
  EXPECT_EQ(w, o.master_timeout + 3 * o.period + 2 * (o.period + o.reply_timeout));
  EXPECT_GT(w, std::chrono::seconds(5));
  EXPECT_EQ(berkeley_checkers(berkeley_check_options(o)).front()->liveness_window(), w);
}

TEST(BerkeleyChecker, LivenessWantsEveryLiveNodeAdjustedAfterTheHeal) {
  auto checkers = berkeley_checkers();
  Checker& c = *checkers.front();
  EXPECT_FALSE(c.on_event(at(EventKind::kStart, 1, 0)));
  EXPECT_FALSE(c.on_event(at(EventKind::kStart, 2, 0)));
  EXPECT_FALSE(c.on_event(at(EventKind::kHeal, 0, 1'000)));
  const ObsField m[] = {{"on", 1}};
  EXPECT_FALSE(c.on_event(observe(1, 1'000, "master", m)));
  const ObsField a[] = {{"master", 1}, {"round", 1}, {"included", 0}};
  EXPECT_FALSE(c.on_event(observe(1, 2'000, "adjust", a)));
  EXPECT_FALSE(c.on_event(at(EventKind::kTimer, 1, 10'000'000'000)));
  const NodeId only1[] = {1};
  EXPECT_FALSE(c.at_quiescence(only1, {}));
  const NodeId both[] = {1, 2};
  const auto v = c.at_quiescence(both, {});
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("BL1"), std::string::npos);
}

// BL2: both nodes adjusted after the heal, but 300 ms apart against true time.
TEST(BerkeleyChecker, CatchesClocksThatDisagreeAfterHealing) {
  auto checkers = berkeley_checkers();
  Checker& c = *checkers.front();
  EXPECT_FALSE(c.on_event(at(EventKind::kStart, 1, 0)));
  EXPECT_FALSE(c.on_event(at(EventKind::kStart, 2, 0)));
  EXPECT_FALSE(c.on_event(at(EventKind::kHeal, 0, 1'000)));
  const ObsField m[] = {{"on", 1}};
  EXPECT_FALSE(c.on_event(observe(1, 1'000, "master", m)));
  const ObsField a1[] = {{"master", 1}, {"round", 1}, {"committed_ns", 9'000'000'000}};
  const ObsField a2[] = {{"master", 2}, {"round", 1}, {"committed_ns", 9'300'000'000}};
  EXPECT_FALSE(c.on_event(observe(1, 9'000'000'000, "adjust", a1)));
  EXPECT_FALSE(c.on_event(observe(2, 9'000'000'000, "adjust", a2)));
  EXPECT_FALSE(c.on_event(at(EventKind::kTimer, 1, 10'000'000'000)));
  const NodeId both[] = {1, 2};
  const auto v = c.at_quiescence(both, {});
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("BL2"), std::string::npos) << *v;
}

// BL3 (rule B6): after healing, node 2 still claims master though node 1 is live.
TEST(BerkeleyChecker, CatchesTwoMastersAfterHealing) {
  auto checkers = berkeley_checkers();
  Checker& c = *checkers.front();
  EXPECT_FALSE(c.on_event(at(EventKind::kStart, 1, 0)));
  EXPECT_FALSE(c.on_event(at(EventKind::kStart, 2, 0)));
  EXPECT_FALSE(c.on_event(at(EventKind::kHeal, 0, 1'000)));
  const ObsField on[] = {{"on", 1}};
  EXPECT_FALSE(c.on_event(observe(1, 1'000, "master", on)));
  EXPECT_FALSE(c.on_event(observe(2, 1'000, "master", on)));
  const ObsField a[] = {{"master", 1}, {"round", 1}, {"committed_ns", 9'000'000'000}};
  EXPECT_FALSE(c.on_event(observe(1, 9'000'000'000, "adjust", a)));
  EXPECT_FALSE(c.on_event(observe(2, 9'000'000'000, "adjust", a)));
  EXPECT_FALSE(c.on_event(at(EventKind::kTimer, 1, 10'000'000'000)));
  const NodeId both[] = {1, 2};
  const auto v = c.at_quiescence(both, {});
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("BL3"), std::string::npos) << *v;
}

}  // namespace
}  // namespace synod::timesync
