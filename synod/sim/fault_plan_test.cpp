#include <gtest/gtest.h>

#include "synod/node/registry.hpp"
#include "synod/sim/fault_plan.hpp"

namespace synod::sim {
namespace {

TEST(FaultPlan, ParsesEveryItemKind) {
  auto p = parse_fault_plan(
      "loss=0.1,dup=0.01,reorder=0.2,latency=uniform:1ms..5ms,bandwidth=1000000; "
      "link 1>2 latency=fixed:30ms; clock 3 offset=-20ms,drift=150; "
      "@2s crash 3; @1s partition 1,2|3; @3s oneway 1>2,3; @4s heal; @5s restart 3; "
      "@500ms pause 2; @700ms resume 2; @1s clog 1 250ms; @6s step 2 -1s; @7s drift 1 -30",
      3);
  ASSERT_TRUE(p) << p.status().to_string();
  EXPECT_DOUBLE_EQ(p->network.loss, 0.1);
  EXPECT_EQ(p->network.latency.shape, Latency::Shape::kUniform);
  EXPECT_EQ(p->network.bandwidth_Bps, 1000000U);
  ASSERT_EQ(p->links.size(), 1U);
  EXPECT_EQ(p->links[0].model.latency.lo, std::chrono::milliseconds(30));
  EXPECT_DOUBLE_EQ(p->links[0].model.loss, 0.1);  // inherits the network set before it
  ASSERT_EQ(p->clocks.size(), 1U);
  EXPECT_EQ(p->clocks[0].offset, std::chrono::milliseconds(-20));
  ASSERT_EQ(p->actions.size(), 10U);
  EXPECT_EQ(p->actions.front().kind, Action::Kind::kPause);  // sorted by time
  EXPECT_EQ(p->actions.back().kind, Action::Kind::kDrift);
}

TEST(FaultPlan, CanonicalTextRoundTrips) {
  auto p =
      parse_fault_plan("latency=pareto:100us..200ms,loss=0.05; @1s partition 1|2,3; @2s heal", 3);
  ASSERT_TRUE(p);
  auto again = parse_fault_plan(to_string(*p), 3);
  ASSERT_TRUE(again) << again.status().to_string();
  EXPECT_EQ(*p, *again);
}

TEST(FaultPlan, SwarmDrawsRoundTripExactly) {
  // A failing swarm seed prints its plan; pasting it into --faults must replay the same run.
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    Rng rng(seed);
    const FaultPlan drawn = draw_swarm_plan(rng, 5, std::chrono::seconds(10));
    auto parsed = parse_fault_plan(to_string(drawn), 5);
    ASSERT_TRUE(parsed) << "seed " << seed << ": " << parsed.status().to_string() << "\n"
                        << to_string(drawn);
    ASSERT_EQ(drawn, *parsed) << "seed " << seed << "\n" << to_string(drawn);
  }
}

TEST(FaultPlan, SwarmSeedsDiffer) {
  Rng a(1);
  Rng b(2);
  EXPECT_NE(to_string(draw_swarm_plan(a, 5, std::chrono::seconds(10))),
            to_string(draw_swarm_plan(b, 5, std::chrono::seconds(10))));
}

TEST(FaultPlan, ErrorsNameTheItem) {
  const char* bad[] = {
      "loss=2",             // probability out of range
      "loss=x",             // not a number
      "jitter=1ms",         // unknown key
      "latency=gauss:1ms",  // unknown shape
      "latency=uniform:5ms..1ms",
      "@1s crash 9",        // node out of range
      "@1s crash",          // missing argument
      "@1s explode 1",      // unknown action
      "@1s partition 1,2",  // one group only
      "@1s partition 1|1",  // node in two groups
      "@soon crash 1",      // bad time
      "@1s clog 1 -5ms",    // non-positive clog
      "link 1-2 loss=0.1",  // bad link syntax
      "clock 1 skew=3",     // unknown clock key
  };
  for (const char* spec : bad) {
    auto p = parse_fault_plan(spec, 3);
    EXPECT_FALSE(p) << spec;
    if (!p) {
      EXPECT_NE(p.status().message().find("faults:"), std::string::npos) << p.status().message();
    }
  }
  EXPECT_TRUE(parse_fault_plan("none", 3));
  EXPECT_TRUE(parse_fault_plan("", 3));
}

// A link from a node to itself never carries a message: accepting it would let a plan look like
// it does something it does not (issue 11: `--faults 'link 1>1'` was accepted).
TEST(FaultPlan, RefusesSelfLinks) {
  auto p = parse_fault_plan("link 1>1 loss=1", 3);
  ASSERT_FALSE(p);
  EXPECT_NE(p.status().message().find("itself"), std::string::npos) << p.status().message();
  EXPECT_TRUE(parse_fault_plan("link 1>2 loss=1", 3));
}

// Every item that names a node refuses ids outside [1, nodes], 0 included.
TEST(FaultPlan, RefusesNodesOutsideTheCluster) {
  const char* bad[] = {
      "link 0>2 loss=1", "link 1>4 loss=1",       "clock 4 offset=1ms", "clock 0 drift=5",
      "@1s crash 0",     "@1s restart 4",         "@1s pause 4",        "@1s resume 0",
      "@1s clog 4 1s",   "@1s step 4 5ms",        "@1s drift 0 10",     "@1s partition 1|4",
      "@1s oneway 0>1",  "@1s partition 1,2|3,4",
  };
  for (const char* spec : bad) {
    auto p = parse_fault_plan(spec, 3);
    EXPECT_FALSE(p) << spec;
  }
}

// The replay line carries durations as exact_duration text; they must parse back to the same
// nanoseconds, or a replay runs a different phase boundary (and another trace hash).
TEST(FaultPlan, ExactDurationsParseBackExactly) {
  Rng rng(7);
  std::vector<Duration> samples = {Duration(0),
                                   Duration(1),
                                   std::chrono::seconds(5),
                                   std::chrono::milliseconds(1500),
                                   Duration(1'234'567'891),
                                   Duration(-2'500'000)};
  for (int i = 0; i < 1000; ++i) samples.push_back(Duration(rng.between(0, std::int64_t{1} << 45)));
  for (Duration d : samples) {
    auto back = parse_duration(exact_duration(d));
    ASSERT_TRUE(back) << exact_duration(d);
    EXPECT_EQ(back->count(), d.count()) << exact_duration(d);
  }
  // format_duration is for reading: it rounds (which is why replay lines do not use it).
  EXPECT_EQ(format_duration(Duration(1'234'567'891)), "1.23457s");
  EXPECT_NE(parse_duration(format_duration(Duration(1'234'567'891)))->count(), 1'234'567'891);
}

}  // namespace
}  // namespace synod::sim
