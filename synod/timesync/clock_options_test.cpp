// Options shared by the time-sync protocols, and each protocol's own parser at its edges.
#include "synod/timesync/clock_options.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "synod/timesync/berkeley.hpp"
#include "synod/timesync/cristian.hpp"

namespace synod::timesync {
namespace {

using std::chrono::milliseconds;

TEST(ClockOptions, SpreadPlacesNodesEvenlyFromMinusToPlus) {
  ClockOptions o;
  o.initial_spread = milliseconds(90);
  const std::vector<NodeId> all = {1, 2, 3, 4};
  std::vector<Duration> got;
  for (NodeId self : all) {
    std::vector<NodeId> peers;
    for (NodeId p : all) {
      if (p != self) peers.push_back(p);
    }
    got.push_back(initial_offset_for(o, self, peers));
  }
  EXPECT_EQ(got, (std::vector<Duration>{milliseconds(-90), milliseconds(-30), milliseconds(30),
                                        milliseconds(90)}));
}

TEST(ClockOptions, OffsetAloneAndParsedValues) {
  auto o = parse_clock_options(
      {{"initial_offset", "-250ms"}, {"step_threshold", "0"}, {"max_slew_ppm", "1000"}}, "t");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->initial_offset, milliseconds(-250));
  EXPECT_EQ(o->discipline.step_threshold, Duration(0));
  EXPECT_EQ(o->discipline.max_slew_ppm, 1000);
  const std::vector<NodeId> peers = {2};
  EXPECT_EQ(initial_offset_for(*o, 1, peers), milliseconds(-250));
}

TEST(ClockOptions, RejectsBadValues) {
  EXPECT_FALSE(parse_clock_options({{"initial_offset", "25h"}}, "t"));
  EXPECT_FALSE(parse_clock_options({{"step_threshold", "-1ms"}}, "t"));
  EXPECT_FALSE(parse_clock_options({{"max_slew_ppm", "0"}}, "t"));
  EXPECT_FALSE(parse_node_list("1,x", "servers"));
  EXPECT_FALSE(parse_node_list("0", "servers"));
  EXPECT_EQ(parse_node_list("3,1,3", "servers").value(), (std::vector<NodeId>{3, 1}));
}

TEST(ProtocolOptions, CristianAndBerkeleyParseAndRejectUnknownKeys) {
  auto c = parse_cristian_options({{"servers", "2"}, {"samples", "8"}, {"period", "2s"}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->servers, (std::vector<NodeId>{2}));
  EXPECT_EQ(c->samples, 8U);
  EXPECT_FALSE(parse_cristian_options({{"samples", "0"}}));
  EXPECT_FALSE(parse_cristian_options({{"bogus", "1"}}));
  auto b = parse_berkeley_options({{"master", "3"}, {"rtt_limit", "10ms"}});
  ASSERT_TRUE(b);
  EXPECT_EQ(b->master, 3U);
  EXPECT_EQ(b->rtt_limit, milliseconds(10));
  EXPECT_FALSE(parse_berkeley_options({{"reply_timeout", "1s"}}));  // not below the period
  EXPECT_FALSE(parse_berkeley_options({{"servers", "1"}}));
}

}  // namespace
}  // namespace synod::timesync

namespace synod::timesync {
namespace {

// Options that make an algorithm unable to work are refused with the reason.
TEST(TimesyncOptions, RefusesSettingsThatCannotWork) {
  const auto short_deadline = parse_cristian_options({{"timeout", "100us"}});
  ASSERT_FALSE(short_deadline);
  EXPECT_NE(short_deadline.status().message().find("no client ever syncs"), std::string::npos);
  EXPECT_FALSE(parse_cristian_options({{"period", "0s"}}));
  EXPECT_FALSE(parse_cristian_options({{"mutant", "C9"}}));
  EXPECT_TRUE(parse_cristian_options({{"mutant", "C1"}}));
  const auto flapping = parse_berkeley_options({{"master_timeout", "1s"}});
  ASSERT_FALSE(flapping);
  EXPECT_NE(flapping.status().message().find("take over between two"), std::string::npos);
  EXPECT_FALSE(parse_berkeley_options({{"reply_timeout", "1s"}}));
  EXPECT_FALSE(parse_berkeley_options({{"rtt_limit", "200ms"}}));
  EXPECT_FALSE(parse_berkeley_options({{"period", "0s"}}));
  EXPECT_TRUE(parse_berkeley_options({{"mutant", "B6"}}));
}

}  // namespace
}  // namespace synod::timesync
