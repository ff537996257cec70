// The election checker on hand-written event sequences: each rule fires on the story it forbids
// and stays quiet on a correct one.
#include <gtest/gtest.h>

#include <vector>

#include "synod/election/bully.hpp"
#include "synod/election/election_checker.hpp"
#include "synod/election/epoch.hpp"

namespace synod::election {
namespace {

class Story {
 public:
  Story() : checkers_(election_checkers()) {}

  std::optional<std::string> elected(NodeId node, Epoch e) {
    const ObsField f[] = {{"epoch", static_cast<std::int64_t>(e)}};
    return feed({++seq_, 0, EventKind::kObserve, node, 0, Bully::kId, 0, "elected", f});
  }
  std::optional<std::string> leader(NodeId node, Epoch e, NodeId l) {
    const ObsField f[] = {{"epoch", static_cast<std::int64_t>(e)}, {"leader", l}};
    return feed({++seq_, 0, EventKind::kObserve, node, 0, Bully::kId, 0, "leader", f});
  }
  std::optional<std::string> crash(NodeId node) {
    return feed({++seq_, 0, EventKind::kCrash, node, 0, 0, 0, "", {}});
  }
  std::optional<std::string> quiescence(std::vector<NodeId> up, std::vector<NodeId> down = {}) {
    for (auto& c : checkers_) {
      if (auto v = c->at_quiescence(up, down)) return v;
    }
    return std::nullopt;
  }

 private:
  std::optional<std::string> feed(const Event& e) {
    std::optional<std::string> first;
    for (auto& c : checkers_) {
      auto v = c->on_event(e);
      if (v && !first) first = v;
    }
    return first;
  }
  CheckerList checkers_;
  std::uint64_t seq_ = 0;
};

TEST(ElectionChecker, QuietOnACorrectHistory) {
  Story s;
  ASSERT_FALSE(s.elected(3, make_epoch(1, 3)));
  ASSERT_FALSE(s.leader(3, make_epoch(1, 3), 3));
  ASSERT_FALSE(s.leader(1, make_epoch(1, 3), 3));
  ASSERT_FALSE(s.elected(2, make_epoch(1, 2)));  // same round, other node: another epoch
  ASSERT_FALSE(s.leader(2, make_epoch(1, 2), 2));
  ASSERT_FALSE(s.crash(3));
  ASSERT_FALSE(s.elected(3, make_epoch(2, 3)));
  ASSERT_FALSE(s.leader(3, make_epoch(2, 3), 3));
  ASSERT_FALSE(s.leader(2, make_epoch(2, 3), 3));
  ASSERT_FALSE(s.leader(1, make_epoch(2, 3), 3));
  EXPECT_FALSE(s.quiescence({1, 2, 3}));
}

TEST(ElectionChecker, E1TwoLeadersInOneEpoch) {
  Story s;
  ASSERT_FALSE(s.elected(3, 7));
  ASSERT_FALSE(s.leader(1, 7, 3));
  auto v = s.leader(2, 7, 2);  // a broken protocol naming another leader for epoch 7
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("E1"), std::string::npos) << *v;
}

TEST(ElectionChecker, E2EpochReusedAfterACrash) {
  Story s;
  ASSERT_FALSE(s.elected(5, make_epoch(1, 5)));
  ASSERT_FALSE(s.crash(5));
  auto v = s.elected(5, make_epoch(1, 5));
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("E2"), std::string::npos) << *v;
}

TEST(ElectionChecker, E3LeaderNobodyDeclared) {
  Story s;
  auto v = s.leader(1, make_epoch(4, 5), 5);
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("E3"), std::string::npos) << *v;
}

TEST(ElectionChecker, E4EpochsGoBackwardsWithinALife) {
  Story s;
  ASSERT_FALSE(s.elected(5, make_epoch(2, 5)));
  ASSERT_FALSE(s.elected(4, make_epoch(1, 4)));
  ASSERT_FALSE(s.leader(1, make_epoch(2, 5), 5));
  auto v = s.leader(1, make_epoch(1, 4), 4);
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("E4"), std::string::npos) << *v;
  // A new life may start from any epoch.
  Story t;
  ASSERT_FALSE(t.elected(5, make_epoch(2, 5)));
  ASSERT_FALSE(t.elected(4, make_epoch(1, 4)));
  ASSERT_FALSE(t.leader(1, make_epoch(2, 5), 5));
  ASSERT_FALSE(t.crash(1));
  EXPECT_FALSE(t.leader(1, make_epoch(1, 4), 4));
}

TEST(ElectionChecker, L1AgreementOnTheHighestLiveId) {
  Story s;
  ASSERT_FALSE(s.elected(4, make_epoch(1, 4)));
  ASSERT_FALSE(s.leader(4, make_epoch(1, 4), 4));
  ASSERT_FALSE(s.leader(1, make_epoch(1, 4), 4));
  auto v = s.quiescence({1, 4, 5});  // 5 is up but nobody follows it
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("L1"), std::string::npos) << *v;
  EXPECT_FALSE(s.quiescence({1, 4}, {5}));
  v = s.quiescence({1, 2, 4});  // 2 never accepted anyone
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("no leader"), std::string::npos) << *v;
}

TEST(Epoch, PackingOrdersByRoundThenId) {
  EXPECT_LT(make_epoch(1, 9), make_epoch(2, 1));
  EXPECT_LT(make_epoch(2, 1), make_epoch(2, 3));
  EXPECT_EQ(epoch_round(make_epoch(kMaxRound, 7)), kMaxRound);
  EXPECT_EQ(epoch_leader(make_epoch(kMaxRound, 7)), 7U);
  EXPECT_GT(static_cast<std::int64_t>(make_epoch(kMaxRound, 0xFFFFFFFFU)), 0);
  EXPECT_EQ(epoch_string(make_epoch(3, 5)), "3.5");
}

}  // namespace
}  // namespace synod::election
