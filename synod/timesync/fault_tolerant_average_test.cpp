// The Berkeley algorithm's fault-tolerant average (Gusella-Zatti): largest window, ties to the
// master's, outliers excluded.
#include "synod/timesync/fault_tolerant_average.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace synod::timesync {
namespace {

TEST(FaultTolerantAverage, AllAgreeingClocksAreAveraged) {
  const std::vector<std::int64_t> d = {0, 10, -4, 6};
  const auto r = fault_tolerant_average(d, 20);
  EXPECT_EQ(r.count, 4U);
  EXPECT_EQ(r.average_ns, 3);
  EXPECT_EQ(r.included, (std::vector<bool>{true, true, true, true}));
}

TEST(FaultTolerantAverage, AFarClockIsExcludedAndDoesNotPull) {
  const std::vector<std::int64_t> d = {0, 10, -4, 6, 5'000'000'000};
  const auto r = fault_tolerant_average(d, 20);
  EXPECT_EQ(r.count, 4U);
  EXPECT_EQ(r.average_ns, 3);
  EXPECT_FALSE(r.included[4]);
}

TEST(FaultTolerantAverage, TheWindowEdgeIsInclusive) {
  const std::vector<std::int64_t> d = {0, 20, 21};
  const auto r = fault_tolerant_average(d, 20);
  EXPECT_EQ(r.count, 2U);  // {0, 20} and {20, 21} tie at 2; the master's (index 0) wins
  EXPECT_TRUE(r.included[0]);
  EXPECT_TRUE(r.included[1]);
  EXPECT_FALSE(r.included[2]);
  EXPECT_EQ(r.average_ns, 10);
}

TEST(FaultTolerantAverage, TheLargestWindowWinsEvenWithoutTheMaster) {
  // A faulty master: the three others agree with each other.
  const std::vector<std::int64_t> d = {0, 900, 905, 910};
  const auto r = fault_tolerant_average(d, 20);
  EXPECT_EQ(r.count, 3U);
  EXPECT_FALSE(r.included[0]);
  EXPECT_EQ(r.average_ns, 905);
}

TEST(FaultTolerantAverage, AllApartTheMastersOwnClockWins) {
  const std::vector<std::int64_t> d = {0, -500, 300, 700};
  const auto r = fault_tolerant_average(d, 20);
  EXPECT_EQ(r.count, 1U);
  EXPECT_TRUE(r.included[0]);
  EXPECT_EQ(r.average_ns, 0);
}

TEST(FaultTolerantAverage, RoundsToTheNearestAndHandlesEmptyInput) {
  const std::vector<std::int64_t> d = {0, 1, 1};
  EXPECT_EQ(fault_tolerant_average(d, 5).average_ns, 1);  // 2/3 rounds to 1
  const auto empty = fault_tolerant_average({}, 5);
  EXPECT_EQ(empty.count, 0U);
  EXPECT_EQ(empty.average_ns, 0);
}

}  // namespace
}  // namespace synod::timesync
