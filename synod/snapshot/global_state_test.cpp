// The seed's definitions of global state (Coulouris et al., "Global states and consistent cuts"),
// on hand-made cuts.
#include "synod/snapshot/global_state.hpp"

#include <gtest/gtest.h>

namespace synod::snapshot {
namespace {

const MessageId m1{1, 2, 1};
const MessageId m2{2, 1, 1};

LocalPrefix prefix(NodeId n, std::set<MessageId> sent, std::set<MessageId> received) {
  return {n, std::move(sent), std::move(received)};
}

// "A message is in transit if send(m) is in S and receive(m) is not."
TEST(GlobalState, SentNotReceivedIsInTransit) {
  const Cut cut = {prefix(1, {m1}, {}), prefix(2, {}, {})};
  EXPECT_EQ(in_transit(cut), std::vector<MessageId>{m1});
  EXPECT_TRUE(inconsistent(cut).empty());
  EXPECT_TRUE(is_consistent(cut));
  EXPECT_FALSE(is_transitless(cut));
  EXPECT_FALSE(is_strongly_consistent(cut));
}

// "Inconsistent if receive(m) is in S and send(m) is not": the cut cannot have happened.
TEST(GlobalState, ReceivedNotSentIsInconsistent) {
  const Cut cut = {prefix(1, {}, {}), prefix(2, {}, {m1})};
  EXPECT_EQ(inconsistent(cut), std::vector<MessageId>{m1});
  EXPECT_TRUE(in_transit(cut).empty());
  EXPECT_FALSE(is_consistent(cut));
  EXPECT_TRUE(is_transitless(cut));
  EXPECT_FALSE(is_strongly_consistent(cut));
}

// "Strongly consistent = consistent and transitless."
TEST(GlobalState, SentAndReceivedIsStronglyConsistent) {
  const Cut cut = {prefix(1, {m1}, {m2}), prefix(2, {m2}, {m1})};
  EXPECT_TRUE(is_strongly_consistent(cut));
  EXPECT_TRUE(is_strongly_consistent({}));  // the initial state
}

TEST(GlobalState, BothKindsAtOnceAreReportedInOrder) {
  const MessageId m3{3, 1, 7};
  const Cut cut = {prefix(1, {m1}, {m3}), prefix(2, {m2}, {}), prefix(3, {}, {})};
  EXPECT_EQ(in_transit(cut), (std::vector<MessageId>{m1, m2}));
  EXPECT_EQ(inconsistent(cut), std::vector<MessageId>{m3});
  EXPECT_EQ(to_string(m3), "3->1#7");
}

// FIFO channels numbered 1, 2, ...: counts say the same as the sets, and the common prefix is
// left out however long the history.
TEST(GlobalState, CountsGiveTheBoundaryMessagesOnly) {
  const Cut transit = cut_from_counts({{1, 2, 1'000'000, 999'998}, {2, 1, 5, 5}});
  EXPECT_EQ(in_transit(transit), (std::vector<MessageId>{{1, 2, 999'999}, {1, 2, 1'000'000}}));
  EXPECT_TRUE(is_consistent(transit));
  std::size_t ids = 0;
  for (const auto& p : transit) ids += p.sent.size() + p.received.size();
  EXPECT_EQ(ids, 2U);

  const Cut bad = cut_from_counts({{1, 2, 3, 4}});
  EXPECT_EQ(inconsistent(bad), (std::vector<MessageId>{{1, 2, 4}}));
  EXPECT_TRUE(is_strongly_consistent(cut_from_counts({{1, 2, 4, 4}, {2, 1, 0, 0}})));
}

}  // namespace
}  // namespace synod::snapshot
