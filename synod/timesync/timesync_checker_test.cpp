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

// CR1's negative control: a client that applies T_server + RTT (not RTT/2) is caught.
TEST(CristianChecker, CatchesAnEstimateOffByMoreThanHalfTheRtt) {
  auto checkers = cristian_checkers();
  Checker& c = *checkers.front();
  const ObsField serve[] = {{"client", 2}, {"nonce", 7}, {"t_server", 1'000'000}};
  EXPECT_FALSE(c.on_event(observe(1, 500'000, "serve", serve)));
  // The reply arrives 1 ms after the serve, RTT 2 ms: the estimate t_server + RTT/2 is exact.
  const ObsField good[] = {{"server", 1},         {"nonce", 7},
                           {"round", 1},          {"t_server", 1'000'000},
                           {"rtt_ns", 2'000'000}, {"estimate_ns", 2'000'000}};
  EXPECT_FALSE(c.on_event(observe(2, 1'500'000, "sample", good)));
  // t_server + RTT is off by 1 ms, more than RTT/2 allows had the server answered 1.5 ms earlier.
  const ObsField bad[] = {{"server", 1},         {"nonce", 7},
                          {"round", 1},          {"t_server", 1'000'000},
                          {"rtt_ns", 2'000'000}, {"estimate_ns", 3'000'000}};
  const auto v = c.on_event(observe(2, 1'000'000, "sample", bad));
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("CR1"), std::string::npos) << *v;
}

TEST(CristianChecker, CatchesASyncThatIsNotTheLowestRtt) {
  auto checkers = cristian_checkers();
  Checker& c = *checkers.front();
  const ObsField s1[] = {{"server", 1}, {"nonce", 1}, {"round", 4}, {"rtt_ns", 900}};
  const ObsField s2[] = {{"server", 1}, {"nonce", 2}, {"round", 4}, {"rtt_ns", 400}};
  EXPECT_FALSE(c.on_event(observe(2, 10, "sample", s1)));
  EXPECT_FALSE(c.on_event(observe(2, 20, "sample", s2)));
  const ObsField good[] = {{"round", 4}, {"rtt_ns", 400}};
  EXPECT_FALSE(c.on_event(observe(2, 30, "sync", good)));
  const ObsField bad[] = {{"round", 4}, {"rtt_ns", 900}};
  const auto v = c.on_event(observe(2, 40, "sync", bad));
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("CR2"), std::string::npos) << *v;
}

TEST(BerkeleyChecker, CatchesClocksFurtherApartThanTheirRtts) {
  auto checkers = berkeley_checkers();
  Checker& c = *checkers.front();
  const ObsField poll[] = {{"round", 9}};
  EXPECT_FALSE(c.on_event(observe(1, 1'000'000, "poll", poll)));
  // Node 2 (rtt 2 ms) lands 0.5 ms ahead of true time, node 3 (rtt 1 ms) 0.9 ms behind: 1.4 ms
  // apart <= 1 + 0.5 ms + drift: fine. Node 4 (rtt 1 ms) 1.2 ms ahead of node 3: not fine.
  const ObsField a2[] = {
      {"master", 1},         {"round", 9},    {"adj_ns", 5},           {"committed_ns", 3'500'000},
      {"rtt_ns", 2'000'000}, {"included", 1}, {"limit_ns", 20'000'000}};
  const ObsField a3[] = {
      {"master", 1},         {"round", 9},    {"adj_ns", 5},           {"committed_ns", 2'100'000},
      {"rtt_ns", 1'000'000}, {"included", 1}, {"limit_ns", 20'000'000}};
  const ObsField a4[] = {
      {"master", 1},         {"round", 9},    {"adj_ns", 5},           {"committed_ns", 4'300'000},
      {"rtt_ns", 1'000'000}, {"included", 1}, {"limit_ns", 20'000'000}};
  EXPECT_FALSE(c.on_event(observe(2, 3'000'000, "adjust", a2)));
  EXPECT_FALSE(c.on_event(observe(3, 3'000'000, "adjust", a3)));
  const auto v = c.on_event(observe(4, 3'000'000, "adjust", a4));
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("BK1"), std::string::npos) << *v;
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

TEST(BerkeleyChecker, LivenessWantsEveryLiveNodeAdjustedAfterTheHeal) {
  auto checkers = berkeley_checkers();
  Checker& c = *checkers.front();
  Event heal;
  heal.kind = EventKind::kHeal;
  heal.time_ns = 1'000;
  EXPECT_FALSE(c.on_event(heal));
  const ObsField a[] = {{"master", 1}, {"round", 1}, {"included", 0}};
  EXPECT_FALSE(c.on_event(observe(1, 2'000, "adjust", a)));
  Event late;
  late.kind = EventKind::kTimer;
  late.node = 1;
  late.time_ns = 10'000'000'000;
  EXPECT_FALSE(c.on_event(late));
  const NodeId only1[] = {1};
  EXPECT_FALSE(c.at_quiescence(only1, {}));
  const NodeId both[] = {1, 2};
  const auto v = c.at_quiescence(both, {});
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("BL1"), std::string::npos);
}

}  // namespace
}  // namespace synod::timesync
